// Worker start-up while its servers are down (workers/connect.ts, workers/wait.ts): a `nas worker`
// process started before PostgreSQL and Temporal waits for both, logging each attempt, then serves a
// tiny search; with a short connectWaitSeconds it exits non-zero naming the server. Private servers on
// ports 54433 and 7433 (UI 8433) in a temporary NAS_HOME; real processes, nothing mocked.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createControllerActivities } from '../../activities';
import { loadRuntimeConfig, repoRoot } from '../../config/runtime';
import { ensurePostgres, stopPostgres } from '../../dev/postgres';
import { ensureTemporal, stopTemporal } from '../../dev/temporal';
import { createPool } from '../../store/db';
import type { nasSearch } from '../../workflows/nas-search';
import { eventually } from '../support/eventually';
import { quietTemporalRuntime, workflowBundle } from '../support/in-process-workers';
import { tinySearchConfig } from '../support/tiny-search';
import { spawnWorkerProcess } from '../support/worker-process';

const TEMPORAL_PORT = 7433;
const PG_PORT = 54433;
const MAIN = path.join(__dirname, '..', '..', 'cli', 'main.js');
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'nas-wait-'));
fs.chmodSync(home, 0o755); // as root, postgres runs as the `postgres` user
const yaml = path.join(home, 'temporal.yaml');
fs.writeFileSync(yaml, `temporal:\n  address: 127.0.0.1:${TEMPORAL_PORT}\n  uiPort: ${TEMPORAL_PORT + 1000}\npostgres:\n  port: ${PG_PORT}\n`);
const cli = execFileSync('bash', [path.join(repoRoot(), 'setup', 'temporal-cli.sh')], { encoding: 'utf8' }).trim().split('\n').pop();
const runtime = loadRuntimeConfig({ NAS_HOME: home, TEMPORAL_CLI: cli }, yaml);
const databaseUrl = `postgres://nas:nas@127.0.0.1:${PG_PORT}/nas`;

const cleanups: (() => Promise<unknown> | unknown)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await Promise.resolve(c()).catch((err: unknown) => console.error('cleanup:', err));
  await stopTemporal(runtime);
  await stopPostgres(runtime);
  fs.rmSync(home, { recursive: true, force: true });
});

const logText = (file: string) => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '');
const logShows = (file: string, line: RegExp, timeoutMs: number) => eventually(async () => line.test(logText(file)), timeoutMs, `${line} in ${file}`);

test('a training worker started before PostgreSQL and Temporal waits for both, then trains a search\'s children', { timeout: 240_000 }, async () => {
  const logFile = path.join(home, 'training.log');
  const queue = `wait-train-${process.pid}`;
  const worker = spawnWorkerProcess('training', {
    env: { ...process.env, NAS_HOME: home, TEMPORAL_ADDRESS: runtime.temporal.address, DATABASE_URL: databaseUrl,
      NAS_CONNECT_WAIT_SECONDS: '120', NAS_PARENT_PID: String(process.pid) },
    args: ['--queue', queue], logFile,
  });
  cleanups.push(() => worker.kill9());
  // Nothing listens yet: it must stay up and say what it waits for, attempt after attempt.
  await logShows(logFile, /waiting for PostgreSQL at postgres:\/\/nas:\*\*\*@127\.0\.0\.1:54433\/nas \(attempt 2 failed/, 30_000);
  assert.ok(worker.alive());
  await ensurePostgres(runtime);
  await logShows(logFile, /waiting for Temporal at 127\.0\.0\.1:7433 \(attempt 2 failed/, 60_000);
  assert.ok(worker.alive());
  await ensureTemporal(runtime);
  await worker.ready(60_000);

  // It serves: a tiny search's children are trained by that process.
  quietTemporalRuntime();
  const pool = createPool(databaseUrl);
  cleanups.push(() => pool.end());
  const native = await NativeConnection.connect({ address: runtime.temporal.address });
  cleanups.push(() => native.close());
  const controllerQueue = `wait-ctl-${process.pid}`;
  const controller = await Worker.create({
    connection: native, taskQueue: controllerQueue, workflowBundle: await workflowBundle(),
    activities: createControllerActivities({ pool }), maxConcurrentActivityTaskExecutions: 2,
  });
  const running = controller.run();
  cleanups.push(async () => { controller.shutdown(); await running; });
  const connection = await Connection.connect({ address: runtime.temporal.address });
  cleanups.push(() => connection.close());
  const searchId = `wait-${process.pid}`;
  const result = await new Client({ connection }).workflow.execute<typeof nasSearch>('nasSearch', {
    taskQueue: controllerQueue, workflowId: searchId, workflowExecutionTimeout: '3m',
    args: [{ searchId, config: tinySearchConfig({ trainingTaskQueue: queue, iterations: 1 }) }],
  });
  assert.equal(result.status, 'completed');
  const { rows } = await pool.query<{ worker: string }>('SELECT worker FROM children WHERE search_id = $1', [searchId]);
  assert.equal(rows.length, 2);
  for (const row of rows) assert.equal(row.worker.split(':')[1], String(worker.pid));
});

/** `nas worker training` with the given env, to its exit; its output and how long it took. */
function workerRun(env: NodeJS.ProcessEnv): { status: number | null; out: string; ms: number } {
  const started = Date.now();
  const r = spawnSync(process.execPath, [MAIN, 'worker', 'training'], { env: { ...process.env, NAS_HOME: home, ...env }, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}`, ms: Date.now() - started };
}

test('with a short temporal.connectWaitSeconds a worker gives up on Temporal: exit 1 and a clear message', () => {
  const r = workerRun({ TEMPORAL_ADDRESS: '127.0.0.1:7439', DATABASE_URL: databaseUrl, NAS_CONNECT_WAIT_SECONDS: '3' });
  assert.equal(r.status, 1, r.out);
  assert.match(r.out, /waiting for Temporal at 127\.0\.0\.1:7439 \(attempt 1 failed/);
  assert.match(r.out, /Temporal is unavailable at 127\.0\.0\.1:7439 after waiting 3 s \(temporal\.connectWaitSeconds\)/);
  assert.ok(r.ms >= 3000, `gave up after ${r.ms} ms, before its limit`);
});

test('with a short postgres.connectWaitSeconds a worker gives up on PostgreSQL; a wrong password fails at once', () => {
  const down = workerRun({ TEMPORAL_ADDRESS: runtime.temporal.address, DATABASE_URL: 'postgres://nas:nas@127.0.0.1:54439/nas', NAS_CONNECT_WAIT_SECONDS: '2' });
  assert.equal(down.status, 1, down.out);
  assert.match(down.out, /waiting for PostgreSQL at postgres:\/\/nas:\*\*\*@127\.0\.0\.1:54439\/nas \(attempt 1 failed/);
  assert.match(down.out, /PostgreSQL is unavailable at .* after waiting 2 s \(postgres\.connectWaitSeconds\)/);
  const wrong = workerRun({ TEMPORAL_ADDRESS: runtime.temporal.address, DATABASE_URL: databaseUrl.replace('nas:nas', 'nas:wrong'), NAS_CONNECT_WAIT_SECONDS: '60' });
  assert.equal(wrong.status, 1, wrong.out);
  assert.doesNotMatch(wrong.out, /waiting for/);
  assert.match(wrong.out, /password authentication failed/);
});
