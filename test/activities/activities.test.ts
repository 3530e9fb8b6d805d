// The activities' idempotency against a real PostgreSQL: a retried sample returns the same batch,
// a finished child is not retrained, an update lands exactly once even when two attempts race,
// and the same seed gives the same samples and parameters. Temporal itself is in test/workflows/.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createControllerActivities, createTrainingActivities, type ChildOutcome, type SampledBatch } from '../../activities';
import { tableLookup } from '../../workers/training-worker';
import { loadTf } from '../../backend/tf';
import type { SearchConfigInput } from '../../config/search-config';
import type { ImageDataset } from '../../data/dataset';
import { NotFoundError } from '../../errors';
import { SampledPasses } from '../../reinforce/sampled-passes';
import { finishChild, getChild, iterationChildren, sampledChildrenCount, startTraining } from '../../store/children';
import { loadSnapshot, pullParameters } from '../../store/parameters';
import { createTestDatabase, type TestDatabase } from '../support/servers';
import { tinyCorpus } from '../support/tiny-corpus';

const tf = loadTf('cpu');
let db: TestDatabase;
before(async () => { db = await createTestDatabase('acts'); });
after(async () => { await db?.drop(); });

const config: SearchConfigInput = {
  seed: 5,
  space: { kind: 'cnn', filterHeights: [1, 3], filterWidths: [1, 3], filters: [2, 4] },
  schedule: { startLayers: 2, addLayers: 1, everyChildren: 4, maxLayers: 4 },
  child: { epochs: 4, batchSize: 8, optimizer: 'adam', learningRate: 0.05 },
  budget: { childrenPerIteration: 2, maxChildren: 8 },
};

/** 4x4 single-channel images whose class is which half is bright: learnable in a few epochs. */
function tinyData(): ImageDataset {
  const split = (count: number) => {
    const images = new Float32Array(count * 16);
    const labels = new Int32Array(count);
    for (let n = 0; n < count; n++) {
      labels[n] = n % 2;
      for (let p = 0; p < 16; p++) images[n * 16 + p] = (p < 8) === (n % 2 === 0) ? 1 : 0;
    }
    return { images, labels, count };
  };
  return { train: split(64), valid: split(16), test: split(0), numClasses: 2, height: 4, width: 4, channels: 1 };
}

const controller = () => createControllerActivities({ pool: db.pool });
const training = () => createTrainingActivities({ pool: db.pool, tf, workerIdentity: 'test', loadData: async () => tinyData(), loadText: async () => tinyCorpus(), lookupTable: tableLookup() });

async function rewardAll(searchId: string, iteration: number, rewards: number[]): Promise<void> {
  for (const [childIndex, reward] of rewards.entries()) {
    const key = { searchId, replica: 0, iteration, childIndex };
    const child = await getChild(db.pool, key);
    await finishChild(db.pool, key, child.id, { status: 'succeeded', validationAccuracies: [Math.cbrt(reward)], reward, paramCount: 1, trainingSeconds: 0, worker: 'test' });
  }
}

test('a retried sample returns the same batch; the depth follows the schedule', async () => {
  const acts = controller();
  await acts.startSearch({ searchId: 'a', config });
  await acts.startSearch({ searchId: 'a', config });
  const key = { searchId: 'a', replica: 0, iteration: 0, count: 2, childrenBefore: 0 };
  const first = await acts.sampleArchitectures(key);
  const again = await controller().sampleArchitectures(key); // a fresh worker process, as after a crash
  assert.deepEqual(again, first);
  assert.equal(first.numLayers, 2);
  assert.equal((await iterationChildren(db.pool, 'a', 0, 0)).length, 2);
  // The schedule reads the children claimed so far (2 of the 4 that add a layer), not the caller.
  const later = await acts.sampleArchitectures({ ...key, iteration: 1, childrenBefore: 4 });
  assert.equal(later.numLayers, 2);
});

