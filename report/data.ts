// From a search's rows to the report's charts and rankings: the reward curve, best accuracy so far,
// accuracy against parameter count, and what was sampled over time (depths, filter sizes, filter
// counts or NB201 operations) as stacked bars over bins of children. Pure and deterministic.
// A recurrent-cell search's perplexity charts are cell-data.ts.
import type { ReportChild, ReportUpdate } from '../store/report';
import type { StackedBarsChart, XYChart } from './chart';
import { readArchitecture } from './architecture-diagram';

export const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

/** Children are numbered 1.. in sampling order (iteration, replica, child index): the x axis of the curves. */
export function rewardChart(children: readonly ReportChild[], updates: readonly ReportUpdate[]): XYChart {
  const rewards = children.flatMap((c, i) => (c.reward === null ? [] : [{ x: i + 1, y: c.reward }]));
  let seen = 0;
  const means = updates.map((u) => ({ x: (seen += u.childrenCount), y: u.meanReward }));
  seen = 0;
  const baseline = updates.map((u) => ({ x: (seen += u.childrenCount), y: u.baselineAfter }));
  return {
    kind: 'xy', id: 'reward-curve', title: 'Reward of every child', xLabel: 'child (sampling order)', yLabel: 'reward',
    series: [
      { name: 'child reward', color: PALETTE[0]!, points: rewards, style: 'points' },
      ...(means.length ? [
        { name: 'mean reward per update', color: PALETTE[1]!, points: means, style: 'both' as const },
        { name: 'baseline after update', color: PALETTE[2]!, points: baseline, style: 'line' as const },
      ] : []),
    ],
  };
}

/** A metric of the children, the way a chart shows it: which column, its words, and which way is better. */
export interface ChildMetric {
  value: (c: ReportChild) => number | null;
  /** e.g. "validation accuracy" */
  label: string;
  lowerIsBetter: boolean;
}

export const ACCURACY: ChildMetric = { value: (c) => c.bestValidationAccuracy, label: 'validation accuracy', lowerIsBetter: false };

/** The running best of `metric` in sampling order; children without a value carry the best so far. */
export function runningBestChart(children: readonly ReportChild[], metric: ChildMetric, title: string): XYChart {
  let best: number | null = null;
  const points = children.flatMap((c, i) => {
    const v = metric.value(c);
    if (v !== null && (best === null || (metric.lowerIsBetter ? v < best : v > best))) best = v;
    return best === null ? [] : [{ x: i + 1, y: best }];
  });
  return {
    kind: 'xy', id: 'best-so-far', title, xLabel: 'child (sampling order)', yLabel: metric.label,
    series: [{ name: 'best so far', color: PALETTE[3]!, points, style: 'line' }],
  };
}

/** `metric` of every succeeded child against its parameter count (log scale). */
export function metricParamsChart(children: readonly ReportChild[], metric: ChildMetric, id: string): XYChart {
  const points = children.flatMap((c) => {
    const v = metric.value(c);
    return c.status === 'succeeded' && c.paramCount !== null && v !== null ? [{ x: c.paramCount, y: v }] : [];
  });
  const label = metric.label[0]!.toUpperCase() + metric.label.slice(1);
  return {
    kind: 'xy', id, title: `${label} against parameter count`, xLabel: 'parameters (log scale)',
    yLabel: metric.label, xLog: true, series: [{ name: 'child', color: PALETTE[4]!, points, style: 'points' }],
  };
}

export function bestSoFarChart(children: readonly ReportChild[]): XYChart {
  return runningBestChart(children, ACCURACY, 'Best validation accuracy so far');
}

export function accuracyParamsChart(children: readonly ReportChild[]): XYChart {
  return metricParamsChart(children, ACCURACY, 'accuracy-params');
}

/** What each child sampled, as category labels (a child may contribute several, one per layer or edge). */
type Categorize = (child: ReportChild) => string[];

export const byDepth: Categorize = (c) => [`${c.numLayers} layers`];

export const byFilterSize: Categorize = (c) => {
  const arch = readArchitecture(c.architecture);
  // A pooling window is no filter: the charts count convolutions only.
  if (arch?.kind === 'cnn') return arch.layers.flatMap((l) => (l.type === undefined ? [`${l.filterHeight}x${l.filterWidth}`] : []));
  if (arch?.kind === 'nb201') return [...arch.ops];
  return [];
};

export const byFilterCount: Categorize = (c) => {
  const arch = readArchitecture(c.architecture);
  return arch?.kind === 'cnn' ? arch.layers.flatMap((l) => (l.type === undefined ? [`${l.filters} filters`] : [])) : [];
};

/**
 * Stacked bars over up to `binCount` consecutive, near-equal bins of children: how the sampled
 * distribution moved while the controller learned.
 */
export function distributionChart(children: readonly ReportChild[], categorize: Categorize, meta: { id: string; title: string; yLabel: string }, binCount = 10): StackedBarsChart {
  const n = children.length;
  const bins = Math.min(binCount, n);
  const names = new Set<string>();
  const out = Array.from({ length: bins }, (_, k) => {
    const start = Math.floor((k * n) / bins);
    const end = Math.floor(((k + 1) * n) / bins);
    const counts: Record<string, number> = {};
    for (const c of children.slice(start, end)) {
      for (const label of categorize(c)) {
        counts[label] = (counts[label] ?? 0) + 1;
        names.add(label);
      }
    }
    return { label: end - start === 1 ? String(end) : `${start + 1}-${end}`, counts };
  });
  const categories = [...names].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
    .map((name, i) => ({ name, color: PALETTE[i % PALETTE.length]! }));
  return { kind: 'bars', id: meta.id, title: meta.title, xLabel: 'children (sampling order)', yLabel: meta.yLabel, bins: out, categories };
}

/** The best finished children, ranked as `nas best` ranks them (accuracy, then id). */
export function topChildren(children: readonly ReportChild[], top: number): ReportChild[] {
  return children.filter((c) => c.status === 'succeeded' && c.bestValidationAccuracy !== null)
    .sort((a, b) => b.bestValidationAccuracy! - a.bestValidationAccuracy! || a.id - b.id)
    .slice(0, top);
}
