// Section 3.3 against the real dev server and Postgres: K controller replicas × m children on S
// parameter shards, with two training-worker processes; K changed and the whole search paused while
// it runs. Not crashes (test/chaos/) and not throughput (bench/scaling.ts).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { ApplicationFailure, WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import type { SearchConfigInput } from '../../config/search-config';
import { pauseSignal, progressQuery, resumeSignal, setReplicasUpdate } from '../../workflows/messages';
import type { nasSearch, NasSearchResult } from '../../workflows/nas-search';
import { eventually } from '../support/eventually';
import { startSearchWorkers, type SearchWorkers } from '../support/in-process-workers';
import { assertBookkeeping } from '../support/distributed-checks';
import { distributedAudit } from '../support/search-rows';
import { createTestDatabase, type TestDatabase, testServers, uniqueId } from '../support/servers';
import { tinySearchConfig } from '../support/tiny-search';
import { spawnWorkerProcess, type WorkerProcess } from '../support/worker-process';

let db: TestDatabase;
let workers: SearchWorkers;
const trainingWorkers: WorkerProcess[] = [];
let logs: string;
let trainingQueue: string;
let temporalAddress: string;
let namespace: string;

before(async () => {
  db = await createTestDatabase('dist');
  // The controller worker runs in this process on a queue of its own; training runs in two processes.
  workers = await startSearchWorkers(db.pool, { training: false });
  trainingQueue = uniqueId('train');
  logs = fs.mkdtempSync(path.join(os.tmpdir(), 'nas-dist-'));
  ({ temporalAddress, namespace } = await testServers());
  for (let n = 0; n < 2; n++) {
    const worker = spawnWorkerProcess('training', {
      env: { ...process.env, TEMPORAL_ADDRESS: temporalAddress, TEMPORAL_NAMESPACE: namespace, DATABASE_URL: db.url, NAS_TRAIN_CONCURRENCY: '2', NAS_PARENT_PID: String(process.pid) },
      args: ['--queue', trainingQueue], logFile: path.join(logs, `training-${n}.log`),
    });
    trainingWorkers.push(worker);
  }
  await Promise.all(trainingWorkers.map((w) => w.ready(60_000)));
});

after(async () => {
  for (const w of trainingWorkers) await w.kill9();
  await workers?.stop();
  await db?.drop();
  if (logs) fs.rmSync(logs, { recursive: true, force: true });
});

function config(overrides: { replicas: number; shards: number; iterations: number; accumulate?: number }): SearchConfigInput {
  const base = tinySearchConfig({ trainingTaskQueue: trainingQueue, iterations: overrides.iterations, childrenPerIteration: 2 });
  return {
    ...base,
    // Depth grows with the children of all replicas: 1 layer for the first 8 children claimed, then 2.
    schedule: { startLayers: 1, addLayers: 1, everyChildren: 8, maxLayers: 2 },
    distributed: { replicas: overrides.replicas, shards: overrides.shards, accumulateGradients: overrides.accumulate ?? 1 },
  };
}

async function start(searchId: string, input: SearchConfigInput): Promise<WorkflowHandle<typeof nasSearch>> {
  return workers.client.workflow.start<typeof nasSearch>('nasSearch', {
    taskQueue: workers.controllerQueue, workflowId: searchId, args: [{ searchId, config: input }], workflowExecutionTimeout: '5m',
  });
}

