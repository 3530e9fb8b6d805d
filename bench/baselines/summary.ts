// The figures of bench/baselines/equal-children.ts, from its runs: the best validation accuracy so far
// per child count, each pick's retrained test accuracy with the paired differences per seed, and what
// each method sampled over the search (kernel sizes, filters, skips) against random search's.
// Run alone it re-summarizes a stored JSON: node dist/bench/baselines/summary.js FILE.json [--out FILE.md]
import fs from 'node:fs';
import type { CnnArchitecture } from '../../space/cnn';
import { report, runBench } from '../results-file';

export interface BenchRun {
  dataset: string;
  method: string;
  seed: number;
  wallMinutes: number;
  cpuSeconds: number;
  /** Best validation accuracy of each child, in sampling order (iteration, child index). */
  accuracies: number[];
  architectures: CnnArchitecture[];
  pickAt: number;
  tests: number[];
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const sd = (xs: readonly number[]) => (xs.length < 2 ? 0 : Math.sqrt(xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / (xs.length - 1)));
/** Mean ± standard error of paired differences, with the paired t statistic (n − 1 degrees of freedom). */
const pairedT = (ds: readonly number[]) => `mean ${signed(mean(ds))} ± ${(sd(ds) / Math.sqrt(ds.length)).toFixed(3)} s.e., t = ${(mean(ds) / (sd(ds) / Math.sqrt(ds.length))).toFixed(2)}, ${ds.length - 1} d.f.`;
const signed = (d: number) => `${d >= 0 ? '+' : ''}${d.toFixed(3)}`;
const unique = <T>(xs: readonly T[]) => [...new Set(xs)];

/** Best so far after each of the first n children. */
export function bestSoFar(accuracies: readonly number[], n: number): number {
  return Math.max(...accuracies.slice(0, n));
}

/** Mean kernel height × width, filters and inputs per convolution over some children. */
export function sampledShape(archs: readonly CnnArchitecture[]): { area: number; filters: number; inputs: number; big: number } {
  const convs = archs.flatMap((a) => a.layers.flatMap((l) => (l.type === undefined ? [l] : [])));
  return {
    area: mean(convs.map((l) => l.filterHeight * l.filterWidth)),
    filters: mean(convs.map((l) => l.filters)),
    inputs: mean(convs.map((l) => l.inputs.length)),
    // Share of convolutions with the largest height and width of the space seen.
    big: mean(convs.map((l) => (l.filterHeight >= 5 && l.filterWidth >= 5 ? 1 : 0))),
  };
}

function quarters<T>(xs: readonly T[]): T[][] {
  const q = Math.ceil(xs.length / 4);
  return [0, 1, 2, 3].map((i) => xs.slice(i * q, (i + 1) * q));
}

export function summarize(runs: readonly BenchRun[]): string[] {
  const lines: string[] = [];
  for (const dataset of unique(runs.map((r) => r.dataset))) {
    const mine = runs.filter((r) => r.dataset === dataset);
    const methods = unique(mine.map((r) => r.method));
    const seeds = unique(mine.map((r) => r.seed)).sort((a, b) => a - b);
    const n = Math.min(...mine.map((r) => r.accuracies.length));
    const counts = unique([5, 10, 20, 30, 40, 60, 80, 100, 150, 200].filter((c) => c < n).concat(n));
    lines.push(`## ${dataset}: ${seeds.length} seeds (${seeds.join(', ')}), ${n} children per search`, '');
    lines.push('Best validation accuracy so far, mean over seeds (± sd):', '');
    lines.push(`| method | ${counts.map((c) => `${c} children`).join(' | ')} |`, `|---|${counts.map(() => '---|').join('')}`);
    for (const m of methods) {
      const rs = mine.filter((r) => r.method === m);
      lines.push(`| ${m} | ${counts.map((c) => { const v = rs.map((r) => bestSoFar(r.accuracies, c)); return `${mean(v).toFixed(3)} ± ${sd(v).toFixed(3)}`; }).join(' | ')} |`);
    }
    lines.push('', 'Each search\'s pick, retrained and tested:', '');
    lines.push('| seed | method | best valid. acc. (child #) | test acc. per retraining | mean | wall min | CPU s |', '|---|---|---|---|---|---|---|');
    for (const r of [...mine].sort((a, b) => a.seed - b.seed || a.method.localeCompare(b.method))) {
      lines.push(`| ${r.seed} | ${r.method} | ${r.accuracies[r.pickAt]!.toFixed(3)} (${r.pickAt + 1}) | ${r.tests.map((t) => t.toFixed(3)).join(', ')} | ${mean(r.tests).toFixed(3)} | ${r.wallMinutes.toFixed(1)} | ${r.cpuSeconds.toFixed(0)} |`);
    }
    lines.push('', '| method | pick test acc., mean ± sd over seeds | REINFORCE minus this method, per seed (test) | wins / ties / losses of REINFORCE (test) | REINFORCE minus this method, best valid. at the end, per seed |', '|---|---|---|---|---|');
    const of = (m: string, seed: number) => mine.find((r) => r.method === m && r.seed === seed);
    for (const m of methods) {
      const rs = mine.filter((r) => r.method === m);
      const pairs = seeds.flatMap((s) => { const a = of('reinforce', s); const b = of(m, s); return a && b ? [[a, b] as const] : []; });
      const dTest = pairs.map(([a, b]) => mean(a.tests) - mean(b.tests));
      const dValid = pairs.map(([a, b]) => bestSoFar(a.accuracies, n) - bestSoFar(b.accuracies, n));
      const tally = `${dTest.filter((d) => d > 0).length} / ${dTest.filter((d) => d === 0).length} / ${dTest.filter((d) => d < 0).length}`;
      lines.push(m === 'reinforce'
        ? `| ${m} | ${mean(rs.map((r) => mean(r.tests))).toFixed(3)} ± ${sd(rs.map((r) => mean(r.tests))).toFixed(3)} | - | - | - |`
        : `| ${m} | ${mean(rs.map((r) => mean(r.tests))).toFixed(3)} ± ${sd(rs.map((r) => mean(r.tests))).toFixed(3)} | ${dTest.map(signed).join(', ')} (${pairedT(dTest)}) | ${tally} | ${dValid.map(signed).join(', ')} (${pairedT(dValid)}) |`);
    }
    lines.push('', 'What each method sampled, by quarter of the search (all seeds pooled): mean kernel height × width, share of 5×5 kernels, mean filters, mean inputs per convolution. Random search draws every choice uniformly.', '');
    lines.push('| method | quarter | kernel h×w | 5×5 share | filters | inputs |', '|---|---|---|---|---|---|');
    for (const m of methods) {
      const rs = mine.filter((r) => r.method === m);
      for (let q = 0; q < 4; q++) {
        const s = sampledShape(rs.flatMap((r) => quarters(r.architectures)[q]!));
        lines.push(`| ${m} | ${q + 1} | ${s.area.toFixed(2)} | ${s.big.toFixed(3)} | ${s.filters.toFixed(2)} | ${s.inputs.toFixed(2)} |`);
      }
    }
    // The same per seed, so that a trend is not one seed's: last quarter minus first, REINFORCE and random.
    lines.push('', 'Last quarter minus first quarter, per seed:', '', '| method | kernel h×w | filters |', '|---|---|---|');
    for (const m of methods) {
      const rs = seeds.flatMap((s) => { const r = of(m, s); return r ? [r] : []; });
      const d = rs.map((r) => { const qs = quarters(r.architectures); const a = sampledShape(qs[0]!); const b = sampledShape(qs[3]!); return [b.area - a.area, b.filters - a.filters] as const; });
      lines.push(`| ${m} | ${d.map(([x]) => signed(x)).join(', ')} | ${d.map(([, y]) => signed(y)).join(', ')} |`);
    }
    lines.push('');
  }
  return lines;
}

if (require.main === module) {
  runBench(async () => {
    const file = process.argv[2];
    if (!file || !fs.existsSync(file)) throw new Error(`usage: summary.js FILE.json (the runs equal-children.js stored); got ${JSON.stringify(file)}`);
    const i = process.argv.indexOf('--out');
    report(summarize(JSON.parse(fs.readFileSync(file, 'utf8')) as BenchRun[]), i > 0 ? process.argv[i + 1]! : '');
  });
}
