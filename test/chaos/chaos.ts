// Chaos run for section 3.3: a K=4 search on private servers while a seeded schedule kill -9s a
// training worker, the controller worker, the Temporal dev server and PostgreSQL (each twice by
// default, at random moments, restarting each), then checks SQL: every child once, every shard's
// version = its applied steps, nothing double-applied. A script, not part of `npm test` (minutes).
//   node dist/test/chaos/chaos.js [--seed 1] [--rounds 2] [--budget 240] [--timeout-minutes 15]
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { loadRuntimeConfig, repoRoot, type RuntimeConfig } from '../../config/runtime';
import { postgresPaths } from '../../dev';
import { ensurePostgres, runningServer, stopPostgres } from '../../dev/postgres';
import { isRunning, sleep } from '../../dev/processes';
import { ensureTemporal, stopTemporal, temporalPaths } from '../../dev/temporal';
import { mulberry32 } from '../../random/prng';
import { createPool, type Db } from '../../store/db';
import { migrate } from '../../store/migrate';
import type { nasSearch, NasSearchResult } from '../../workflows/nas-search';
import { assertBookkeeping } from '../support/distributed-checks';
import { distributedAudit } from '../support/search-rows';
import { tinySearchConfig } from '../support/tiny-search';
import { spawnWorkerProcess, type WorkerProcess } from '../support/worker-process';

type Victim = 'training' | 'controller' | 'temporal' | 'postgres';
const VICTIMS: Victim[] = ['training', 'controller', 'temporal', 'postgres'];

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
}

const started = Date.now();
const clock = () => `+${((Date.now() - started) / 1000).toFixed(1)}s`;
const log = (message: string) => process.stdout.write(`[chaos ${clock()}] ${message}\n`);

interface Servers { runtime: RuntimeConfig; home: string; yaml: string; databaseUrl: string }

async function startServers(): Promise<Servers> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'nas-chaos-'));
  const yaml = path.join(home, 'temporal.yaml');
  fs.writeFileSync(yaml, 'temporal:\n  address: 127.0.0.1:7360\n  uiPort: 8360\npostgres:\n  port: 54360\n');
  const cli = execFileSync('bash', [path.join(repoRoot(), 'setup', 'temporal-cli.sh')], { encoding: 'utf8' }).trim().split('\n').pop();
  const runtime = loadRuntimeConfig({ NAS_HOME: home, TEMPORAL_CLI: cli }, yaml);
  const [databaseUrl] = await Promise.all([ensurePostgres(runtime), ensureTemporal(runtime)]);
  return { runtime, home, yaml, databaseUrl };
}

/** Every process of the embedded server (postmaster and backends), as a host crash would leave it. */
function killPostgres(home: string): number {
  const server = runningServer(postgresPaths(home).data);
  if (!server) throw new Error('no PostgreSQL to kill');
  const children = execFileSync('ps', ['-o', 'pid=', '--ppid', String(server.pid)], { encoding: 'utf8' }).split('\n').map(Number).filter((p) => p > 0);
  for (const pid of [server.pid, ...children]) {
    try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
  }
  return server.pid;
}

