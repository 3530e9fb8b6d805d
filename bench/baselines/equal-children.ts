// Issue 12's evidence on real children: REINFORCE against random search and regularized evolution at
// an equal number of children, on the embedded digits (the README's default search) and on
// Fashion-MNIST with the same recipe. Each search is a real `nas search run` on servers of the
// bench's own (private home and ports), methods rotated per seed. Then every search's pick (its best
// validation accuracy) is retrained from scratch `--trainings` times with fresh seeds and tested on
// held-out images. The raw rows go to a JSON file beside the report, for bench/baselines/summary.ts.
// A bench: it prints, it never fails on the numbers.
//   node dist/bench/baselines/equal-children.js [--children 60] [--seeds 1,2,3,4,5]
//     [--datasets digits,fashion] [--methods reinforce,random,evolution] [--trainings 2]
//     [--fashion DIR] [--port-base 7640] [--out FILE.md]
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
import { parseArchitecture } from '../../space/architecture';
import type { CnnArchitecture } from '../../space/cnn';
import { trainChild } from '../../trainer/train-child';
import { openDatabase } from '../../workers/connect';
import { report, runBench } from '../results-file';
import { privateServers, runSearch, stopServers } from '../search-run';
import { type BenchRun, summarize } from './summary';

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
}

const children = Number(flag('children', '60'));
const trainings = Number(flag('trainings', '2'));
const fashionDir = flag('fashion', '/usr/share/datasets/fashion-mnist');

/** The digits preset for every method; Fashion-MNIST swaps only the data (2,000 t10k images to test). */
function configFor(dataset: string, method: string, seed: number): SearchConfigInput {
  const data = dataset === 'digits'
    ? PRESETS.digits.data
    : { source: 'idx', path: fashionDir, trainSize: 1000, validSize: 500, testSize: 2000, imageSize: 14 };
  return {
    ...PRESETS.digits, seed, data, strategy: method,
    budget: { ...PRESETS.digits.budget, maxChildren: children },
    // Two children per evolution cycle keep both training workers busy; it changes no other method.
    evolution: { childrenPerCycle: 2 },
  } as unknown as SearchConfigInput;
}

async function main(): Promise<void> {
  const seeds = flag('seeds', '1,2,3,4,5').split(',').map(Number);
  const datasets = flag('datasets', 'digits,fashion').split(',');
  const methods = flag('methods', 'reinforce,random,evolution').split(',');
  const out = flag('out', '');
  const { home, yaml, env } = privateServers('nas-equal-children-', Number(flag('port-base', '7640')));
  process.stderr.write(`[equal-children] home ${home}\n`);
  const runtime = loadRuntimeConfig(env, yaml);
  const tf = loadTf('cpu');
  const runs: BenchRun[] = [];
  try {
    for (const dataset of datasets) {
      for (const [s, seed] of seeds.entries()) {
        for (const method of methods.map((_, i) => methods[(i + s) % methods.length]!)) {
          const config = configFor(dataset, method, seed);
          const searchId = `children-${dataset}-${method}-${seed}-${Date.now().toString(36)}`;
          const configFile = path.join(home, `${searchId}.json`);
          fs.writeFileSync(configFile, JSON.stringify(config));
          process.stderr.write(`[equal-children] ${dataset} seed ${seed} ${method}: ${children} children ...\n`);
          const { wall, cpu } = await runSearch(env, configFile, searchId, path.join(home, `${searchId}.log`));
          const pool = await openDatabase(runtime);
          const { rows } = await pool.query<{ architecture: unknown; acc: number | null }>(
            `SELECT architecture, best_validation_accuracy AS acc FROM children
             WHERE search_id = $1 AND phase = 'search' ORDER BY iteration, child_index`, [searchId]);
          await pool.end();
          const archs = rows.map((r) => parseArchitecture(r.architecture) as CnnArchitecture);
          const accs = rows.map((r) => r.acc ?? 0);
          const pickAt = accs.indexOf(Math.max(...accs));
          // The pick retrained alike for every method: the search's recipe, seeds none of them used, tested.
          const parsed = parseSearchConfig(config);
          const images = await loadDataset(tf, parsed.data as Parameters<typeof loadDataset>[1], seed);
          const tests: number[] = [];
          for (let t = 0; t < trainings; t++) {
            const final = await trainChild(tf, { arch: archs[pickAt]!, data: { ...images, valid: images.test }, training: parsed.child, seed: mixSeed(seed, 0x7e57, t) });
            tests.push(final.validationAccuracies.at(-1)!);
          }
          const run: BenchRun = { dataset, method, seed, wallMinutes: wall, cpuSeconds: cpu, accuracies: accs, architectures: archs, pickAt, tests };
          runs.push(run);
          process.stderr.write(`[equal-children]   ${dataset} ${method} seed ${seed}: ${rows.length} children, best valid ${accs[pickAt]!.toFixed(3)}, test ${tests.map((x) => x.toFixed(3)).join(' ')}, ${wall.toFixed(1)} min\n`);
          if (out) fs.writeFileSync(out.replace(/\.md$/, '.json'), JSON.stringify(runs));
        }
      }
    }
  } finally {
    await stopServers(env);
  }
  const command = `node dist/bench/baselines/equal-children.js ${process.argv.slice(2).join(' ')}`;
  report([
    `# REINFORCE against random search and regularized evolution at ${children} children`,
    '',
    `Command: \`${command}\` (${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} cores)`,
    `Each search: \`nas search run --workers 2\` with the digits preset (space, depth 3 +1 per 50 children, 3 epochs of Adam, m = 4), budget.maxChildren ${children}, its seed and strategy; evolution: population 10, sample 3, 2 children per cycle. digits: the embedded MNIST 1,000 / 500 / 500 test; fashion: Fashion-MNIST (${fashionDir}) 1,000 / 500 train/valid at 14×14, 2,000 t10k images to test. The pick (best validation accuracy in the search) is retrained ${trainings} times with fresh seeds and tested at its last epoch.`,
    '',
    ...summarize(runs),
  ], out);
}

runBench(main);
