// The weight-sharing mode end to end against the real Temporal dev server and PostgreSQL: every
// evaluated child is a row with its shared-weight reward and ω step, ω is checkpointed, the picks are
// retrained from scratch and rank first; and kill -9 of the ω-holding worker in the middle of a
// phase resumes from the checkpoint and ends bit-identical to a run without the kill.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, test } from 'node:test';
import type { SearchConfigInput } from '../../config/search-config';
import { bestChildren } from '../../store/children';
import type { Db } from '../../store/db';
import type { nasSearch } from '../../workflows';
import { eventually } from '../support/eventually';
import { startSearchWorkers, type SearchWorkers } from '../support/in-process-workers';
import { shardRecords, updateRecords } from '../support/search-rows';
import { omegaTrainingResults } from '../support/sharing-history';
import { createTestDatabase, testServers, uniqueId } from '../support/servers';
import { startSharingWorker } from '../support/sharing-worker';
import { tinySharingConfig } from '../support/tiny-search';
import { spawnWorkerProcess, type WorkerProcess } from '../support/worker-process';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch((err: unknown) => console.error('cleanup failed:', err));
});

const ITERATIONS = 3;
const M = 2;

function sharingConfig(trainingTaskQueue: string, claimQueue: string, steps: number, checkpointEvery: number): SearchConfigInput {
  return tinySharingConfig({ trainingTaskQueue, iterations: ITERATIONS, childrenPerIteration: M, claimQueue, steps, checkpointEvery });
}

async function run(workers: SearchWorkers, config: SearchConfigInput, searchId: string) {
  const handle = await workers.client.workflow.start<typeof nasSearch>('nasSearch', {
    taskQueue: workers.controllerQueue, workflowId: searchId, args: [{ config }], workflowExecutionTimeout: '5m',
  });
  return { handle, result: Promise.race([handle.result(), workers.failed]) };
}

interface Evaluated { phase: string; iteration: number; childIndex: number; reward: number | null; omegaStep: number | null; accuracies: number[] | null; pick: string | null }

async function evaluated(pool: Db, searchId: string): Promise<Evaluated[]> {
  const { rows } = await pool.query<{ phase: string; iteration: number; child_index: number; reward: number | null; omega_step: number | null; validation_accuracies: number[] | null; pick: string | null }>(
    `SELECT phase, iteration, child_index, reward, omega_step, validation_accuracies, pick FROM children WHERE search_id = $1
     ORDER BY phase DESC, iteration, child_index`, [searchId]);
  return rows.map((r) => ({ phase: r.phase, iteration: r.iteration, childIndex: r.child_index, reward: r.reward, omegaStep: r.omega_step, accuracies: r.validation_accuracies, pick: r.pick }));
}

async function checkpoints(pool: Db, searchId: string): Promise<{ step: number; worker: string; digest: string }[]> {
  const { rows } = await pool.query<{ step: number; worker: string; weights: Buffer }>('SELECT step, worker, weights FROM shared_weights WHERE search_id = $1 ORDER BY step', [searchId]);
  return rows.map((r) => ({ step: r.step, worker: r.worker, digest: createHash('sha256').update(r.weights).digest('hex') }));
}

test('a weight-sharing search: children rewarded under ω with its step, ω checkpointed, picks retrained from scratch and ranked first', { timeout: 180_000 }, async () => {
  const db = await createTestDatabase('ws');
  cleanups.push(db.drop);
  const workers = await startSearchWorkers(db.pool);
  cleanups.push(workers.stop);
  const sharing = await startSharingWorker(db.pool);
  cleanups.push(sharing.stop);
  const steps = 8;
  const { result } = await run(workers, sharingConfig(workers.trainingQueue, sharing.claimQueue, steps, 3), uniqueId('ws'));
  const outcome = await result;
  assert.equal(outcome.status, 'completed');
  assert.equal(outcome.childrenDone, ITERATIONS * M, 'the retrained picks do not count toward the budget');

  const rows = await evaluated(db.pool, outcome.searchId);
  const searched = rows.filter((r) => r.phase === 'search');
  assert.equal(searched.length, ITERATIONS * M);
  for (const r of searched) {
    assert.equal(r.omegaStep, (r.iteration + 1) * steps, `child i${r.iteration}/c${r.childIndex} is rewarded at ω after its iteration's training`);
    assert.equal(r.accuracies?.length, 1);
    assert.equal(r.reward, r.accuracies![0], 'reward = shared-weight accuracy (exponent 1)');
  }
  const retrained = rows.filter((r) => r.phase === 'retrain');
  assert.ok(retrained.length >= 1 && retrained.length <= 2, `1 pick by reward and 1 by likelihood, deduplicated: ${retrained.length}`);
  assert.ok(retrained.every((r) => r.accuracies?.length === 1 && r.omegaStep === null && r.pick !== null), 'trained from scratch for child.epochs (1), not under ω');
  assert.deepEqual((await updateRecords(db.pool, outcome.searchId)).map((u) => u.iteration), [0, 1, 2], 'one controller update per iteration');

  const { rows: best } = await db.pool.query<{ phase: string }>('SELECT phase FROM best_children WHERE search_id = $1 AND rank = 1', [outcome.searchId]);
  assert.equal(best[0]?.phase, 'retrain', 'the best_children view ranks the from-scratch accuracy first');
  const [first] = await bestChildren(db.pool, outcome.searchId, 1);
  assert.equal(first?.phase, 'retrain', 'so do nas best and nas export');
  assert.equal(outcome.bestAccuracy, Math.max(...retrained.map((r) => r.accuracies![0]!)), "the search's best is the best retrained accuracy");
  const kept = await checkpoints(db.pool, outcome.searchId);
  assert.equal(kept.at(-1)?.step, ITERATIONS * steps, 'the last checkpoint holds ω after the last iteration');
  assert.ok(kept.length <= 2, 'older checkpoints are pruned');
});

