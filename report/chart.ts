// A chart as data, and its layout: the plot area, the scales from data to pixels and the axis ticks.
// Both renderers (svg-chart.ts for the HTML page, png-chart.ts for the images) draw from this, so
// the two always show the same thing. Not a renderer, and no text measuring: fixed margins.

export interface Point { x: number; y: number }

export interface Series {
  name: string;
  color: string; // #rrggbb
  points: readonly Point[];
  /** line: joined in x order; points: a dot each; both. */
  style: 'line' | 'points' | 'both';
}

export interface XYChart {
  kind: 'xy';
  id: string;
  title: string;
  xLabel: string;
  yLabel: string;
  series: readonly Series[];
  /** log10 x axis (parameter counts span orders of magnitude). */
  xLog?: boolean;
}

export interface StackedBarsChart {
  kind: 'bars';
  id: string;
  title: string;
  xLabel: string;
  yLabel: string;
  /** One bar per bin, in order; counts per category. */
  bins: readonly { label: string; counts: Readonly<Record<string, number>> }[];
  categories: readonly { name: string; color: string }[];
}

export type Chart = XYChart | StackedBarsChart;

export interface Scale {
  (v: number): number;
  ticks: number[];
  format: (v: number) => string;
}

export interface Layout {
  width: number;
  height: number;
  plot: { left: number; top: number; right: number; bottom: number };
  x: Scale;
  y: Scale;
}

export const MARGIN = { left: 56, right: 16, top: 30, bottom: 40 };

/** 1, 2 or 5 times a power of ten, so that about `count` ticks cover [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const first = Math.ceil(lo / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let t = first; t <= hi + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

export function formatTick(v: number): string {
  if (v === 0) return '0';
  const abs = Math.abs(v);
  if (abs >= 1e6) return `${Number((v / 1e6).toPrecision(3))}M`;
  if (abs >= 1e4) return `${Number((v / 1e3).toPrecision(3))}k`;
  return String(Number(v.toPrecision(3)));
}

function linear(lo: number, hi: number, from: number, to: number, count: number): Scale {
  if (!(hi > lo)) { lo -= 0.5; hi += 0.5; }
  const ticks = niceTicks(lo, hi, count);
  const scale = ((v: number) => from + ((v - lo) / (hi - lo)) * (to - from)) as Scale;
  scale.ticks = ticks;
  scale.format = formatTick;
  return scale;
}

function log10(lo: number, hi: number, from: number, to: number): Scale {
  const a = Math.floor(Math.log10(Math.max(lo, 1)));
  const b = Math.max(a + 1, Math.ceil(Math.log10(Math.max(hi, 1))));
  const scale = ((v: number) => from + ((Math.log10(Math.max(v, 1)) - a) / (b - a)) * (to - from)) as Scale;
  scale.ticks = Array.from({ length: b - a + 1 }, (_, i) => 10 ** (a + i));
  scale.format = formatTick;
  return scale;
}

function extent(values: readonly number[]): [number, number] {
  return values.length ? [Math.min(...values), Math.max(...values)] : [0, 1];
}

/** Room at the right for a legend of two or more entries, outside the plot so it hides no data. */
export function legendEntries(chart: Chart): { name: string; color: string }[] {
  const items = chart.kind === 'xy' ? chart.series.map((s) => ({ name: s.name, color: s.color })) : [...chart.categories];
  return items.length < 2 ? [] : items;
}
export const LEGEND_WIDTH = 150;

export function layoutChart(chart: Chart, width: number, height: number): Layout {
  const right = width - MARGIN.right - (legendEntries(chart).length ? LEGEND_WIDTH : 0);
  const plot = { left: MARGIN.left, top: MARGIN.top, right, bottom: height - MARGIN.bottom };
  if (chart.kind === 'bars') {
    const n = Math.max(1, chart.bins.length);
    const x = ((i: number) => plot.left + ((i + 0.5) / n) * (plot.right - plot.left)) as Scale;
    x.ticks = chart.bins.map((_, i) => i);
    x.format = (i) => chart.bins[i]?.label ?? '';
    const totals = chart.bins.map((b) => Object.values(b.counts).reduce((s, c) => s + c, 0));
    const y = linear(0, Math.max(1, ...totals), plot.bottom, plot.top, 4);
    return { width, height, plot, x, y };
  }
  const points = chart.series.flatMap((s) => s.points);
  const [x0, x1] = extent(points.map((p) => p.x));
  const [y0, y1] = extent(points.map((p) => p.y));
  const x = chart.xLog ? log10(x0, x1, plot.left, plot.right) : linear(x0, x1, plot.left, plot.right, 6);
  // Accuracies and rewards: include the nice ticks around the data, so points never sit on the frame.
  const yTicks = niceTicks(y0, y1 > y0 ? y1 : y0 + 1, 5);
  const lo = Math.min(y0, yTicks[0]!);
  const hi = Math.max(y1, yTicks.at(-1)!, lo + 1e-9);
  const pad = (hi - lo) * 0.05;
  const y = linear(lo - pad, hi + pad, plot.bottom, plot.top, 5);
  return { width, height, plot, x, y };
}
