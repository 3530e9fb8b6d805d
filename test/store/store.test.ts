// The SQL layer against a real PostgreSQL (a fresh database per file): migrations run once,
// searches are created idempotently, shards round-trip the parameters, and a finished child is
// never overwritten. No mocks.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { parseSearchConfig } from '../../config/parse';
import { InvalidConfigError, NotFoundError } from '../../errors';
import { emptySlots } from '../../reinforce/adam';
import { parseArchitecture } from '../../space/architecture';
import { bestChildren, finishChild, getChild, insertSampledChildren, searchProgress, startTraining } from '../../store/children';
import { withTransaction } from '../../store/db';
import { migrate } from '../../store/migrate';
import { pullParameters, pushShardGradient } from '../../store/parameters';
import { createSearch, getSearch, shardRanges } from '../../store/searches';
import { createTestDatabase, type TestDatabase } from '../support/servers';

let db: TestDatabase;
before(async () => { db = await createTestDatabase('store'); });
after(async () => { await db?.drop(); });

const config = parseSearchConfig({});
const initial = Float32Array.from({ length: 10 }, (_, i) => i / 10 - 0.5);

test('migrations are recorded and applied once', async () => {
  assert.deepEqual(await migrate(db.pool), []);
  const { rows } = await db.pool.query('SELECT version, name FROM schema_migrations ORDER BY version');
  assert.deepEqual(rows.map((r) => r.name), ['001_initial.sql', '002_views.sql', '003_nb201_space.sql', '004_worker_throughput.sql', '005_distributed.sql', '006_rnn_cell.sql', '007_closed_searches.sql', '008_weight_sharing.sql', '009_baseline_streams.sql', '010_released_batches.sql']);
});

test('a search stored before a defaulted config section existed is the same search when started again', async () => {
  const stored = JSON.parse(JSON.stringify(config)) as Record<string, unknown>;
  delete stored.distributed;
  delete stored.languageModel;
  await db.pool.query(`INSERT INTO searches (id, space_kind, config) VALUES ('old', 'cnn', $1)`, [JSON.stringify(stored)]);
  assert.deepEqual(await createSearch(db.pool, 'old', config, initial, 3, 1), { created: false });
  await assert.rejects(createSearch(db.pool, 'old', parseSearchConfig({ seed: 2 }), initial, 3, 1), InvalidConfigError);
});

test('shard ranges cover the vector contiguously', () => {
  assert.deepEqual(shardRanges(10, 3), [{ start: 0, size: 3 }, { start: 3, size: 3 }, { start: 6, size: 4 }]);
  assert.deepEqual(shardRanges(2, 5), [{ start: 0, size: 1 }, { start: 1, size: 1 }]);
});

test('a search is created once; the same id with another config is refused', async () => {
  assert.deepEqual(await createSearch(db.pool, 's1', config, initial, 3, 1), { created: true });
  assert.deepEqual(await createSearch(db.pool, 's1', config, initial, 3, 1), { created: false });
  const other = parseSearchConfig({ seed: 2 });
  await assert.rejects(createSearch(db.pool, 's1', other, initial, 3, 1), (e: Error) => e instanceof InvalidConfigError && /already exists with a different config/.test(e.message));
  assert.equal((await getSearch(db.pool, 's1')).config.seed, 1);
  await assert.rejects(getSearch(db.pool, 'nope'), NotFoundError);
  const snapshot = await pullParameters(db.pool, 's1');
  assert.deepEqual(Array.from(snapshot.params), Array.from(initial));
  assert.deepEqual(snapshot.versions, [0, 0, 0]);
});

