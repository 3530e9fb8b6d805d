// Issue 10's comparison at equal wall time on Fashion-MNIST: (a) the weight-sharing search with the
// retraining of its picks, (b) the from-scratch REINFORCE search, (c) random search, each given the
// same minutes (budget.maxMinutes; the weight-sharing search stops sampling `--retrain` minutes early
// so that its retraining fits). Each run is a real `nas search run` on servers of the bench's own
// (private home and ports), methods interleaved (rotated per seed). Then every method's pick is
// retrained from scratch once more, alike, and tested on the held-out t10k images. A bench: it prints,
// it never fails on the numbers.
//   node dist/bench/weight-sharing/equal-time.js [--minutes 8] [--retrain 1.5] [--seeds 1,2,3]
//     [--methods sharing,reinforce,random] [--data DIR] [--port-base 7600] [--out FILE.md]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadTf } from '../../backend/tf';
import { parseSearchConfig } from '../../config/parse';
import { PRESETS } from '../../config/presets';
import { loadRuntimeConfig } from '../../config/runtime';
import type { SearchConfigInput } from '../../config/search-config';
import { loadDataset } from '../../data/load';
import { mixSeed } from '../../random/prng';
import { describeArchitecture } from '../../space/architecture';
import { bestChildren } from '../../store/children';
import { trainChild } from '../../trainer/train-child';
import { openDatabase } from '../../workers/connect';
import { report, runBench } from '../results-file';
import { privateServers, runSearch, stopServers } from '../search-run';

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
}

type Method = 'sharing' | 'reinforce' | 'random';

interface Run {
  method: Method;
  seed: number;
  wallMinutes: number;
  cpuSeconds: number;
  evaluated: number;
  pick: string;
  pickValid: number;
  testAccuracy: number;
}

const minutes = Number(flag('minutes', '8'));
const retrainMinutes = Number(flag('retrain', '1.5'));
const dataDir = flag('data', '/usr/share/datasets/fashion-mnist');
const data = { source: 'idx', path: dataDir, trainSize: 5000, validSize: 1000, testSize: 2000, imageSize: 14 } as const;

/** The same space, depth, child recipe and data for every method: the sharing preset's, on Fashion-MNIST. */
function configFor(method: Method, seed: number): SearchConfigInput {
  const { space, child, controller } = PRESETS.sharing;
  const common = {
    seed, space, child, controller, data,
    schedule: { startLayers: 6, addLayers: 0, everyChildren: 1000, maxLayers: 6 },
    timeouts: { childHeartbeatSeconds: 60, controllerHeartbeatSeconds: 60, childStartToCloseMinutes: 30, controllerStartToCloseMinutes: 10 },
  };
  if (method === 'sharing') {
    // One pick by reward and one by likelihood, retrained side by side on the two training workers.
    return {
      ...PRESETS.sharing, ...common, weightSharing: { ...PRESETS.sharing.weightSharing, retrainTopK: 1 },
      budget: { childrenPerIteration: 8, maxChildren: 100_000, maxMinutes: minutes - retrainMinutes },
    } as unknown as SearchConfigInput;
  }
  // m = 2: one child per training worker (2 cores), so the controller updates as often as it can.
  return { ...common, strategy: method, budget: { childrenPerIteration: 2, maxChildren: 100_000, maxMinutes: minutes } } as unknown as SearchConfigInput;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: number[]) => (xs.length < 2 ? 0 : Math.sqrt(xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / (xs.length - 1)));