async function main(): Promise<void> {
  const seed = Number(flag('seed', '1'));
  const rounds = Number(flag('rounds', '2'));
  const budget = Number(flag('budget', '240'));
  const deadline = started + Number(flag('timeout-minutes', '15')) * 60_000;
  const random = mulberry32(seed);
  const servers = await startServers();
  log(`private servers: PostgreSQL ${servers.databaseUrl}, Temporal ${servers.runtime.temporal.address}; logs in ${servers.home}`);
  const pool: Db = createPool(servers.databaseUrl);
  await migrate(pool);

  const trainingQueue = 'chaos-train';
  const env = {
    ...process.env, NAS_HOME: servers.home, NAS_RUNTIME_CONFIG: servers.yaml, DATABASE_URL: servers.databaseUrl,
    TEMPORAL_ADDRESS: servers.runtime.temporal.address, NAS_TRAIN_CONCURRENCY: '2', NAS_PARENT_PID: String(process.pid),
  };
  let spawned = 0;
  const spawn = async (role: 'controller' | 'training'): Promise<WorkerProcess> => {
    const worker = spawnWorkerProcess(role, { env, args: role === 'training' ? ['--queue', trainingQueue] : [], logFile: path.join(servers.home, `${role}-${spawned++}.log`) });
    await worker.ready(120_000);
    return worker;
  };
  const training = [await spawn('training'), await spawn('training')];
  let controller = await spawn('controller');
  const workers = () => [controller, ...training];

  const searchId = `chaos-${seed}-${Date.now().toString(36)}`;
  const config = {
    ...tinySearchConfig({ trainingTaskQueue: trainingQueue, iterations: budget / 2, childrenPerIteration: 2, epochs: 1, heartbeatSeconds: 8 }),
    schedule: { startLayers: 1, addLayers: 1, everyChildren: budget / 2, maxLayers: 2 },
    distributed: { replicas: 4, shards: 3, accumulateGradients: 1 },
  };
  const connect = async () => new Client({ connection: await Connection.connect({ address: servers.runtime.temporal.address }) });
  await (await connect()).workflow.start<typeof nasSearch>('nasSearch', {
    taskQueue: servers.runtime.temporal.taskQueues.controller, workflowId: searchId, args: [{ searchId, config }],
  });
  log(`search ${searchId}: K=4 replicas × m=2, S=3 shards, ${budget} children, two training workers of 2 slots`);

  const updates = async () => Number((await pool.query<{ n: string }>('SELECT count(*) AS n FROM updates WHERE search_id = $1', [searchId]).catch(() => ({ rows: [{ n: '-1' }] }))).rows[0]!.n);
  const finished = async () => (await pool.query<{ n: string }>(`SELECT count(*) AS n FROM children WHERE search_id = $1 AND status IN ('succeeded', 'failed')`, [searchId]).catch(() => ({ rows: [{ n: '-1' }] }))).rows[0]!.n;
  const schedule = VICTIMS.flatMap((v) => Array<Victim>(rounds).fill(v)).sort(() => random() - 0.5);
  const report: string[] = [];
  for (const victim of schedule) {
    await sleep(2000 + random() * 8000);
    const before = Number(await finished());
    const updatesBefore = await updates();
    if (before >= budget) throw new Error(`the search finished before every kill was made (${report.length} of ${schedule.length}): raise --budget`);
    const down = 1000 + random() * 3000;
    let what: string;
    if (victim === 'training' || victim === 'controller') {
      const i = victim === 'training' ? Math.floor(random() * training.length) : 0;
      const target = victim === 'training' ? training[i]! : controller;
      await target.kill9();
      what = `${victim} worker pid ${target.pid}`;
      await sleep(down);
      const fresh = await spawn(victim);
      if (victim === 'training') training[i] = fresh;
      else controller = fresh;
    } else if (victim === 'temporal') {
      const pid = Number(fs.readFileSync(temporalPaths(servers.home).pid, 'utf8'));
      process.kill(pid, 'SIGKILL');
      while (isRunning(pid)) await sleep(50);
      what = `Temporal dev server pid ${pid}`;
      await sleep(down);
      await ensureTemporal(servers.runtime);
    } else {
      what = `PostgreSQL postmaster pid ${killPostgres(servers.home)} and its backends`;
      await sleep(down);
      await ensurePostgres(servers.runtime);
    }
    const restartedAt = Date.now();
    // Recovery: the first controller update after the restart (it needs Temporal, both workers' kinds and Postgres).
    const updatesAtRestart = await updates();
    while ((await updates()) <= updatesAtRestart && Number(await finished()) < budget && Date.now() < deadline) await sleep(250);
    const line = `| ${clock()} | kill -9 ${what} | ${before} children, ${updatesBefore} updates | ${(down / 1000).toFixed(1)} s | ${((Date.now() - restartedAt) / 1000).toFixed(1)} s |`;
    report.push(line);
    log(`${line}`);
  }

  log('chaos over; waiting for the search to finish');
  const client = await connect();
  const result = await Promise.race([
    client.workflow.getHandle<typeof nasSearch>(searchId).result() as Promise<NasSearchResult>,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the search did not finish before --timeout-minutes')), Math.max(0, deadline - Date.now())).unref()),
  ]);
  await client.connection.close();
  log(`search ${result.status}: ${result.childrenDone} children`);
  if (result.status !== 'completed') throw new Error(`the search ended ${result.status}`);
  const audit = await distributedAudit(pool, searchId);
  assertBookkeeping(audit, budget, 3, 1, budget / 2);
  const { rows } = await pool.query<{ attempts: number; n: string }>('SELECT attempts, count(*) AS n FROM children WHERE search_id = $1 GROUP BY attempts ORDER BY attempts', [searchId]);
  for (const w of workers()) if (!w.alive()) throw new Error(`${w.role} worker pid ${w.pid} died; see ${w.logFile}`);
  process.stdout.write(`\n| when | what | done before the kill | down for | next update applied after the restart |\n|---|---|---|---|---|\n${report.join('\n')}\n`);
  process.stdout.write(`\nChildren by training attempts: ${rows.map((r) => `${r.attempts} attempt(s): ${r.n}`).join(', ')}\n`);
  process.stdout.write(`Updates: ${audit.updates.length}, shard versions ${audit.shards.map((s) => s.version).join('/')}, max staleness ${Math.max(...audit.updates.map((u) => u.staleness))}; all checks passed in ${clock()}\n`);

  for (const w of workers()) await w.kill9();
  await pool.end();
  await stopTemporal(servers.runtime);
  await stopPostgres(servers.runtime);
  fs.rmSync(servers.home, { recursive: true, force: true });
}

main().then(() => process.exit(0), (err: unknown) => {
  process.stderr.write(`[chaos ${clock()}] FAILED: ${(err as Error).stack ?? String(err)}\n(servers and logs left running/kept for a look; stop them with NAS_HOME=<home> nas dev down)\n`);
  process.exit(1);
});
