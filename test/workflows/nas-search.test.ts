// The nasSearch workflow end to end with in-process workers against the real Temporal dev server and a
// database of its own per test: a full search's rows in SQL, the progress query, invalid input, pause,
// resume, stop, and that a seed fixes the search. Not worker processes or crashes (kill.test.ts).
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { ApplicationFailure, WorkflowFailedError, type WorkflowHandle, type WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import type { nasSearch } from '../../workflows';
import { pauseSignal, progressQuery, resumeSignal, stopSignal, type SearchProgress } from '../../workflows/messages';
import { eventually } from '../support/eventually';
import { startSearchWorkers, type SearchWorkers } from '../support/in-process-workers';
import { baselineRecord, childRecords, searchStatusRow, shardRecords, tableCounts, updateRecords } from '../support/search-rows';
import { createTestDatabase, type TestDatabase, uniqueId } from '../support/servers';
import { tinySearchConfig, type TinySearchOptions } from '../support/tiny-search';

const RESULT_TIMEOUT_MS = 120_000;

/** Whatever a test started, stopped after it whether it passed or not. */
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch((err: unknown) => console.error('cleanup failed:', err));
});

interface Harness { db: TestDatabase; workers: SearchWorkers }

async function harness(): Promise<Harness> {
  const db = await createTestDatabase('wf');
  cleanups.push(db.drop);
  const workers = await startSearchWorkers(db.pool);
  cleanups.push(workers.stop);
  return { db, workers };
}

function startSearch(h: Harness, options: Omit<TinySearchOptions, 'trainingTaskQueue'>, searchId = uniqueId('search'), iterationsPerRun?: number): Promise<WorkflowHandleWithFirstExecutionRunId<typeof nasSearch>> {
  return h.workers.client.workflow.start<typeof nasSearch>('nasSearch', {
    taskQueue: h.workers.controllerQueue,
    workflowId: searchId,
    args: [{ config: tinySearchConfig({ ...options, trainingTaskQueue: h.workers.trainingQueue }), iterationsPerRun }],
    workflowExecutionTimeout: '5m',
  });
}