async function main(): Promise<void> {
  const seeds = flag('seeds', '1,2,3').split(',').map(Number);
  const methods = flag('methods', 'sharing,reinforce,random').split(',') as Method[];
  const portBase = Number(flag('port-base', '7600'));
  const { home, yaml, env } = privateServers('nas-equal-time-', portBase);
  const runtime = loadRuntimeConfig(env, yaml);
  const tf = loadTf('cpu');
  const runs: Run[] = [];
  try {
    for (const [s, seed] of seeds.entries()) {
      const order = methods.map((_, i) => methods[(i + s) % methods.length]!);
      for (const method of order) {
        const config = configFor(method, seed);
        const configFile = path.join(home, `${method}-${seed}.json`);
        fs.writeFileSync(configFile, JSON.stringify(config));
        const searchId = `equal-${method}-${seed}-${Date.now().toString(36)}`;
        process.stderr.write(`[equal-time] seed ${seed} ${method}: ${minutes} min ...\n`);
        const { wall, cpu } = await runSearch(env, configFile, searchId, path.join(home, `${searchId}.log`));
        const pool = await openDatabase(runtime);
        const [best] = await bestChildren(pool, searchId, 1);
        const { rows } = await pool.query<{ n: number }>("SELECT count(*)::int AS n FROM children WHERE search_id = $1 AND phase = 'search' AND reward IS NOT NULL", [searchId]);
        await pool.end();
        if (!best || best.architecture.kind !== 'cnn') throw new Error(`search ${searchId} has no from-scratch pick`);
        // The final retraining, alike for every method: the search's recipe, a seed none of them used, tested on t10k.
        const parsed = parseSearchConfig(config);
        const images = await loadDataset(tf, parsed.data as Parameters<typeof loadDataset>[1], seed);
        const final = await trainChild(tf, { arch: best.architecture, data: { ...images, valid: images.test }, training: parsed.child, seed: mixSeed(seed, 0xf1a1) });
        const run: Run = {
          method, seed, wallMinutes: wall, cpuSeconds: cpu, evaluated: rows[0]!.n, pick: describeArchitecture(best.architecture),
          pickValid: best.bestValidationAccuracy ?? NaN, testAccuracy: final.validationAccuracies.at(-1)!,
        };
        runs.push(run);
        process.stderr.write(`[equal-time]   ${JSON.stringify(run)}\n`);
      }
    }
  } finally {
    await stopServers(env);
  }
  const lines = [
    `# Equal wall time on Fashion-MNIST: weight sharing + retraining against from-scratch REINFORCE and random search`,
    '',
    `Command: \`node dist/bench/weight-sharing/equal-time.js ${process.argv.slice(2).join(' ')}\` (${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} cores)`,
    `Data: idx ${dataDir}, 5000 train / 1000 valid images at 14x14 (split by seed), test: 2000 of the t10k images. Space: the sharing preset's (6 layers; kernels 1/3/5, filters 8/16/24, skips); child recipe: ${PRESETS.sharing.child.epochs} epochs, adam.`,
    `Each method: \`nas search run\` with budget.maxMinutes ${minutes} and 2 training workers (weight sharing: ${minutes - retrainMinutes} min, then its 2 picks, by reward and by likelihood, are retrained from scratch); wall time is from start to the end of the command. The pick (the best from-scratch validation accuracy; for weight sharing, of its retrained picks) is trained once more with the same recipe and a fresh seed and tested.`,
    '',
    '| seed | method | wall min | CPU s (workers) | architectures evaluated | CPU s per evaluated architecture | pick validation acc. | pick test acc. | pick |',
    '|---|---|---|---|---|---|---|---|---|',
    ...runs.map((r) => `| ${r.seed} | ${r.method} | ${r.wallMinutes.toFixed(1)} | ${r.cpuSeconds.toFixed(0)} | ${r.evaluated} | ${(r.cpuSeconds / Math.max(1, r.evaluated)).toFixed(2)} | ${r.pickValid.toFixed(3)} | ${r.testAccuracy.toFixed(3)} | \`${r.pick}\` |`),
    '',
    '| method | runs | pick test acc., mean ± sd | paired difference to weight sharing (per seed) |',
    '|---|---|---|---|',
    ...methods.map((m) => {
      const mine = runs.filter((r) => r.method === m);
      const diffs = mine.flatMap((r) => {
        const other = runs.find((o) => o.method === 'sharing' && o.seed === r.seed);
        return other ? [r.testAccuracy - other.testAccuracy] : [];
      });
      const paired = m === 'sharing' ? '-' : diffs.map((d) => (d >= 0 ? '+' : '') + d.toFixed(3)).join(', ');
      return `| ${m} | ${mine.length} | ${mean(mine.map((r) => r.testAccuracy)).toFixed(3)} ± ${sd(mine.map((r) => r.testAccuracy)).toFixed(3)} | ${paired} |`;
    }),
  ];
  report(lines, flag('out', ''));
}

runBench(main);
