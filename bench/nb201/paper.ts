// The numbers the NAS-Bench-201 paper reports (Dong & Yang, ICLR 2020, its table of searches), per data set:
// test accuracy (%) of the final pick, mean ± std over 500 runs with a budget of 12,000 simulated seconds.
// Reference values to print beside ours; nothing computes them. Only CIFAR-10's are stored, the ones
// ../shared/data/README.md gives and checks against its table: a data set missing here gets no paper row.

export interface PaperResult {
  readonly label: string;
  readonly mean: number;
  readonly std: number;
}

export interface PaperTable {
  /** Keyed like bench/nb201/strategies.ts. */
  readonly results: Readonly<Record<string, PaperResult>>;
  /** The best test accuracy the paper gives (the cell with the best 200-epoch validation accuracy). */
  readonly optimum: number;
}

/** Keyed by the data set's id as `nb201DatasetOf` (data/nb201-table.ts) gives it. */
export const PAPER: Readonly<Record<string, PaperTable>> = {
  cifar10: {
    results: {
      reinforce: { label: 'REINFORCE', mean: 93.85, std: 0.37 },
      random: { label: 'random search', mean: 93.7, std: 0.36 },
      evolution: { label: 'regularized evolution', mean: 93.92, std: 0.3 },
    },
    optimum: 94.37,
  },
};

/** The paper's values for this data set, or undefined when none are stored (never another data set's). */
export function paperFor(datasetId: string): PaperTable | undefined {
  return Object.hasOwn(PAPER, datasetId) ? PAPER[datasetId] : undefined;
}
