// Issue 11's idle slots, side by side: the README's default search (the digits preset, 2 training
// workers, K = 1, m = 4) with distributed.sampleAhead on and off, alternating which goes first each
// round, on servers of the bench's own. Per search: how busy the training slots were (children's
// trained seconds over 2 × first start → last finish, as bench/slots/busy.ts) and the wall time of
// `nas search run`. Prints a table, medians with their min–max, and the wall-time ratio per round.
// Never fails on the numbers.
//   node dist/bench/slots/sample-ahead.js [--rounds 2] [--children 100] [--seed 1] [--port-base 7660] [--out FILE.md]
import fs from 'node:fs';
import path from 'node:path';
import { PRESETS } from '../../config/presets';
import { loadRuntimeConfig } from '../../config/runtime';
import type { SearchConfigInput } from '../../config/search-config';
import { openDatabase } from '../../workers/connect';
import { report, runBench } from '../results-file';
import { privateServers, runSearch, stopServers } from '../search-run';
import { slotTimes } from './slot-times';

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
}

const SLOTS = 2;
interface Row { round: number; ahead: boolean; searchId: string; children: number; busy: number; wallMinutes: number; best: number }

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2; };
const spread = (xs: number[], f: (x: number) => string) => `${f(median(xs))} (${f(Math.min(...xs))}–${f(Math.max(...xs))})`;
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

async function main(): Promise<void> {
  const rounds = Number(flag('rounds', '2'));
  const children = Number(flag('children', '100'));
  const seed = Number(flag('seed', '1'));
  const out = flag('out', '');
  const { home, yaml, env } = privateServers('nas-sample-ahead-', Number(flag('port-base', '7660')));
  process.stderr.write(`[sample-ahead] home ${home}\n`);
  const runtime = loadRuntimeConfig(env, yaml);
  const rows: Row[] = [];
  try {
    for (let round = 0; round < rounds; round++) {
      for (const ahead of round % 2 === 0 ? [true, false] : [false, true]) {
        const config = { ...PRESETS.digits, seed, budget: { ...PRESETS.digits.budget, maxChildren: children }, distributed: { sampleAhead: ahead } } as unknown as SearchConfigInput;
        const searchId = `slots-${ahead ? 'ahead' : 'barrier'}-${round}-${Date.now().toString(36)}`;
        const configFile = path.join(home, `${searchId}.json`);
        fs.writeFileSync(configFile, JSON.stringify(config));
        const { wall } = await runSearch(env, configFile, searchId, path.join(home, `${searchId}.log`), SLOTS);
        const pool = await openDatabase(runtime);
        const [r] = await slotTimes(pool, searchId);
        await pool.end();
        const row = { round, ahead, searchId, children: r!.children, busy: r!.trained / (SLOTS * r!.span), wallMinutes: wall, best: r!.best ?? 0 };
        rows.push(row);
        process.stderr.write(`[sample-ahead] round ${round} ${ahead ? 'ahead  ' : 'barrier'}: ${row.children} children, busy ${pct(row.busy)}, ${wall.toFixed(2)} min, best ${row.best.toFixed(3)}\n`);
      }
    }
  } finally {
    await stopServers(env);
  }
  const of = (ahead: boolean) => rows.filter((r) => r.ahead === ahead);
  const ratios = Array.from({ length: rounds }, (_, round) => {
    const [a, b] = [rows.find((r) => r.round === round && r.ahead)!, rows.find((r) => r.round === round && !r.ahead)!];
    return a.wallMinutes / b.wallMinutes;
  });
  report([
    '# Training slots busy with and without sample-ahead, the README default search side by side',
    '',
    `Command: \`node dist/bench/slots/sample-ahead.js ${process.argv.slice(2).join(' ')}\` (${new Date().toISOString().slice(0, 10)}, ${SLOTS} training workers, load average at the end ${(await import('node:os')).loadavg()[0]!.toFixed(1)})`,
    '',
    `The digits preset (K = 1, m = 4, ${children} children, seed ${seed}) through \`nas search run --workers ${SLOTS}\` on private servers; each round runs both, alternating which goes first. Busy = children's trained seconds over ${SLOTS} slots × first start → last finish.`,
    '',
    '| round | sampleAhead | search | children | busy | wall min | best valid |',
    '|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.round} | ${r.ahead} | ${r.searchId} | ${r.children} | ${pct(r.busy)} | ${r.wallMinutes.toFixed(2)} | ${r.best.toFixed(3)} |`),
    '',
    `Busy, median (min–max): sampleAhead ${spread(of(true).map((r) => r.busy), pct)}, barrier ${spread(of(false).map((r) => r.busy), pct)}.`,
    `Wall time, ahead ÷ barrier per round: ${ratios.map((x) => x.toFixed(3)).join(', ')} (median ${median(ratios).toFixed(3)}).`,
  ], out);
}

runBench(main);