test('replicas claim one global budget, and the depth schedule counts every replica\'s children', async () => {
  const acts = controller();
  await acts.startSearch({ searchId: 'global', config });
  const claims = [];
  // Two replicas alternate: 2 children each claim, 8 in the budget, a new layer every 4 children.
  for (const [replica, iteration] of [[0, 0], [1, 0], [0, 1], [1, 1], [0, 2]] as const) {
    const batch = await acts.sampleArchitectures({ searchId: 'global', replica, iteration, count: 2 });
    claims.push([replica, batch.numLayers, batch.children.length]);
  }
  assert.deepEqual(claims, [[0, 2, 2], [1, 2, 2], [0, 3, 2], [1, 3, 2], [0, 4, 0]]);
  const { rows } = await db.pool.query('SELECT replica FROM baselines WHERE search_id = $1 ORDER BY replica', ['global']);
  assert.deepEqual(rows.map((r) => r.replica), [0, 1], 'a replica gets its own baseline on its first sample');
});

test('releaseBatch gives a batch sampled ahead back to the budget (children and snapshot), once; a batch with a child in training is kept', async () => {
  const acts = controller();
  await acts.startSearch({ searchId: 'release', config });
  const key = { searchId: 'release', replica: 0, iteration: 0 };
  const first = await acts.sampleArchitectures({ ...key, count: 2 });
  assert.deepEqual(await acts.releaseBatch(key), { released: 2 });
  assert.deepEqual(await iterationChildren(db.pool, 'release', 0, 0), []);
  assert.equal(await loadSnapshot(db.pool, 'release', 0, 0), undefined);
  assert.deepEqual(await acts.releaseBatch(key), { released: 0 }, 'a retry finds nothing left');
  // The budget counts it no more: sampling the iteration again draws it again (the same seed).
  assert.deepEqual(await acts.sampleArchitectures({ ...key, count: 2 }), first);
  const [child] = await iterationChildren(db.pool, 'release', 0, 0);
  await startTraining(db.pool, child!.id, 'test');
  assert.deepEqual(await acts.releaseBatch(key), { released: 0 });
  assert.equal((await iterationChildren(db.pool, 'release', 0, 0)).length, 2);
  assert.ok(await loadSnapshot(db.pool, 'release', 0, 0), 'its snapshot stays for its update');
});

/** Attempts of one sampling activity (workflow run + activity id), as Temporal runs them. */
const attemptOf = (activityId: string) => new MockActivityEnvironment({ activityId, workflowExecution: { workflowId: 'search/replica-0', runId: 'run-1' } });

for (const strategy of ['reinforce', 'random'] as const) {
  test(`${strategy}: once its batch was given back, an older attempt of the sampling activity (timed out, still running) stores nothing; a new activity samples the iteration again`, async () => {
    const acts = controller();
    const searchId = `zombie-${strategy}`;
    await acts.startSearch({ searchId, config: { ...config, strategy } });
    const key = { searchId, replica: 0, iteration: 0 };
    const sample = (activityId: string) => attemptOf(activityId).run(acts.sampleArchitectures, { ...key, count: 2 }) as Promise<SampledBatch>;
    assert.equal((await sample('7')).children.length, 2, 'the retry the workflow took stores the batch');
    assert.deepEqual(await acts.releaseBatch(key), { released: 2 }); // the replica stopped
    assert.deepEqual((await sample('7')).children, [], 'the older attempt of activity 7, arriving late');
    assert.deepEqual(await iterationChildren(db.pool, searchId, 0, 0), []);
    assert.equal(await sampledChildrenCount(db.pool, searchId), 0, 'the budget counts no child of it');
    assert.equal((await sample('12')).children.length, 2, 'another activity for the same iteration is not fenced');
  });
}

