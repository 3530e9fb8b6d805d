// How busy the training slots were in finished searches, from the `children` timestamps: the seconds
// children trained (started_at → finished_at, the last attempt) over slots × the span from the first
// start to the last finish. Issue 11's idle-slot figure; with where the idle time goes, the hand-off on
// each worker from a child's finish to its next child's start. Reads the PostgreSQL of a home (a bench's, or
// the project's .nas); starts it when it is down, and stops it again then.
//   node dist/bench/slots/busy.js --home DIR (a bench's home, or the project's .nas) [--slots 2] [--like 'children-digits-%'] [--out FILE.md]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadRuntimeConfig } from '../../config/runtime';
import { ensurePostgres, postgresPaths, runningServer, stopPostgres } from '../../dev/postgres';
import { openDatabase } from '../../workers/connect';
import { report, runBench } from '../results-file';
import { slotTimes } from './slot-times';

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
}

async function main(): Promise<void> {
  const home = flag('home', '');
  if (!home) throw new Error('--home: the NAS_HOME whose PostgreSQL holds the searches (a bench prints its home)');
  const slots = Number(flag('slots', '2'));
  if (!Number.isInteger(slots) || slots < 1) throw new Error(`--slots ${flag('slots', '')}: a positive integer, the training workers' total concurrency`);
  // A bench's home holds its own runtime config (private ports); the project's .nas uses temporal.yaml.
  const yaml = path.join(home, 'temporal.yaml');
  const runtime = loadRuntimeConfig({ ...process.env, NAS_HOME: home }, fs.existsSync(yaml) ? yaml : undefined);
  const wasRunning = runningServer(postgresPaths(runtime.home).data) !== undefined;
  await ensurePostgres(runtime);
  const pool = await openDatabase(runtime);
  try {
    const rows = await slotTimes(pool, flag('like', '%'));
    // Where the idle time goes: the hand-off on each worker from one child's finish to its next child's start.
    const { rows: handoffs } = await pool.query<{ id: string; median: number; p90: number; max: number; total: number }>(
      `SELECT search_id AS id, percentile_cont(0.5) WITHIN GROUP (ORDER BY gap) AS median, percentile_cont(0.9) WITHIN GROUP (ORDER BY gap) AS p90,
              max(gap) AS max, sum(gap) AS total
       FROM (SELECT search_id, extract(epoch FROM started_at - lag(finished_at) OVER (PARTITION BY search_id, worker ORDER BY started_at))::float8 AS gap
             FROM children WHERE search_id LIKE $1 AND phase = 'search' AND finished_at IS NOT NULL) g
       WHERE gap IS NOT NULL GROUP BY search_id`, [flag('like', '%')]);
    const handoff = new Map(handoffs.map((h) => [h.id, h]));
    const total = rows.reduce((a, r) => ({ span: a.span + r.span * slots, trained: a.trained + r.trained }), { span: 0, trained: 0 });
    report([
      `# Training slots busy, from the children's timestamps`,
      '',
      `Command: \`node dist/bench/slots/busy.js ${process.argv.slice(2).join(' ')}\` (${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} cores)`,
      '',
      '| search | children | span s | slot-seconds | trained s | busy | hand-off s: median / p90 / max / sum |',
      '|---|---|---|---|---|---|---|',
      ...rows.map((r) => {
        const h = handoff.get(r.id);
        const gaps = h ? `${h.median.toFixed(2)} / ${h.p90.toFixed(2)} / ${h.max.toFixed(1)} / ${h.total.toFixed(0)}` : '–';
        return `| ${r.id} | ${r.children} | ${r.span.toFixed(0)} | ${(r.span * slots).toFixed(0)} | ${r.trained.toFixed(0)} | ${((100 * r.trained) / (r.span * slots)).toFixed(1)}% | ${gaps} |`;
      }),
      `| all ${rows.length} | ${rows.reduce((a, r) => a + r.children, 0)} | | ${total.span.toFixed(0)} | ${total.trained.toFixed(0)} | ${((100 * total.trained) / total.span).toFixed(1)}% | |`,
    ], flag('out', ''));
  } finally {
    await pool.end();
    if (!wasRunning) await stopPostgres(runtime);
  }
}

runBench(main);
