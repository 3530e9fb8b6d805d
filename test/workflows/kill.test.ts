// Durability: a search survives kill -9 of its training worker, its controller worker and the Temporal
// dev server (a private one on port 7350, state in a temp NAS_HOME) and still records every child,
// update and reward exactly once. Not PostgreSQL crashes, and not timing: every wait is only bounded.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { loadRuntimeConfig, repoRoot, type RuntimeConfig } from '../../config/runtime';
import { isRunning } from '../../dev/processes';
import { ensureTemporal, stopTemporal, temporalPaths } from '../../dev/temporal';
import type { nasSearch, NasSearchResult } from '../../workflows/nas-search';
import { eventually } from '../support/eventually';
import { baselineRecord, childRecords, shardRecords, updateRecords, type ChildRecord } from '../support/search-rows';
import { createTestDatabase, type TestDatabase, uniqueId } from '../support/servers';
import { tinySearchConfig } from '../support/tiny-search';
import { spawnWorkerProcess, type WorkerProcess, type WorkerRole } from '../support/worker-process';

const PORT = 7350;
const ITERATIONS = 4;
const M = 2;
const started = Date.now();
const log = (message: string) => console.log(`[kill.test +${((Date.now() - started) / 1000).toFixed(1)}s] ${message}`);

let home: string;
let runtime: RuntimeConfig;
let db: TestDatabase | undefined;
let workerEnv: NodeJS.ProcessEnv;
const workers: WorkerProcess[] = [];
const connections: Connection[] = [];
let passed = false;

before(async () => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'nas-kill-'));
  const yaml = path.join(home, 'temporal.yaml');
  fs.writeFileSync(yaml, `temporal:\n  address: 127.0.0.1:${PORT}\n  uiPort: ${PORT + 1000}\n`);
  // The same resolution `bash setup/install.sh` does; it prints the CLI's path last.
  const cli = execFileSync('bash', [path.join(repoRoot(), 'setup', 'temporal-cli.sh')], { encoding: 'utf8' });
  runtime = loadRuntimeConfig({ NAS_HOME: home, TEMPORAL_CLI: cli.trim().split('\n').pop() }, yaml);
  await ensureTemporal(runtime);
  log(`private Temporal dev server up at ${runtime.temporal.address}, pid ${serverPid()}`);
  db = await createTestDatabase('kill');
  workerEnv = {
    ...process.env,
    NAS_HOME: home, TEMPORAL_ADDRESS: runtime.temporal.address, DATABASE_URL: db.url,
    // Workers leave on their own should this test process die without its `after`.
    NAS_PARENT_PID: String(process.pid),
    NAS_TRAIN_CONCURRENCY: String(M),
  };
});

after(async () => {
  for (const w of workers) await w.kill9().catch(() => undefined);
  for (const c of connections) await c.close().catch(() => undefined);
  if (runtime) await stopTemporal(runtime).catch((err: unknown) => console.error('stopTemporal failed:', err));
  await db?.drop().catch((err: unknown) => console.error('dropping the test database failed:', err));
  // On failure the worker and server logs stay for a look.
  if (home && passed) fs.rmSync(home, { recursive: true, force: true });
  else if (home) console.log(`kill.test failed: worker and Temporal logs kept in ${home}`);
});

function serverPid(): number {
  return Number(fs.readFileSync(temporalPaths(home).pid, 'utf8').trim());
}

async function startWorker(role: WorkerRole, trainingQueue: string): Promise<WorkerProcess> {
  const n = workers.filter((w) => w.role === role).length;
  const worker = spawnWorkerProcess(role, {
    env: workerEnv, args: role === 'training' ? ['--queue', trainingQueue] : [], logFile: path.join(home, `${role}-${n}.log`),
  });
  workers.push(worker);
  await worker.ready(60_000);
  log(`${role} worker #${n} polling (pid ${worker.pid})`);
  return worker;
}