test('an attempt that found the budget spent fences its activity: an older attempt arriving after budget was given back stores nothing', async () => {
  const acts = controller();
  await acts.startSearch({ searchId: 'spent', config: { ...config, budget: { childrenPerIteration: 2, maxChildren: 2 } } });
  const replica = (r: number, activityId: string) => new MockActivityEnvironment({ activityId, workflowExecution: { workflowId: `spent/replica-${r}`, runId: 'run-1' } })
    .run(acts.sampleArchitectures, { searchId: 'spent', replica: r, iteration: 0, count: 2 }) as Promise<SampledBatch>;
  assert.equal((await replica(0, '1')).children.length, 2);
  assert.deepEqual((await replica(1, '1')).children, [], 'replica 1 finds the budget spent, and its workflow ends sampling');
  assert.deepEqual(await acts.releaseBatch({ searchId: 'spent', replica: 0, iteration: 0 }), { released: 2 });
  assert.deepEqual((await replica(1, '1')).children, [], 'an older attempt of replica 1\'s activity stores nothing, though budget came back');
  assert.equal(await sampledChildrenCount(db.pool, 'spent'), 0);
});

test('an update from the pass its own process sampled the batch in equals, bit for bit, one that replays the tokens', async () => {
  const passes = new SampledPasses();
  const same = createControllerActivities({ pool: db.pool, passes }); // samples and updates: the pass is kept
  const sampler = controller();
  const updater = controller(); // another process: it has no pass and replays
  const run = async (searchId: string, sample: typeof same, update: typeof same) => {
    await sample.startSearch({ searchId, config });
    for (const iteration of [0, 1]) {
      await sample.sampleArchitectures({ searchId, replica: 0, iteration, count: 2 });
      await rewardAll(searchId, iteration, iteration === 0 ? [0.2, 0.6] : [0.7, 0.1]);
      await update.applyReinforceUpdate({ searchId, replica: 0, iteration });
    }
    const { rows: updates } = await db.pool.query('SELECT iteration, loss, gradient_norm, baseline_after FROM updates WHERE search_id = $1 ORDER BY iteration', [searchId]);
    const { rows: shards } = await db.pool.query<{ params: Buffer; adam_m: Buffer; adam_v: Buffer; adam_step: number }>(
      'SELECT params, adam_m, adam_v, adam_step FROM parameter_shards WHERE search_id = $1 ORDER BY shard', [searchId]);
    return { updates, shards };
  };
  const kept = await run('pass-kept', same, same);
  assert.equal(passes.hits, 2, 'both updates took the kept pass');
  const replayed = await run('pass-replayed', sampler, updater);
  assert.deepEqual(kept.updates, replayed.updates);
  assert.ok(kept.shards.every((s, i) => {
    const r = replayed.shards[i]!;
    return s.params.equals(r.params) && s.adam_m.equals(r.adam_m) && s.adam_v.equals(r.adam_v) && s.adam_step === r.adam_step;
  }), 'the parameters and Adam slots match bit for bit');
  assert.equal(passes.size, 0, 'an applied update lets its pass go');
});

test('trainChild trains once, heartbeats, and a retry returns the stored result', async () => {
  const env = new MockActivityEnvironment();
  const heartbeats: unknown[] = [];
  env.on('heartbeat', (d: unknown) => heartbeats.push(d));
  const key = { searchId: 'a', replica: 0, iteration: 0, childIndex: 0 };
  const n = tf.memory().numTensors;
  const first = (await env.run(training().trainChild, key)) as ChildOutcome;
  assert.equal(first.reused, false);
  assert.ok(first.bestAccuracy !== null && first.bestAccuracy > 0.5, `accuracy ${first.bestAccuracy}`);
  assert.ok(Math.abs(first.reward - first.bestAccuracy ** 3) < 1e-9, 'reward = accuracy³');
  assert.ok(heartbeats.some((h) => (h as { epoch?: number } | undefined)?.epoch === 3), 'heartbeats after each epoch');
  const second = (await env.run(training().trainChild, key)) as ChildOutcome;
  assert.equal(second.reused, true);
  assert.equal(second.reward, first.reward);
  assert.equal((await getChild(db.pool, key)).attempts, 1);
  assert.equal(tf.memory().numTensors, n, 'no tensor leaks across a child');
});

