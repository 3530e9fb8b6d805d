// The report's charts for a recurrent-cell search (section 3.4), where validation perplexity is what
// counts (lower is better; reward = c / perplexity²): best perplexity so far, perplexity against
// parameter count, and what the tree nodes sampled. Pure; the CNN and NB201 charts are data.ts.
import type { ReportChild } from '../store/report';
import type { XYChart } from './chart';
import { readArchitecture } from './architecture-diagram';
import { PALETTE } from './data';

/** The running minimum of validation perplexity; failed children (no perplexity) carry it. */
export function bestPerplexitySoFarChart(children: readonly ReportChild[]): XYChart {
  let best: number | null = null;
  const points = children.flatMap((c, i) => {
    if (c.validationPerplexity !== null && (best === null || c.validationPerplexity < best)) best = c.validationPerplexity;
    return best === null ? [] : [{ x: i + 1, y: best }];
  });
  return {
    kind: 'xy', id: 'best-so-far', title: 'Best validation perplexity so far (lower is better)', xLabel: 'child (sampling order)', yLabel: 'validation perplexity',
    series: [{ name: 'best so far', color: PALETTE[3]!, points, style: 'line' }],
  };
}

export function perplexityParamsChart(children: readonly ReportChild[]): XYChart {
  const points = children.flatMap((c) => (c.status === 'succeeded' && c.paramCount !== null && c.validationPerplexity !== null
    ? [{ x: c.paramCount, y: c.validationPerplexity }] : []));
  return {
    kind: 'xy', id: 'perplexity-params', title: 'Validation perplexity against parameter count', xLabel: 'parameters (log scale)',
    yLabel: 'validation perplexity', xLog: true, series: [{ name: 'child', color: PALETTE[4]!, points, style: 'points' }],
  };
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