test('kill -9 of the ω-holding worker mid-phase: another takes over from the checkpoint; the search ends bit-identical to one without the kill', { timeout: 240_000 }, async () => {
  const db = await createTestDatabase('wskill');
  cleanups.push(db.drop);
  const workers = await startSearchWorkers(db.pool);
  cleanups.push(workers.stop);
  const steps = 150;
  const every = 10;
  const claimQueue = uniqueId('sharing');
  const config = sharingConfig(workers.trainingQueue, claimQueue, steps, every);

  // The reference: the same search, not disturbed, on an in-process ω worker.
  const reference = await startSharingWorker(db.pool, uniqueId('sharing-ref'));
  cleanups.push(reference.stop);
  const refId = uniqueId('wsref');
  await (await run(workers, { ...config, weightSharing: { ...config.weightSharing, taskQueue: reference.claimQueue } }, refId)).result;

  const { temporalAddress, namespace } = await testServers();
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'nas-wskill-'));
  cleanups.push(async () => fs.rmSync(home, { recursive: true, force: true }));
  const env = { ...process.env, NAS_HOME: home, TEMPORAL_ADDRESS: temporalAddress, TEMPORAL_NAMESPACE: namespace, DATABASE_URL: db.url, NAS_PARENT_PID: String(process.pid) };
  const spawned: WorkerProcess[] = [];
  cleanups.push(async () => { for (const w of spawned) await w.kill9(); });
  const spawnOmegaWorker = async () => {
    const w = spawnWorkerProcess('sharing', { env, args: ['--queue', claimQueue], logFile: path.join(home, `sharing-${spawned.length}.log`) });
    spawned.push(w);
    await w.ready(60_000);
    return w;
  };

  const first = await spawnOmegaWorker();
  const killedId = uniqueId('wskill');
  const { result } = await run(workers, config, killedId);
  // Kill once iteration 1's training has checkpointed twice, before it reaches its end.
  const before = await eventually(async () => {
    const kept = await checkpoints(db.pool, killedId);
    return kept.some((c) => c.step >= steps + 2 * every) ? kept : undefined;
  }, 120_000, 'a checkpoint in the middle of iteration 1');
  await first.kill9();
  const atKill = await checkpoints(db.pool, killedId);
  assert.ok(atKill.every((c) => c.step < 2 * steps), `killed mid-phase: checkpoints at the kill ${atKill.map((c) => c.step).join(', ')} (seen ${before.map((c) => c.step).join(', ')})`);
  await spawnOmegaWorker();
  const outcome = await result;
  assert.equal(outcome.status, 'completed');

  const after = await checkpoints(db.pool, killedId);
  assert.equal(after.at(-1)?.step, ITERATIONS * steps);
  assert.ok(!after.some((c) => c.worker.includes(`:${first.pid}:`)), 'the last checkpoints come from the worker that took over');
  const resumed = (await omegaTrainingResults(workers.client, killedId)).filter((r) => r.restoredFrom !== null);
  const newest = Math.max(...atKill.map((c) => c.step));
  assert.deepEqual(resumed.map((r) => r.restoredFrom), [newest], `the worker that took over resumed once, from the newest checkpoint (${newest}): at most ${every} steps lost`);
  assert.deepEqual((await updateRecords(db.pool, killedId)).map((u) => u.iteration), [0, 1, 2], 'no controller update applied twice');

  const strip = (rows: Evaluated[]) => rows.map(({ phase, iteration, childIndex, reward, omegaStep, pick }) => ({ phase, iteration, childIndex, reward, omegaStep, pick }));
  assert.deepEqual(strip(await evaluated(db.pool, killedId)), strip(await evaluated(db.pool, refId)), 'the same children, rewards, ω steps and picks');
  assert.equal((await checkpoints(db.pool, killedId)).at(-1)!.digest, (await checkpoints(db.pool, refId)).at(-1)!.digest, 'the same final ω, bit for bit');
  const params = async (id: string) => (await shardRecords(db.pool, id)).map((s) => createHash('sha256').update(s.params).digest('hex'));
  assert.deepEqual(await params(killedId), await params(refId), 'the same final controller parameters');
});
