// Compares search strategies on a NAS-Bench-201 table (CIFAR-10's by default): every strategy of
// bench/nb201/strategies.ts runs seeds 1..N to the largest budget; prints test accuracy of the pick per
// budget, beside the paper's numbers for the table's data set when paper.ts has them, and writes
// best-so-far.svg. A benchmark: it never fails on its figures.
//   node dist/bench/nb201/compare.js [--table <csv[.gz]>] [--seeds 100] [--budgets 100,300,1000] [--set controller.learningRate=0.01 ...]
//        [--out bench/nb201/out] [--strategies random,evolution] [--x log|linear]
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { repoRoot } from '../../config/runtime';
import { loadNb201Table, nb201DatasetOf } from '../../data/nb201-table';
import type { Nb201Architecture } from '../../space/nb201';
import { nb201Evaluator, runSearch, summarize, type Nb201Evaluation, type SearchRun } from '../../strategies/harness';
import { bestSoFarSvg, type Curve } from './plot';
import { STRATEGIES } from './strategies';
import { plotWords, summaryMarkdown, type StrategySummary } from './summary';

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const value = process.argv[i + 1];
  if (value === undefined || value.startsWith('--')) throw new Error(`--${name} needs a value`);
  return value;
}

function positiveInteger(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name}: "${text}" is not a positive integer`);
  return n;
}

interface Outcome extends StrategySummary {
  readonly curve: Curve;
}

/** Mean over runs of the pick's test accuracy after each query. */
function meanCurve(name: string, runs: readonly SearchRun<Nb201Architecture, Nb201Evaluation>[]): Curve {
  const length = runs[0]!.bestSoFar.length;
  const values = Array.from({ length }, (_, i) => runs.reduce((sum, run) => sum + run.bestSoFar[i]!.evaluation.testAccuracy, 0) / runs.length);
  return { name, values };
}

async function main(): Promise<void> {
  const root = repoRoot();
  const tablePath = path.resolve(flag('table', path.join(root, '..', 'shared', 'data', 'nas-bench-201', 'cifar10.csv.gz')));
  const seeds = positiveInteger('seeds', flag('seeds', '100'));
  const budgets = flag('budgets', '100,300,1000').split(',').map((b) => positiveInteger('budgets', b)).sort((a, b) => a - b);
  const outDir = path.resolve(flag('out', path.join(root, 'bench', 'nb201', 'out')));
  const names = flag('strategies', Object.keys(STRATEGIES).join(',')).split(',');
  const xScale = flag('x', 'log');
  const settings = process.argv.flatMap((a, i) => (process.argv[i - 1] === '--set' ? [a] : []));
  if (xScale !== 'log' && xScale !== 'linear') throw new Error(`--x: "${xScale}" is neither log nor linear`);
  const unknown = names.filter((n) => !STRATEGIES[n]);
  if (unknown.length > 0) throw new Error(`unknown strategy ${unknown.join(', ')} (known: ${Object.keys(STRATEGIES).join(', ')})`);

  const table = await loadNb201Table(tablePath);
  const evaluate = nb201Evaluator(table);
  const maxBudget = budgets.at(-1)!;
  const outcomes: Outcome[] = [];
  for (const name of names) {
    const started = performance.now();
    const runs = Array.from({ length: seeds }, (_, i) => runSearch(STRATEGIES[name]!(i + 1, maxBudget, settings), evaluate, maxBudget));
    const seconds = (performance.now() - started) / 1000;
    outcomes.push({ name, summaries: summarize(runs, budgets), curve: meanCurve(name, runs), seconds });
    process.stdout.write(`${name}: ${seeds} seeds × ${maxBudget} queries in ${seconds.toFixed(2)} s\n`);
  }

  const best = table.best('valid_acc_200ep');
  const dataset = nb201DatasetOf(table.source);
  const report = summaryMarkdown(dataset, outcomes, budgets, seeds, { best, rewardBest: table.best('valid_acc_12ep') });
  const svg = bestSoFarSvg(outcomes.map((o) => o.curve), { ...plotWords(dataset, path.basename(tablePath), seeds, best), xScale });
  await mkdir(outDir, { recursive: true });
  await writeFile(path.join(outDir, 'best-so-far.svg'), svg);
  await writeFile(path.join(outDir, 'summary.md'), report);
  process.stdout.write(`\n${report}\nwrote ${path.join(outDir, 'best-so-far.svg')} and summary.md\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(1);
});