test('an update needs every reward, then lands exactly once even when two attempts race', async () => {
  const acts = controller();
  await assert.rejects(acts.applyReinforceUpdate({ searchId: 'a', replica: 0, iteration: 1 }), NotFoundError);
  await rewardAll('a', 1, [0.1, 0.3]);
  const [one, two] = await Promise.all([
    acts.applyReinforceUpdate({ searchId: 'a', replica: 0, iteration: 1 }),
    controller().applyReinforceUpdate({ searchId: 'a', replica: 0, iteration: 1 }),
  ]);
  assert.deepEqual(one, two);
  const three = await acts.applyReinforceUpdate({ searchId: 'a', replica: 0, iteration: 1 });
  assert.deepEqual(three, one);
  assert.deepEqual(one.parameterVersionsAfter, [1]);
  assert.equal(one.baselineBefore, 0.2);
  assert.ok(Math.abs(one.baselineAfter - (0.95 * (0.95 * 0.2 + 0.05 * 0.1) + 0.05 * 0.3)) < 1e-12);
  assert.deepEqual((await pullParameters(db.pool, 'a')).versions, [1]);
  const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM updates WHERE search_id = $1', ['a']);
  assert.equal(rows[0].n, 1);
  const baseline = await db.pool.query('SELECT rewards_seen FROM baselines WHERE search_id = $1', ['a']);
  assert.equal(Number(baseline.rows[0].rewards_seen), 2);
});

test('the same seed, config and rewards give the same samples and the same parameters', async () => {
  const run = async (searchId: string) => {
    const acts = controller();
    await acts.startSearch({ searchId, config });
    const batches = [];
    for (let iteration = 0; iteration < 3; iteration++) {
      batches.push(await acts.sampleArchitectures({ searchId, replica: 0, iteration, count: 2, childrenBefore: iteration * 2 }));
      await rewardAll(searchId, iteration, [0.1 * (iteration + 1), 0.05]);
      await acts.applyReinforceUpdate({ searchId, replica: 0, iteration });
    }
    return { batches, params: Array.from((await pullParameters(db.pool, searchId)).params) };
  };
  const x = await run('seeded-x');
  const y = await run('seeded-y');
  assert.deepEqual(y.batches, x.batches);
  assert.deepEqual(y.params, x.params);
});

test('trainChild trains a sampled recurrent cell as a language model: perplexity, reward c / perplexity², no leaks', async () => {
  const cellConfig: SearchConfigInput = {
    seed: 2,
    space: { kind: 'rnnCell', base: 2 },
    languageModel: { embeddingSize: 8, hiddenSize: 8, layers: 1, bptt: 8, batchSize: 4, dropout: 0, epochs: 2, optimizer: 'adam', learningRate: 0.02 },
    data: { source: 'ptb', path: '/unused: loadText is a fake here' },
    budget: { childrenPerIteration: 2, maxChildren: 2 },
  };
  await controller().startSearch({ searchId: 'cell', config: cellConfig });
  const batch = await controller().sampleArchitectures({ searchId: 'cell', replica: 0, iteration: 0, count: 2, childrenBefore: 0 });
  assert.equal(batch.numLayers, 3);
  assert.match(batch.children[0]!.summary, /^0:\w+\/\w+ 1:/);
  const env = new MockActivityEnvironment();
  const heartbeats: unknown[] = [];
  env.on('heartbeat', (d: unknown) => heartbeats.push(d));
  const n = tf.memory().numTensors;
  const key = { searchId: 'cell', replica: 0, iteration: 0, childIndex: 0 };
  const outcome = (await env.run(training().trainChild, key)) as ChildOutcome;
  assert.equal(tf.memory().numTensors, n, 'no tensor leaks across a child');
  const row = await getChild(db.pool, key);
  if (outcome.status === 'succeeded') {
    assert.ok(row.validationPerplexity !== null && row.validationPerplexity > 1);
    assert.ok(Math.abs(outcome.reward - 80 / row.validationPerplexity ** 2) < 1e-9);
    assert.ok(heartbeats.some((h) => typeof (h as { validationPerplexity?: number } | undefined)?.validationPerplexity === 'number'));
  } else {
    assert.equal(outcome.reward, 0);
  }
  assert.equal(((await env.run(training().trainChild, key)) as ChildOutcome).reused, true);
});