async function client(): Promise<Client> {
  const connection = await Connection.connect({ address: runtime.temporal.address });
  connections.push(connection);
  return new Client({ connection, namespace: runtime.temporal.namespace });
}

/** "trainChild i0/c1 attempt 2" for every activity whose last started attempt was not the first, from history. */
async function retriedActivities(handle: WorkflowHandle<typeof nasSearch>): Promise<string[]> {
  const events = (await handle.fetchHistory()).events ?? [];
  const scheduled = new Map<string, string>();
  const out: string[] = [];
  for (const e of events) {
    const s = e.activityTaskScheduledEventAttributes;
    if (s) {
      const data = s.input?.payloads?.[0]?.data;
      const key = data ? (JSON.parse(Buffer.from(data).toString('utf8')) as { iteration?: number; childIndex?: number }) : {};
      const where = key.childIndex === undefined ? (key.iteration === undefined ? '' : ` i${key.iteration}`) : ` i${key.iteration}/c${key.childIndex}`;
      scheduled.set(String(e.eventId), `${s.activityType?.name}${where}`);
    }
    const started = e.activityTaskStartedEventAttributes;
    if (started && (started.attempt ?? 1) > 1) out.push(`${scheduled.get(String(started.scheduledEventId))} attempt ${started.attempt}`);
  }
  return out;
}

/** The first child of `iteration` that a training worker is on right now. */
function childTraining(pool: TestDatabase['pool'], searchId: string, iteration: number): Promise<ChildRecord> {
  return eventually(async () => (await childRecords(pool, searchId)).find((c) => c.iteration === iteration && c.status === 'training'),
    90_000, `a child of iteration ${iteration} in status training`);
}

