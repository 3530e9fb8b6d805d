// What bench/nb201/compare.ts prints for one table: the markdown summary and the plot's words, named
// after the table's own data set, with the paper's row and optimum only when paper.ts holds that data
// set's values. Pure: it runs no search and reads no file.
import type { Nb201Dataset, Nb201Row } from '../../data/nb201-table';
import type { BudgetSummary } from '../../strategies/harness';
import { paperFor } from './paper';
import type { PlotOptions } from './plot';

export interface StrategySummary {
  readonly name: string;
  /** One per budget, in the order of `budgets`. */
  readonly summaries: readonly BudgetSummary[];
  /** Wall time of all seeds. */
  readonly seconds: number;
}

/** The table's facts the summary cites: its best cell by valid_acc_200ep and by the reward, valid_acc_12ep. */
export interface TableBests {
  readonly best: Pick<Nb201Row, 'index' | 'test_acc_200ep'>;
  readonly rewardBest: Pick<Nb201Row, 'index'>;
}

export function summaryMarkdown(dataset: Nb201Dataset, outcomes: readonly StrategySummary[], budgets: readonly number[], seeds: number, bests: TableBests): string {
  const paper = paperFor(dataset.id);
  const percent = (share: number) => `${(100 * share).toFixed(0)}%`;
  const cell = (s: BudgetSummary) => `${s.mean.toFixed(2)} ± ${s.std.toFixed(2)} (${percent(s.shareFoundBest)} / ${percent(s.shareFoundRewardBest)})`;
  const paperCell = (name: string) => {
    const r = paper?.results[name];
    return r ? `${r.mean.toFixed(2)} ± ${r.std.toFixed(2)}` : '—';
  };
  const lines = [
    `| queries | ${outcomes.map((o) => o.name).join(' | ')} |`,
    `|---|${outcomes.map(() => '---').join('|')}|`,
    ...budgets.map((b, i) => `| ${b} | ${outcomes.map((o) => cell(o.summaries[i]!)).join(' | ')} |`),
    ...(paper ? [`| paper: 500 runs, 12,000 simulated s; optimum ${paper.optimum} | ${outcomes.map((o) => paperCell(o.name)).join(' | ')} |`] : []),
    `| wall time, all seeds | ${outcomes.map((o) => `${o.seconds.toFixed(2)} s`).join(' | ')} |`,
  ];
  return [
    `${dataset.name} test accuracy (%) of the pick (the best-by-reward query so far; reward = valid_acc_12ep / 100),`,
    `mean ± population std over seeds 1..${seeds}; (a% / b%) = share of runs whose pick is the table's best cell by`,
    `valid_acc_200ep (index ${bests.best.index}) / by the reward valid_acc_12ep (index ${bests.rewardBest.index}).`,
    paper
      ? `Budgets count queries, repeats included; the paper's budget was 12,000 simulated seconds of training.`
      : `Budgets count queries, repeats included. No paper values are stored for ${dataset.name} (bench/nb201/paper.ts).`,
    '',
    ...lines,
    '',
  ].join('\n');
}

/**
 * The plot's title, the paper's values as references, and the optimum line: the paper's optimum when
 * it is stored for this data set, otherwise the table's own (test accuracy of its best cell by valid_acc_200ep).
 */
export function plotWords(dataset: Nb201Dataset, file: string, seeds: number, best: TableBests['best']): Pick<PlotOptions, 'title' | 'references' | 'optimum'> {
  const paper = paperFor(dataset.id);
  return {
    title: `NAS-Bench-201 ${dataset.name} (${file}): best-so-far pick, mean over ${seeds} seeds`,
    references: Object.entries(paper?.results ?? {}).map(([name, r]) => ({ name, label: `paper ${r.label} ${r.mean.toFixed(2)}`, value: r.mean })),
    optimum: paper
      ? { label: `optimum ${paper.optimum} (index ${best.index}: ${best.test_acc_200ep})`, value: paper.optimum }
      : { label: `table optimum (index ${best.index}: ${best.test_acc_200ep})`, value: best.test_acc_200ep },
  };
}