test('a pushed gradient steps each shard once with Adam, in its own transaction; a retried push is a no-op', async () => {
  const gradient = Float32Array.from({ length: 10 }, (_, i) => (i % 2 ? 1 : -1));
  const push = (shard: number, replica = 0, iteration = 0) => {
    const range = shardRanges(10, 3)[shard]!;
    return pushShardGradient(db.pool, { searchId: 's1', replica, iteration, shard, snapshotVersion: 0, gradient: gradient.subarray(range.start, range.start + range.size) }, { learningRate: 0.1 }, 1);
  };
  const results = await Promise.all([0, 1, 2].map((shard) => push(shard)));
  assert.deepEqual(results.map((r) => [r.versionBefore, r.versionAfter, r.staleness, r.applied]), [[0, 1, 0, true], [0, 1, 0, true], [0, 1, 0, true]]);
  assert.deepEqual(await push(1), results[1]);
  const snapshot = await pullParameters(db.pool, 's1');
  assert.deepEqual(snapshot.versions, [1, 1, 1]);
  // First Adam step moves each weight by lr·sign(g) (see test/reinforce/math.test.ts).
  snapshot.params.forEach((p, i) => assert.ok(Math.abs(p - (initial[i]! - 0.1 * gradient[i]!)) < 1e-6));
  const { rows } = await db.pool.query('SELECT shard, adam_step FROM parameter_shards WHERE search_id = $1 ORDER BY shard', ['s1']);
  assert.deepEqual(rows.map((r) => r.adam_step), [1, 1, 1]);
  assert.equal(emptySlots(3).step, 0);
  // A gradient computed at version 0 arriving after that step is one step stale.
  const late = await push(0, 1, 0);
  assert.deepEqual([late.versionBefore, late.versionAfter, late.staleness], [1, 2, 1]);
});

test('with G = 2 a shard applies the mean of two arrivals at once', async () => {
  const start = Float32Array.from([0.5, -0.5, 0.25]);
  await createSearch(db.pool, 'g2', config, start, 1, 2);
  const slice = (values: number[], replica: number) =>
    pushShardGradient(db.pool, { searchId: 'g2', replica, iteration: 0, shard: 0, snapshotVersion: 0, gradient: Float32Array.from(values) }, { learningRate: 0.1 }, 2);
  const first = await slice([1, 1, -3], 0);
  assert.deepEqual([first.versionAfter, first.applied], [0, false]);
  assert.deepEqual(Array.from((await pullParameters(db.pool, 'g2')).params), Array.from(start));
  const second = await slice([1, -3, 1], 1);
  assert.deepEqual([second.versionBefore, second.versionAfter, second.applied], [0, 1, true]);
  // mean gradient (1, -1, -1): one Adam step moves each weight by -lr·sign(mean).
  const after = (await pullParameters(db.pool, 'g2')).params;
  [0.4, -0.4, 0.35].forEach((want, i) => assert.ok(Math.abs(after[i]! - want) < 1e-6, `weight ${i}: ${after[i]} vs ${want}`));
  const { rows } = await db.pool.query('SELECT accumulated, accumulated_count FROM parameter_shards WHERE search_id = $1', ['g2']);
  assert.deepEqual(rows[0], { accumulated: null, accumulated_count: 0 });
});