async function resultOf(h: Harness, handle: WorkflowHandle<typeof nasSearch>) {
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no result from ${handle.workflowId} in ${RESULT_TIMEOUT_MS} ms`)), RESULT_TIMEOUT_MS).unref());
  return Promise.race([handle.result(), h.workers.failed, timeout]);
}

function progressWhere(handle: WorkflowHandle<typeof nasSearch>, what: string, ok: (p: SearchProgress) => boolean): Promise<SearchProgress> {
  return eventually(async () => {
    const progress = await handle.query(progressQuery);
    return ok(progress) ? progress : undefined;
  }, 60_000, what);
}

test('3 iterations × 2 children: every child and every update recorded exactly once; progress answers while running', async () => {
  const h = await harness();
  const handle = await startSearch(h, { iterations: 3 });
  const searchId = handle.workflowId;

  const training = await progressWhere(handle, 'phase training', (p) => p.phase === 'training');
  assert.equal(training.searchId, searchId);
  assert.equal(training.childrenBudget, 6);
  assert.ok(training.iteration >= 0 && training.iteration < 3, `iteration ${training.iteration}`);
  assert.equal(training.currentDepth, 2);

  const result = await resultOf(h, handle);
  assert.equal(result.status, 'completed');
  assert.equal(result.searchId, searchId);
  assert.equal(result.iterations, 3);
  assert.equal(result.childrenDone, 6);
  const finalProgress = await handle.query(progressQuery);
  assert.equal(finalProgress.phase, 'completed');
  assert.equal(finalProgress.childrenDone, 6);

  const children = await childRecords(h.db.pool, searchId);
  assert.deepEqual(children.map((c) => [c.iteration, c.childIndex]), [[0, 0], [0, 1], [1, 0], [1, 1], [2, 0], [2, 1]]);
  for (const c of children) {
    assert.ok(c.status === 'succeeded' || c.status === 'failed', `child ${c.iteration}/${c.childIndex} is ${c.status}`);
    assert.equal(typeof c.reward, 'number', `child ${c.iteration}/${c.childIndex} has no reward`);
    assert.ok(c.attempts >= 1);
  }
  const updates = await updateRecords(h.db.pool, searchId);
  assert.deepEqual(updates.map((u) => [u.iteration, u.childrenCount, u.parameterVersionsAfter]), [[0, 2, [1]], [1, 2, [2]], [2, 2, [3]]]);
  // Sample-ahead: batch i+1 is drawn after update i−1, so its gradient is exactly one update stale.
  assert.deepEqual(updates.map((u) => u.parameterVersionsBefore), [[0], [0], [1]]);
  const shards = await shardRecords(h.db.pool, searchId);
  assert.ok(shards.length >= 1);
  for (const s of shards) assert.equal(s.version, 3, `shard ${s.shard}`);
  assert.equal((await baselineRecord(h.db.pool, searchId)).rewardsSeen, 6);
  assert.equal(await searchStatusRow(h.db.pool, searchId), 'completed');
  assert.equal((await tableCounts(h.db.pool)).parameter_snapshots, 0, 'every snapshot is deleted once its update is applied');
});

test('continueAsNew every iteration: the chain of runs completes the search with every child and update once', async () => {
  const h = await harness();
  const handle = await startSearch(h, { iterations: 3 }, uniqueId('can'), 1);
  const firstRunId = handle.firstExecutionRunId;
  const result = await resultOf(h, handle);
  assert.equal(result.status, 'completed');
  assert.equal(result.childrenDone, 6);
  assert.equal(result.iterations, 3);
  const latest = await h.workers.client.workflow.getHandle(handle.workflowId).describe();
  assert.notEqual(latest.runId, firstRunId, 'the search continued as new');
  assert.deepEqual((await childRecords(h.db.pool, handle.workflowId)).map((c) => [c.iteration, c.childIndex]), [[0, 0], [0, 1], [1, 0], [1, 1], [2, 0], [2, 1]]);
  assert.deepEqual((await updateRecords(h.db.pool, handle.workflowId)).map((u) => u.iteration), [0, 1, 2]);
  assert.equal((await baselineRecord(h.db.pool, handle.workflowId)).rewardsSeen, 6);
});

test('invalid workflow input fails the workflow with InvalidConfigError and writes nothing to SQL', async () => {
  const h = await harness();
  const handle = await h.workers.client.workflow.start<typeof nasSearch>('nasSearch', {
    taskQueue: h.workers.controllerQueue,
    workflowId: uniqueId('invalid'),
    args: [{ config: { budget: { maxChildren: -1 } } }],
    workflowExecutionTimeout: '1m',
  });
  const err = await resultOf(h, handle).then(() => assert.fail('an invalid config must fail the workflow'), (e: unknown) => e);
  assert.ok(err instanceof WorkflowFailedError, `expected WorkflowFailedError, got ${String(err)}`);
  assert.ok(err.cause instanceof ApplicationFailure, `cause: ${String(err.cause)}`);
  assert.equal(err.cause.type, 'InvalidConfigError');
  assert.equal(err.cause.nonRetryable, true);
  assert.match(err.cause.message, /budget\.maxChildren/);
  assert.deepEqual(Object.values(await tableCounts(h.db.pool)), [0, 0, 0, 0, 0, 0]);
});

test('an input that is not the workflow\'s (not an object, a stray key, a config that is no mapping, a space with nothing to decide) fails at once, non-retryable, writing nothing', async () => {
  const h = await harness();
  const tiny = tinySearchConfig({ iterations: 1, trainingTaskQueue: h.workers.trainingQueue });
  const cases: [string, unknown[], RegExp][] = [
    ['nasSearch', [[1, 2, 3]], /expected object, received array/],
    ['nasSearch', ['abc'], /expected object, received string/],
    ['nasSearch', [], /expected object, received undefined/],
    ['nasSearch', [{ confg: tiny }], /Unrecognized key: "confg"/],
    ['nasSearch', [{ config: [1, 2, 3] }], /expected record, received array[\s\S]*config/],
    ['nasSearch', [{ config: { ...tiny, space: { kind: 'cnn', filterHeights: [3], filterWidths: [3], filters: [8], strides: [1], skips: false } } }],
      /nothing for the controller to decide/],
    // A replica is started by its search; one started by hand with a bad input fails the same way.
    ['nasReplica', [{ searchId: 'x', replica: 0, searchWorkflowId: 'x', config: 'abc', paused: false }], /expected record, received string[\s\S]*config/],
    ['nasReplica', [{ searchId: 'x', replica: 0, searchWorkflowId: 'x', config: { budget: { maxChildren: -1 } }, paused: false }], /budget\.maxChildren/],
  ];
  const started = Date.now();
  for (const [workflowType, args, message] of cases) {
    const handle = await h.workers.client.workflow.start(workflowType, {
      taskQueue: h.workers.controllerQueue, workflowId: uniqueId('bad-input'), args, workflowExecutionTimeout: '1m',
    });
    const err = await resultOf(h, handle as WorkflowHandle<typeof nasSearch>).then(() => assert.fail(`${JSON.stringify(args)} must fail ${workflowType}`), (e: unknown) => e);
    assert.ok(err instanceof WorkflowFailedError, `${JSON.stringify(args)}: expected WorkflowFailedError, got ${String(err)}`);
    assert.ok(err.cause instanceof ApplicationFailure, `${JSON.stringify(args)}: cause ${String(err.cause)}`);
    assert.equal(err.cause.type, 'InvalidConfigError', JSON.stringify(args));
    assert.equal(err.cause.nonRetryable, true);
    assert.match(err.cause.message, message);
  }
  assert.ok(Date.now() - started < 30_000, `${cases.length} bad inputs took ${Date.now() - started} ms to fail`);
  assert.deepEqual(Object.values(await tableCounts(h.db.pool)), [0, 0, 0, 0, 0, 0]);
});

/** Once a child of the search is on a training worker: its batch has begun. */
function childTrainingNow(h: Harness, searchId: string) {
  return eventually(async () => (await childRecords(h.db.pool, searchId)).find((c) => c.status === 'training'), 60_000, 'a child in training');
}

test('pause lets the batch in flight finish with its update; the batch sampled ahead waits untrained until resume; then the search completes', async () => {
  const h = await harness();
  const handle = await startSearch(h, { iterations: 3 });
  const searchId = handle.workflowId;
  assert.equal((await childTrainingNow(h, searchId)).iteration, 0);
  await handle.signal(pauseSignal);

  const paused = await progressWhere(handle, 'phase paused', (p) => p.phase === 'paused');
  // Batch 1 begins in the first slot batch 0 frees: if that came before the pause reached the replica, it finished too.
  const k = paused.iteration;
  assert.ok(k === 1 || k === 2, `paused after ${k} updates`);
  assert.equal(paused.childrenDone, 2 * k);
  await eventually(async () => (await searchStatusRow(h.db.pool, searchId)) === 'paused', 10_000, 'searches.status paused');
  const before = await tableCounts(h.db.pool);
  await new Promise((resolve) => setTimeout(resolve, 3000));
  assert.deepEqual(await tableCounts(h.db.pool), before, 'nothing is sampled, trained or updated while paused');
  assert.equal((await handle.query(progressQuery)).phase, 'paused');
  assert.equal(before.updates, k);
  // Batch k was drawn once batch k−1 began (sample-ahead): held, never begun.
  const held = (await childRecords(h.db.pool, searchId)).map((c) => [c.iteration, c.status === 'sampled']);
  assert.deepEqual(held, [...Array.from({ length: 2 * k }, (_, i) => [Math.floor(i / 2), false]), [k, true], [k, true]]);

  await handle.signal(resumeSignal);
  const result = await resultOf(h, handle);
  assert.equal(result.status, 'completed');
  assert.equal(result.iterations, 3);
  assert.equal((await childRecords(h.db.pool, searchId)).length, 6);
  assert.equal((await updateRecords(h.db.pool, searchId)).length, 3);
  assert.equal(await searchStatusRow(h.db.pool, searchId), 'completed');
});

test('stop finishes the batch in flight (its update included), gives back the batch sampled ahead, and ends with status stopped', async () => {
  const h = await harness();
  const handle = await startSearch(h, { iterations: 10 });
  const searchId = handle.workflowId;
  assert.equal((await childTrainingNow(h, searchId)).iteration, 0);
  await handle.signal(stopSignal);

  const result = await resultOf(h, handle);
  assert.equal(result.status, 'stopped');
  // Batch 1 begins in the first slot batch 0 frees: if that came before the stop reached the replica, it finished too.
  const k = result.iterations;
  assert.ok(k === 1 || k === 2, `stopped after ${k} updates`);
  assert.equal(result.childrenDone, 2 * k);
  assert.equal((await handle.query(progressQuery)).phase, 'stopped');
  const children = await childRecords(h.db.pool, searchId);
  assert.equal(children.length, 2 * k, 'the batch sampled ahead was given back');
  for (const c of children) assert.ok(c.status === 'succeeded' || c.status === 'failed');
  assert.deepEqual((await updateRecords(h.db.pool, searchId)).map((u) => u.iteration), Array.from({ length: k }, (_, i) => i));
  assert.equal(await searchStatusRow(h.db.pool, searchId), 'stopped');
  assert.equal((await tableCounts(h.db.pool)).parameter_snapshots, 0, 'batch 1, sampled ahead, left no snapshot');
});

test('stop while paused gives back the batch sampled ahead: nothing left sampled, no snapshot', async () => {
  const h = await harness();
  const handle = await startSearch(h, { iterations: 10 });
  const searchId = handle.workflowId;
  await childTrainingNow(h, searchId);
  await handle.signal(pauseSignal);
  await progressWhere(handle, 'phase paused', (p) => p.phase === 'paused');
  assert.ok((await childRecords(h.db.pool, searchId)).some((c) => c.status === 'sampled'), 'a batch waits, sampled ahead');
  await handle.signal(stopSignal);
  const result = await resultOf(h, handle);
  assert.equal(result.status, 'stopped');
  const children = await childRecords(h.db.pool, searchId);
  assert.equal(children.length, result.childrenDone);
  assert.ok(children.every((c) => c.status === 'succeeded' || c.status === 'failed'), children.map((c) => c.status).join(' '));
  assert.equal((await tableCounts(h.db.pool)).parameter_snapshots, 0);
  // The activity that sampled the given-back batch is fenced by its Temporal identity (workflow, run, activity id).
  const { rows: fenced } = await h.db.pool.query<{ activity: string; reason: string }>('SELECT activity, reason FROM fenced_samplers WHERE search_id = $1', [searchId]);
  assert.equal(fenced.length, 1, JSON.stringify(fenced));
  assert.equal(fenced[0]!.reason, 'released');
  assert.match(fenced[0]!.activity, new RegExp(`^${searchId}/replica-0/[0-9a-f-]{36}/\\d+$`));
});

test('the same seed and config on fresh databases give the same architectures and the same final parameters, with or without a new run every iteration', async () => {
  const runs = [];
  for (let run = 0; run < 2; run++) {
    const h = await harness();
    // Different search ids on purpose: nothing but the seed may decide what is sampled. The second
    // continues as new after every update: where runs end must not move what is sampled ahead when.
    const handle = await startSearch(h, { iterations: 3, seed: 1234, epochs: 2 }, uniqueId('seed'), run === 1 ? 1 : undefined);
    await resultOf(h, handle);
    runs.push({
      children: await childRecords(h.db.pool, handle.workflowId),
      shards: await shardRecords(h.db.pool, handle.workflowId),
    });
  }
  const [first, second] = runs as [typeof runs[0], typeof runs[0]];
  const sampled = (r: typeof first) => r.children.map((c) => ({ iteration: c.iteration, childIndex: c.childIndex, tokens: c.tokens, archKey: c.archKey }));
  // Iteration 0 is sampled from the initial parameters: it depends on the seed alone.
  assert.deepEqual(sampled(first).filter((c) => c.iteration === 0), sampled(second).filter((c) => c.iteration === 0));
  // Later iterations depend on the rewards too; children train with seeded weights and shuffles
  // on the CPU backend, so they are expected to match bit for bit as well.
  assert.deepEqual(first.children.map((c) => c.reward), second.children.map((c) => c.reward), 'child training is reproducible');
  assert.deepEqual(sampled(first), sampled(second));
  assert.deepEqual(first.shards.map((s) => [s.version, s.params.toString('hex')]), second.shards.map((s) => [s.version, s.params.toString('hex')]));
});
