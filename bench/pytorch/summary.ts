// The side-by-side bench's figures from its rounds: children per hour and steady-state images/s per
// side, summed over the processes that ran at once, children per CPU-hour, and the ratio tfjs ÷ PyTorch per round with its
// median and range; per child, the median wall seconds. Arithmetic and table rows only.
import type { Outcome } from './job';

/** One round of one configuration: the outcomes of each side's processes, and the load around them. */
export interface Round { tfjs: Outcome[]; pytorch: Outcome[]; load: number[] }

export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const spread = (xs: readonly number[], digits: number): string =>
  `${median(xs).toFixed(digits)} (${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)})`;

/** Children per hour of processes running at once: each process's own rate, summed. */
export function childrenPerHour(outcomes: readonly Outcome[]): number {
  return outcomes.reduce((sum, o) => sum + (3600 * o.children.length) / o.children.reduce((s, c) => s + c.seconds, 0), 0);
}

/** Steady-state training images/s of processes running at once: each process's children in sequence (equal images each), summed. */
export function imagesPerSecond(outcomes: readonly Outcome[]): number {
  return outcomes.reduce((sum, o) => sum + o.children.length / o.children.reduce((s, c) => s + 1 / c.steadyImagesPerSecond, 0), 0);
}

/** Children per CPU-hour of processes running at once: all their children over all their CPU seconds (what the machine's load does not change much). */
export function childrenPerCpuHour(outcomes: readonly Outcome[]): number {
  const children = outcomes.flatMap((o) => o.children);
  return (3600 * children.length) / children.reduce((s, c) => s + c.cpuSeconds, 0);
}

/** Table rows (after `header`) of one configuration: both measures, per side and as tfjs ÷ PyTorch per round. */
export function summaryRows(label: string, rounds: readonly Round[]): string[] {
  const row = (measure: string, f: (o: readonly Outcome[]) => number, digits: number): string => {
    const t = rounds.map((r) => f(r.tfjs));
    const p = rounds.map((r) => f(r.pytorch));
    const ratios = rounds.map((r) => f(r.tfjs) / f(r.pytorch));
    return `| ${label} | ${measure} | ${spread(t, digits)} | ${spread(p, digits)} | **${spread(ratios, 2)}** |`;
  };
  return [row('children/hour', childrenPerHour, 0), row('steady images/s', imagesPerSecond, 0), row('children/CPU-hour', childrenPerCpuHour, 0)];
}

export const SUMMARY_HEADER = [
  '| regime, processes per side | measure | tfjs-node median (min–max) | PyTorch median (min–max) | tfjs ÷ PyTorch per round: median (min–max) |',
  '|---|---|---|---|---|',
];

/** Per child: median wall seconds of the whole child on each side over rounds and processes, and their ratio (PyTorch s ÷ tfjs s = tfjs speed ÷ PyTorch's). */
export function childRows(label: string, rounds: readonly Round[]): string[] {
  const seconds = (side: 'tfjs' | 'pytorch', name: string): number =>
    median(rounds.flatMap((r) => r[side].flatMap((o) => o.children.filter((c) => c.name === name).map((c) => c.seconds))));
  const names = rounds[0]!.tfjs[0]!.children.map((c) => c.name).sort();
  return names.map((name) => {
    const [t, p] = [seconds('tfjs', name), seconds('pytorch', name)];
    return `| ${label} | ${name} | ${t.toFixed(2)} | ${p.toFixed(2)} | ${(p / t).toFixed(2)} |`;
  });
}

export const CHILD_HEADER = [
  '| regime, processes per side | child | tfjs-node s per child (median) | PyTorch s per child (median) | tfjs ÷ PyTorch speed |',
  '|---|---|---|---|---|',
];

/** One line per round: the order the sides ran in, each side's children/hour, and the 1-minute load before, between and after. */
export function roundLines(label: string, rounds: readonly Round[]): string[] {
  return rounds.map((r, i) => `- ${label}, round ${i + 1} (${i % 2 === 0 ? 'tfjs first' : 'PyTorch first'}): tfjs ${childrenPerHour(r.tfjs).toFixed(0)}, ` +
    `PyTorch ${childrenPerHour(r.pytorch).toFixed(0)} children/hour; load ${r.load.map((l) => l.toFixed(2)).join(' → ')}`);
}
