// Does the controller learn on the embedded digits? Runs the default search (`nas search run`,
// the README's main command) for several seeds and compares the mean reward of the first third of
// children with the last third. Prints a table; never fails on the numbers.
//   node dist/bench/learning.js [--seeds 1,2,3] [--set key=value ...]
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { loadRuntimeConfig } from '../config/runtime';
import { ensureDevServers } from '../dev';
import { createPool } from '../store/db';

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

async function main(): Promise<void> {
  const seeds = flag('seeds', '1,2,3').split(',').map(Number);
  const extra = process.argv.flatMap((a, i) => (process.argv[i - 1] === '--set' ? ['--set', a] : []));
  const runtime = loadRuntimeConfig();
  const { databaseUrl } = await ensureDevServers(runtime);
  const pool = createPool(databaseUrl);
  const stamp = Date.now().toString(36);
  const rows: string[] = [];
  for (const seed of seeds) {
    const id = `learning-${stamp}-s${seed}`;
    const started = Date.now();
    const run = spawnSync(process.execPath, [path.join(__dirname, '..', 'cli', 'main.js'), 'search', 'run', '--id', id, '--set', `seed=${seed}`, ...extra],
      { stdio: ['ignore', 'ignore', 'inherit'] });
    if (run.status !== 0) throw new Error(`search ${id} exited ${run.status}`);
    const minutes = (Date.now() - started) / 60_000;
    const { rows: children } = await pool.query<{ reward: number; acc: number | null }>(
      `SELECT reward, best_validation_accuracy AS acc FROM children WHERE search_id = $1 ORDER BY iteration, child_index`, [id]);
    const rewards = children.map((c) => c.reward);
    const third = Math.floor(rewards.length / 3);
    const first = mean(rewards.slice(0, third));
    const last = mean(rewards.slice(-third));
    const accFirst = mean(children.slice(0, third).map((c) => c.acc ?? 0));
    const accLast = mean(children.slice(-third).map((c) => c.acc ?? 0));
    rows.push(`| ${seed} | ${rewards.length} | ${first.toFixed(4)} | ${last.toFixed(4)} | ${(last / first).toFixed(2)}x | ${accFirst.toFixed(4)} → ${accLast.toFixed(4)} | ${minutes.toFixed(1)} min |`);
    process.stdout.write(`${rows.at(-1)}\n`);
  }
  process.stdout.write(`\n| seed | children | mean reward, first third | last third | ratio | mean accuracy first → last third | wall time |\n|---|---|---|---|---|---|---|\n${rows.join('\n')}\n`);
  await pool.end();
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(1);
});
