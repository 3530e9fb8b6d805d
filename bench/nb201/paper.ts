// The numbers the NAS-Bench-201 paper reports for CIFAR-10 (Dong & Yang, ICLR 2020, its table of searches): test
// accuracy (%) of the final pick, mean ± std over 500 runs with a budget of 12,000 simulated seconds.
// Reference values to print beside ours, keyed like bench/nb201/strategies.ts; nothing computes them.

export interface PaperResult {
  readonly label: string;
  readonly mean: number;
  readonly std: number;
}

export const PAPER_CIFAR10: Readonly<Record<string, PaperResult>> = {
  reinforce: { label: 'REINFORCE', mean: 93.85, std: 0.37 },
  random: { label: 'random search', mean: 93.7, std: 0.36 },
  evolution: { label: 'regularized evolution', mean: 93.92, std: 0.3 },
};

/** The best test accuracy the paper gives for CIFAR-10 (the cell with the best 200-epoch validation accuracy). */
export const PAPER_CIFAR10_OPTIMUM = 94.37;