async function resultOf(handle: WorkflowHandle<typeof nasSearch>): Promise<NasSearchResult> {
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no result from ${handle.workflowId} in 180 s`)), 180_000).unref());
  return Promise.race([handle.result(), workers.failed, timeout]);
}

test('K=4 replicas × m=2 on S=3 shards and two training processes: every child once, every shard version = its steps', async () => {
  const searchId = uniqueId('k4');
  const handle = await start(searchId, config({ replicas: 4, shards: 3, iterations: 8 }));
  const running = await eventually(async () => {
    const p = await handle.query(progressQuery);
    return p.replicas?.running === 4 ? p : undefined;
  }, 60_000, 'four replicas running');
  assert.equal(running.replicas?.wanted, 4);
  const result = await resultOf(handle);
  assert.equal(result.status, 'completed');
  assert.equal(result.childrenDone, 16);
  const audit = await distributedAudit(db.pool, searchId);
  assertBookkeeping(audit, 16, 3);
  assert.deepEqual([...new Set(audit.children.map((c) => c.replica))].sort(), [0, 1, 2, 3], 'all four replicas sampled children');
  const trainedBy = new Set(audit.children.map((c) => c.worker?.split(':')[1]));
  assert.equal(trainedBy.size, 2, `children were trained by both worker processes: ${[...trainedBy].join(', ')}`);
  const stale = audit.updates.filter((u) => u.staleness > 0).length;
  console.log(`[distributed.test] ${audit.updates.length} updates, ${stale} computed on parameters other replicas had moved since (max staleness ${Math.max(...audit.updates.map((u) => u.staleness))})`);
});

test('K changes while the search runs, the whole search pauses and resumes, and G=2 accumulates on the shards', async () => {
  const searchId = uniqueId('kchange');
  const handle = await start(searchId, config({ replicas: 1, shards: 2, iterations: 10, accumulate: 2 }));
  await eventually(async () => ((await handle.query(progressQuery)).childrenDone >= 2 ? true : undefined), 60_000, 'a first iteration');
  assert.deepEqual(await handle.executeUpdate(setReplicasUpdate, { args: [3] }), { running: 1, wanted: 3 });
  await eventually(async () => ((await handle.query(progressQuery)).replicas?.running === 3 ? true : undefined), 30_000, 'three replicas');
  await assert.rejects(handle.executeUpdate(setReplicasUpdate, { args: [0] }),
    (err: Error) => /replicas must be an integer from 1 to 800, got 0/.test(String((err.cause as Error | undefined)?.message)));

  await handle.signal(pauseSignal);
  const paused = await eventually(async () => {
    const p = await handle.query(progressQuery);
    return p.phase === 'paused' ? p : undefined;
  }, 60_000, 'every replica parked');
  const before = (await distributedAudit(db.pool, searchId)).children.length;
  await new Promise((resolve) => setTimeout(resolve, 3000));
  assert.equal((await distributedAudit(db.pool, searchId)).children.length, before, 'nothing is sampled while paused');
  assert.ok(paused.childrenDone < 20, `paused before the budget was spent (${paused.childrenDone})`);

  // The CLI's way to change K: `nas search replicas ID K` (exit 2 and the validator's words for a bad K).
  // Asynchronously: the workflow worker in this process must answer the update meanwhile.
  const nas = (...args: string[]) => new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, [path.join(__dirname, '..', '..', 'cli', 'main.js'), ...args], { env: { ...process.env, TEMPORAL_ADDRESS: temporalAddress, TEMPORAL_NAMESPACE: namespace } },
      (err, stdout, stderr) => resolve({ status: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }));
  });
  const refused = await nas('search', 'replicas', searchId, '801');
  assert.equal(refused.status, 2, refused.stderr);
  assert.match(refused.stderr, /replicas must be an integer from 1 to 800, got 801/);
  const changed = await nas('search', 'replicas', searchId, '2');
  assert.equal(changed.status, 0, changed.stderr);
  assert.equal(changed.stdout, `${searchId}: 2 replicas wanted (3 running when asked)\n`);
  await handle.signal(resumeSignal);
  const result = await resultOf(handle);
  assert.equal(result.status, 'completed');
  assert.equal(result.childrenDone, 20);
  const audit = await distributedAudit(db.pool, searchId);
  assertBookkeeping(audit, 20, 2, 2);
  const replicas = [...new Set(audit.children.map((c) => c.replica))].sort();
  assert.deepEqual(replicas.slice(0, 3), [0, 1, 2], 'the two replicas added while running sampled children');
  // Replica 2 retired when K went back to 2: nothing of it after the resume.
  const lastOfRetired = Math.max(...audit.children.filter((c) => c.replica === 2).map((c) => c.id));
  assert.ok(lastOfRetired <= Math.max(...audit.children.slice(0, before).map((c) => c.id)), 'the retired replica sampled nothing after the resume');
});

test('a replica that fails for good stops the others and fails the search with ReplicaFailedError, status failed', async () => {
  const searchId = uniqueId('kfail');
  const handle = await start(searchId, config({ replicas: 2, shards: 2, iterations: 20 }));
  await eventually(async () => ((await handle.query(progressQuery)).childrenDone >= 2 ? true : undefined), 60_000, 'a first iteration');
  // The parameter server loses the search's shards: the next pull is a NotFoundError, which no retry fixes.
  await db.pool.query('DELETE FROM parameter_shards WHERE search_id = $1', [searchId]);
  const err = await resultOf(handle).then(() => assert.fail('the search must fail'), (e: unknown) => e);
  assert.ok(err instanceof WorkflowFailedError, String(err));
  assert.ok(err.cause instanceof ApplicationFailure, String(err.cause));
  assert.equal(err.cause.type, 'ReplicaFailedError');
  assert.match(err.cause.message, /replica \d: NotFoundError: search "kfail-[0-9a-f]+" has no controller parameters/);
  const { rows } = await db.pool.query('SELECT status FROM searches WHERE id = $1', [searchId]);
  assert.equal(rows[0].status, 'failed');
  for (const replica of [0, 1]) {
    // A replica's last report reaches the search a workflow task before the replica itself ends.
    await eventually(async () => (await workers.client.workflow.getHandle(`${searchId}/replica-${replica}`).describe()).status.name !== 'RUNNING',
      10_000, `replica ${replica} to end`);
  }
});
