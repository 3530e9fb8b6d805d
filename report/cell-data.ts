// The report's charts for a recurrent-cell search (section 3.4), where validation perplexity is what
// counts (lower is better; reward = c / perplexity²): best perplexity so far, perplexity against
// parameter count, and what the tree nodes sampled. Pure; the CNN and NB201 charts are data.ts.
import type { ReportChild } from '../store/report';
import type { XYChart } from './chart';
import { readArchitecture } from './architecture-diagram';
import { type ChildMetric, metricParamsChart, runningBestChart } from './data';

const PERPLEXITY: ChildMetric = { value: (c) => c.validationPerplexity, label: 'validation perplexity', lowerIsBetter: true };

/** The running minimum of validation perplexity; failed children (no perplexity) carry it. */
export function bestPerplexitySoFarChart(children: readonly ReportChild[]): XYChart {
  return runningBestChart(children, PERPLEXITY, 'Best validation perplexity so far (lower is better)');
}

export function perplexityParamsChart(children: readonly ReportChild[]): XYChart {
  return metricParamsChart(children, PERPLEXITY, 'perplexity-params');
}

/** Every tree node's combination (2·base − 1 per cell; the inject is counted apart as `inject ...`). */
export const byCombination = (c: ReportChild): string[] => {
  const arch = readArchitecture(c.architecture);
  return arch?.kind === 'rnnCell' ? [...arch.nodes.map((n) => n.combination), `inject ${arch.inject.combination}`] : [];
};

/** Every tree node's activation, and the inject's as `inject ...`. */
export const byActivation = (c: ReportChild): string[] => {
  const arch = readArchitecture(c.architecture);
  return arch?.kind === 'rnnCell' ? [...arch.nodes.map((n) => n.activation), `inject ${arch.inject.activation}`] : [];
};

/** The best cells, ranked as `nas best` ranks them (lowest perplexity, then id). */
export function topCells(children: readonly ReportChild[], top: number): ReportChild[] {
  return children.filter((c) => c.status === 'succeeded' && c.validationPerplexity !== null)
    .sort((a, b) => a.validationPerplexity! - b.validationPerplexity! || a.id - b.id)
    .slice(0, top);
}
