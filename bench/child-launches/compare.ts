// Child training throughput of two builds side by side (issue 11): alternates measurement processes
// (bench/child-launches/throughput.ts) of build A and build B, `rounds` times, so load on a shared
// machine falls on both alike, and prints images/s per build and the B/A ratio of each round with
// its median and range. Figures, not assertions.
// Run: node dist/bench/child-launches/compare.js <dist A> <dist B> [rounds=6] [--out results/<file>.md]
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { report, runBench } from '../results-file';

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const range = (xs: readonly number[], digits: number): string => `${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)}`;

runBench(async () => {
  const args = process.argv.slice(2);
  const outAt = args.indexOf('--out');
  const out = outAt >= 0 ? args.splice(outAt, 2)[1]! : '';
  const [a, b, rounds = '6'] = args;
  if (!a || !b) throw new Error('usage: compare.js <dist A> <dist B> [rounds] [--out file]');
  const worker = path.join(__dirname, 'throughput.js');
  const measure = (dist: string): Record<string, number> => {
    const stdout = execFileSync(process.execPath, [worker, dist], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, number>;
  };
  const runs: { a: Record<string, number>; b: Record<string, number> }[] = [];
  for (let round = 0; round < Number(rounds); round++) {
    // alternate which build goes first, so neither always follows the other
    if (round % 2 === 0) { const ra = measure(a); runs.push({ a: ra, b: measure(b) }); } else { const rb = measure(b); runs.push({ a: measure(a), b: rb }); }
    process.stderr.write(`round ${round + 1}: ${JSON.stringify(runs[round])}\n`);
  }
  const lines = [
    `# Child training throughput, A = ${a}, B = ${b}`,
    '',
    `${new Date().toISOString()}; command: node dist/bench/child-launches/compare.js ${process.argv.slice(2).join(' ')}`,
    `${rounds} rounds of one process per build, alternating; digits recipe (14×14×1 synthetic, batch 32, Adam), third of 3 epochs of 30 batches; TF default threads`,
    '',
    '| child | A images/s median (range) | B images/s median (range) | B/A per round: median (range) |',
    '|---|---|---|---|',
  ];
  for (const name of Object.keys(runs[0]!.a)) {
    const ra = runs.map((r) => r.a[name]!);
    const rb = runs.map((r) => r.b[name]!);
    const ratios = runs.map((r) => r.b[name]! / r.a[name]!);
    lines.push(`| ${name} | ${median(ra).toFixed(0)} (${range(ra, 0)}) | ${median(rb).toFixed(0)} (${range(rb, 0)}) | ${median(ratios).toFixed(2)} (${range(ratios, 2)}) |`);
  }
  report(lines, out);
});