test('a search survives kill -9 of the training worker, the controller worker and the Temporal server', { timeout: 240_000 }, async () => {
  const pool = db!.pool;
  const trainingQueue = uniqueId('train');
  const searchId = uniqueId('kill');
  // The controller queue comes from temporal.yaml, as in the worker processes (their env is the same).
  const controllerQueue = loadRuntimeConfig(workerEnv).temporal.taskQueues.controller;
  let training = await startWorker('training', trainingQueue);
  let controller = await startWorker('controller', trainingQueue);

  const config = tinySearchConfig({
    trainingTaskQueue: trainingQueue, iterations: ITERATIONS, childrenPerIteration: M,
    epochs: 3, trainSize: 600, imageSize: 12, heartbeatSeconds: 8,
  });
  const first = await client();
  await first.workflow.start<typeof nasSearch>('nasSearch', {
    taskQueue: controllerQueue, workflowId: searchId, args: [{ searchId, config }], workflowExecutionTimeout: '10m',
  });
  log(`started search ${searchId}: ${ITERATIONS} iterations × ${M} children on ${trainingQueue}`);

  // 1. The training worker dies in the middle of a child.
  await childTraining(pool, searchId, 0);
  await training.kill9();
  const killedAt = Date.now();
  // The victim is the child whose row still says training after the kill (the only training worker
  // is dead, so none can finish): children train in about a second, one may have ended since the poll.
  const victim = (await childRecords(pool, searchId)).find((c) => c.status === 'training');
  assert.ok(victim, 'the training worker was killed while a child was training');
  log(`kill -9 training worker pid ${training.pid} while child i${victim.iteration}/c${victim.childIndex} was training (attempt ${victim.attempts})`);
  training = await startWorker('training', trainingQueue);
  const retried = await eventually(async () => {
    const c = (await childRecords(pool, searchId)).find((r) => r.iteration === victim.iteration && r.childIndex === victim.childIndex);
    return c && c.attempts >= 2 ? c : undefined;
  }, 90_000, `a second attempt of child i${victim.iteration}/c${victim.childIndex}`);
  log(`child i${retried.iteration}/c${retried.childIndex} attempt ${retried.attempts} started ${((Date.now() - killedAt) / 1000).toFixed(1)}s after the kill`);

  // 2. The controller worker dies while iteration 1 trains: the workflow must continue elsewhere by replay.
  const midIteration = await childTraining(pool, searchId, 1);
  await controller.kill9();
  const controllerKilledAt = Date.now();
  log(`kill -9 controller worker pid ${controller.pid} mid-iteration 1 (child c${midIteration.childIndex} training)`);
  controller = await startWorker('controller', trainingQueue);
  await eventually(async () => (await updateRecords(pool, searchId)).some((u) => u.iteration === 1), 90_000, 'the update of iteration 1');
  log(`the new controller worker applied iteration 1's update ${((Date.now() - controllerKilledAt) / 1000).toFixed(1)}s after the kill`);

  // 3. The Temporal server itself dies while iteration 2 trains, and comes back from its sqlite file.
  const duringServerKill = await childTraining(pool, searchId, 2);
  const pid = serverPid();
  process.kill(pid, 'SIGKILL');
  await eventually(async () => !isRunning(pid), 10_000, `Temporal pid ${pid} to exit`);
  log(`kill -9 Temporal dev server pid ${pid} while child i2/c${duringServerKill.childIndex} was training`);
  await first.connection.close();
  // Down long enough that the training worker's heartbeats and completions meet a dead server.
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const restartAt = Date.now();
  await ensureTemporal(runtime);
  log(`Temporal dev server restarted (pid ${serverPid()}) in ${((Date.now() - restartAt) / 1000).toFixed(1)}s, after 3 s down`);

  const handle = (await client()).workflow.getHandle<typeof nasSearch>(searchId);
  const result: NasSearchResult = await Promise.race([
    handle.result(),
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the search did not finish within 150 s of the server restart')), 150_000).unref()),
  ]);
  log(`search ${result.status}: ${result.childrenDone} children in ${result.iterations} iterations`);
  // The activities run in the search's replica workflow (one replica here).
  const replica = (await client()).workflow.getHandle<typeof nasSearch>(`${searchId}/replica-0`);
  log(`activities Temporal ran more than once: ${(await retriedActivities(replica)).join(', ') || 'none'}`);
  for (const w of [training, controller]) assert.ok(w.alive(), `the restarted ${w.role} worker (pid ${w.pid}) is still running; see ${w.logFile}`);

  assert.equal(result.status, 'completed');
  assert.equal(result.iterations, ITERATIONS);
  const children = await childRecords(pool, searchId);
  log(`attempts (training seconds of the recorded attempt) per child: ${children.map((c) => `i${c.iteration}/c${c.childIndex}=${c.attempts} (${c.trainingSeconds?.toFixed(1)}s)`).join(', ')}`);
  const expected = Array.from({ length: ITERATIONS * M }, (_, k) => [Math.floor(k / M), k % M]);
  assert.deepEqual(children.map((c) => [c.iteration, c.childIndex]), expected, 'every (iteration, child) exactly once');
  for (const c of children) {
    assert.ok(c.status === 'succeeded' || c.status === 'failed', `child i${c.iteration}/c${c.childIndex} ended ${c.status}`);
    assert.equal(typeof c.reward, 'number', `child i${c.iteration}/c${c.childIndex} has a reward`);
  }
  assert.ok(children.some((c) => c.attempts >= 2), 'at least one child was retried');
  const killed = children.find((c) => c.iteration === victim.iteration && c.childIndex === victim.childIndex);
  assert.ok(killed && killed.attempts >= 2, 'the child whose worker was killed was trained again');
  assert.deepEqual((await updateRecords(pool, searchId)).map((u) => [u.iteration, u.childrenCount]),
    Array.from({ length: ITERATIONS }, (_, i) => [i, M]), 'exactly one update per iteration');
  for (const shard of await shardRecords(pool, searchId)) assert.equal(shard.version, ITERATIONS, `shard ${shard.shard} version`);
  assert.equal((await baselineRecord(pool, searchId)).rewardsSeen, ITERATIONS * M);
  passed = true;
});