test('a finished child keeps its first result; attempts are counted', async () => {
  const architecture = parseArchitecture({ kind: 'cnn', layers: [{ filterHeight: 3, filterWidth: 3, filters: 8, stride: 1, inputs: [] }] });
  await withTransaction(db.pool, (client) => insertSampledChildren(client, 's1', 0, 0, [
    { childIndex: 0, numLayers: 1, architecture, tokens: [1, 1, 0], logProb: -3, entropy: 3 },
  ]));
  // Inserting the same sample again is a no-op (retried sampleArchitectures).
  await withTransaction(db.pool, (client) => insertSampledChildren(client, 's1', 0, 0, [
    { childIndex: 0, numLayers: 1, architecture, tokens: [0, 0, 0], logProb: -9, entropy: 9 },
  ]));
  const key = { searchId: 's1', replica: 0, iteration: 0, childIndex: 0 };
  const child = await getChild(db.pool, key);
  assert.deepEqual(child.tokens, [1, 1, 0]);
  await startTraining(db.pool, child.id, 'w1');
  await startTraining(db.pool, child.id, 'w2');
  const result = { status: 'succeeded' as const, validationAccuracies: [0.5, 0.7], reward: 0.343, paramCount: 100, trainingSeconds: 1, worker: 'w2' };
  const first = await finishChild(db.pool, key, child.id, result);
  const second = await finishChild(db.pool, key, child.id, { ...result, reward: 0.9, validationAccuracies: [0.9] });
  assert.equal(first.reward, 0.343);
  assert.equal(second.reward, 0.343);
  assert.equal(second.bestValidationAccuracy, 0.7);
  assert.equal(second.attempts, 2);
  await startTraining(db.pool, child.id, 'w3');
  assert.equal((await getChild(db.pool, key)).status, 'succeeded', 'a late attempt does not reopen a finished child');
  const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM children WHERE search_id = $1', ['s1']);
  assert.equal(rows[0].n, 1);
  const throughput = await db.pool.query('SELECT worker, children::int, failed::int, training_seconds FROM worker_throughput WHERE search_id = $1', ['s1']);
  assert.deepEqual(throughput.rows, [{ worker: 'w2', children: 1, failed: 0, training_seconds: 1 }]);
});

test('a recurrent cell keeps its validation perplexity; the best cell is the lowest perplexity', async () => {
  const cellConfig = parseSearchConfig({ space: { kind: 'rnnCell', base: 2 } });
  await createSearch(db.pool, 'cells', cellConfig, initial, 1, 1);
  const cell = (inject: number) => parseArchitecture({
    kind: 'rnnCell', base: 2, nodes: [{ combination: 'add', activation: 'tanh' }, { combination: 'elemMult', activation: 'relu' }, { combination: 'elemMult', activation: 'sigmoid' }],
    inject: { combination: 'add', activation: 'relu' }, cellIndices: [1, inject],
  });
  await withTransaction(db.pool, (client) => insertSampledChildren(client, 'cells', 0, 0, [0, 1, 2].map((k) => (
    { childIndex: k, numLayers: 3, architecture: cell(k), tokens: [0, 1, 1, 3, 1, 2, 0, 3, 1, k], logProb: -1, entropy: 1 }))));
  const results = [
    { status: 'succeeded' as const, validationPerplexities: [300, 200], validationAccuracies: [0.1, 0.2], reward: 80 / 200 ** 2 },
    { status: 'succeeded' as const, validationPerplexities: [250, 150], validationAccuracies: [0.1, 0.15], reward: 80 / 150 ** 2 },
    { status: 'failed' as const, validationPerplexities: [Number.NaN], validationAccuracies: [0], reward: 0, error: 'non-finite validation perplexity' },
  ];
  for (const [k, r] of results.entries()) {
    const key = { searchId: 'cells', replica: 0, iteration: 0, childIndex: k };
    await finishChild(db.pool, key, (await getChild(db.pool, key)).id, { ...r, paramCount: 10, trainingSeconds: 1, worker: 'w' });
  }
  const stored = await getChild(db.pool, { searchId: 'cells', replica: 0, iteration: 0, childIndex: 1 });
  assert.equal(stored.validationPerplexity, 150);
  assert.equal((await getChild(db.pool, { searchId: 'cells', replica: 0, iteration: 0, childIndex: 2 })).validationPerplexity, null, 'NaN is no perplexity');
  const [best] = await bestChildren(db.pool, 'cells', 1);
  assert.equal(best?.childIndex, 1, 'lower perplexity wins even with a lower word accuracy');
  assert.equal((await searchProgress(db.pool, 'cells')).bestChildId, best?.id);
  const { rows } = await db.pool.query('SELECT child_index, validation_perplexity, rank::int FROM rnn_cells WHERE search_id = $1 ORDER BY rank, child_index', ['cells']);
  assert.deepEqual(rows, [
    { child_index: 1, validation_perplexity: 150, rank: 1 },
    { child_index: 0, validation_perplexity: 200, rank: 2 },
    { child_index: 2, validation_perplexity: null, rank: 3 },
  ]);
});
