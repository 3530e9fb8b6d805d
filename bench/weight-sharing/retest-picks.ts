// The second half of equal-time.ts: one retraining of a pick with 3 epochs is a noisy measure of it,
// so each method's pick is retrained N times (training seeds 0..N-1; seed 0 is the one equal-time.ts
// used, and reproduces its figure) and tested on the same held-out t10k images. Reads the picks from
// the PostgreSQL that equal-time.ts left in its home. A bench: it prints, it never fails on the numbers.
//   node dist/bench/weight-sharing/retest-picks.js --home /tmp/nas-equal-time-XXXX [--trainings 3] [--out FILE.md]
import os from 'node:os';
import path from 'node:path';
import { loadTf } from '../../backend/tf';
import { parseSearchConfig } from '../../config/parse';
import { loadRuntimeConfig } from '../../config/runtime';
import { loadDataset } from '../../data/load';
import { ensurePostgres, stopPostgres } from '../../dev/postgres';
import { mixSeed } from '../../random/prng';
import { describeArchitecture } from '../../space/architecture';
import { bestChildren } from '../../store/children';
import { trainChild } from '../../trainer/train-child';
import { openDatabase } from '../../workers/connect';
import { report, runBench } from '../results-file';

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: number[]) => (xs.length < 2 ? 0 : Math.sqrt(xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / (xs.length - 1)));

interface Retested { method: string; seed: number; evaluated: number; pickValid: number; tests: number[]; pick: string }

async function main(): Promise<void> {
  const home = flag('home', '');
  if (!home) throw new Error('--home: the folder equal-time.js ran its servers in (printed in its log as /tmp/nas-equal-time-*)');
  const trainings = Number(flag('trainings', '3'));
  const runtime = loadRuntimeConfig({ ...process.env, NAS_HOME: home }, path.join(home, 'temporal.yaml'));
  await ensurePostgres(runtime);
  const pool = await openDatabase(runtime);
  const tf = loadTf('cpu');
  const results: Retested[] = [];
  try {
    const { rows } = await pool.query<{ id: string; config: unknown }>("SELECT id, config FROM searches WHERE id LIKE 'equal-%' ORDER BY created_at");
    for (const row of rows) {
      const config = parseSearchConfig(row.config);
      const method = config.mode === 'weightSharing' ? 'sharing' : config.strategy;
      const [best] = await bestChildren(pool, row.id, 1);
      if (!best || best.architecture.kind !== 'cnn' || config.data.source === 'nb201Table') throw new Error(`search ${row.id} has no from-scratch CNN pick`);
      const counted = await pool.query<{ n: number }>("SELECT count(*)::int AS n FROM children WHERE search_id = $1 AND phase = 'search' AND reward IS NOT NULL", [row.id]);
      const images = await loadDataset(tf, config.data as Parameters<typeof loadDataset>[1], config.seed);
      const tests: number[] = [];
      for (let t = 0; t < trainings; t++) {
        const seed = t === 0 ? mixSeed(config.seed, 0xf1a1) : mixSeed(config.seed, 0xf1a1, t);
        const final = await trainChild(tf, { arch: best.architecture, data: { ...images, valid: images.test }, training: config.child, seed });
        tests.push(final.validationAccuracies.at(-1)!);
      }
      const result = { method, seed: config.seed, evaluated: counted.rows[0]!.n, pickValid: best.bestValidationAccuracy ?? NaN, tests, pick: describeArchitecture(best.architecture) };
      results.push(result);
      process.stderr.write(`[retest] ${JSON.stringify(result)}\n`);
    }
  } finally {
    await pool.end();
    await stopPostgres(runtime);
  }
  const methods = [...new Set(results.map((r) => r.method))];
  const lines = [
    `# The picks of the equal-wall-time comparison, each retrained ${trainings} times and tested`,
    '',
    `Command: \`node dist/bench/weight-sharing/retest-picks.js ${process.argv.slice(2).join(' ')}\` (${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} cores)`,
    'Each pick trained with the search\'s own child recipe from training seeds 0..N-1 (seed 0 is equal-time.js\'s), tested at the last epoch on the same 2000 held-out t10k images.',
    '',
    '| seed | method | architectures evaluated | pick validation acc. (in the search) | test acc. per training | mean | pick |',
    '|---|---|---|---|---|---|---|',
    ...results.map((r) => `| ${r.seed} | ${r.method} | ${r.evaluated} | ${r.pickValid.toFixed(3)} | ${r.tests.map((x) => x.toFixed(3)).join(', ')} | ${mean(r.tests).toFixed(3)} | \`${r.pick}\` |`),
    '',
    '| method | seeds | mean test acc. of the pick (mean over seeds of the per-pick mean) ± sd over seeds | paired difference to weight sharing, per seed |',
    '|---|---|---|---|',
    ...methods.map((m) => {
      const mine = results.filter((r) => r.method === m);
      const means = mine.map((r) => mean(r.tests));
      const diffs = mine.flatMap((r) => {
        const other = results.find((o) => o.method === 'sharing' && o.seed === r.seed);
        return other ? [mean(r.tests) - mean(other.tests)] : [];
      });
      const paired = m === 'sharing' ? '-' : diffs.map((d) => (d >= 0 ? '+' : '') + d.toFixed(3)).join(', ');
      return `| ${m} | ${mine.length} | ${mean(means).toFixed(3)} ± ${sd(means).toFixed(3)} | ${paired} |`;
    }),
  ];
  report(lines, flag('out', ''));
}

runBench(main);
