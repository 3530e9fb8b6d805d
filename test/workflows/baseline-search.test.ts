// Random search and regularized evolution on the CNN and recurrent-cell spaces, through the same durable
// workflow and SQL history as REINFORCE, against the real Temporal dev server and PostgreSQL: for a
// seed, the workflow trains exactly the children the in-process strategy proposes when shown the same
// rewards. And budget.maxMinutes: no child is sampled after the time is up, and the search completes.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, test } from 'node:test';
import { parseSearchConfig } from '../../config/parse';
import type { SearchConfigInput } from '../../config/search-config';
import { architectureKey, parseArchitecture } from '../../space/architecture';
import { runSearch } from '../../strategies/harness';
import { createTokenBaseline } from '../../strategies/token-baselines';
import type { nasSearch } from '../../workflows';
import { startSearchWorkers, type SearchWorkers } from '../support/in-process-workers';
import { childRecords } from '../support/search-rows';
import { createTestDatabase, type TestDatabase, uniqueId } from '../support/servers';
import { tinySearchConfig } from '../support/tiny-search';
import { writeTinyPtb } from '../support/tiny-corpus';

let db: TestDatabase;
let workers: SearchWorkers;
let folder: string;

before(async () => {
  folder = writeTinyPtb(true);
  db = await createTestDatabase('baselines');
  workers = await startSearchWorkers(db.pool);
});
after(async () => {
  await workers?.stop();
  await db?.drop();
  fs.rmSync(folder, { recursive: true, force: true });
});

async function runToEnd(config: SearchConfigInput, name: string): Promise<{ searchId: string; childrenDone: number; status: string }> {
  const searchId = uniqueId(name);
  const handle = await workers.client.workflow.start<typeof nasSearch>('nasSearch', {
    taskQueue: workers.controllerQueue, workflowId: searchId, args: [{ config }], workflowExecutionTimeout: '4m',
  });
  const result = await Promise.race([handle.result(), workers.failed]);
  return { searchId, childrenDone: result.childrenDone, status: result.status };
}

/** The in-process strategy, shown the rewards the durable search got, in order, must propose what it trained. */
async function assertSameAsInProcess(config: SearchConfigInput, searchId: string, budget: number): Promise<void> {
  const durable = await childRecords(db.pool, searchId);
  assert.equal(durable.length, budget);
  let query = 0;
  const run = runSearch(createTokenBaseline(parseSearchConfig(config)), () => ({ reward: durable[query++]!.reward! }), budget);
  assert.deepEqual(durable.map((c) => c.archKey), run.queries.map((q) => architectureKey(q.arch)));
  assert.ok(new Set(durable.map((c) => c.archKey)).size > budget / 2, 'the search visits many architectures');
  const updates = await db.pool.query('SELECT count(*)::int AS n FROM updates WHERE search_id = $1', [searchId]);
  assert.equal(updates.rows[0].n, 0, 'a baseline applies no controller update');
}

/** Once the population is full, every child is one token away from a member of its population (the last `size` children before its iteration). */
async function assertMutationsOfPopulation(searchId: string, size: number): Promise<void> {
  const children = await childRecords(db.pool, searchId);
  for (const child of children.slice(size)) {
    const population = children.filter((c) => c.iteration < child.iteration).slice(-size);
    const distances = population.map((p) => p.tokens.filter((t, j) => t !== child.tokens[j]).length);
    assert.ok(distances.includes(1), `child ${child.iteration}/${child.childIndex} is one token from a member of its population`);
  }
}

test('random search on the CNN space: durable, m children an iteration, the depth schedule, what the in-process strategy proposes', async () => {
  const base = tinySearchConfig({ trainingTaskQueue: workers.trainingQueue, iterations: 4, childrenPerIteration: 2, seed: 11 });
  const config = { ...base, strategy: 'random', schedule: { startLayers: 1, addLayers: 1, everyChildren: 4, maxLayers: 2 } } as SearchConfigInput;
  const { searchId, childrenDone, status } = await runToEnd(config, 'cnn-random');
  assert.equal(status, 'completed');
  assert.equal(childrenDone, 8);
  await assertSameAsInProcess(config, searchId, 8);
  const depths = (await childRecords(db.pool, searchId)).map((c) => c.tokens.length);
  assert.ok(depths[0]! < depths[7]!, 'children grew deeper with the schedule');
  const { rows } = await db.pool.query('SELECT count(DISTINCT iteration)::int AS n FROM children WHERE search_id = $1', [searchId]);
  assert.equal(rows[0].n, 4, 'two children an iteration');
});

test('regularized evolution on the CNN space: children after the population fills are one mutation of a member', async () => {
  const base = tinySearchConfig({ trainingTaskQueue: workers.trainingQueue, iterations: 5, childrenPerIteration: 2, seed: 12 });
  const config = { ...base, strategy: 'evolution', evolution: { populationSize: 4, sampleSize: 2, childrenPerCycle: 2 } } as SearchConfigInput;
  const { searchId, childrenDone } = await runToEnd(config, 'cnn-evolution');
  assert.equal(childrenDone, 10);
  await assertSameAsInProcess(config, searchId, 10);
  await assertMutationsOfPopulation(searchId, 4);
});

/** A tiny recurrent-cell search on the tiny PTB folder, 3 children an iteration. */
function cellConfig(strategy: 'random' | 'evolution', seed: number, maxChildren: number): SearchConfigInput {
  return {
    seed, strategy, space: { kind: 'rnnCell', base: 2 },
    languageModel: { embeddingSize: 8, hiddenSize: 8, layers: 1, bptt: 8, batchSize: 4, dropout: 0, epochs: 1, optimizer: 'adam', learningRate: 0.02, rewardConstant: 80 },
    data: { source: 'ptb', path: folder },
    budget: { childrenPerIteration: 3, maxChildren },
    evolution: { populationSize: 3, sampleSize: 2, childrenPerCycle: 3 },
    trainingTaskQueue: workers.trainingQueue,
    timeouts: { childHeartbeatSeconds: 10, controllerHeartbeatSeconds: 10, childStartToCloseMinutes: 2, controllerStartToCloseMinutes: 2 },
  };
}

test('random search on the recurrent-cell space runs durably and proposes what the in-process strategy proposes', async () => {
  const config = cellConfig('random', 13, 6);
  const { searchId, childrenDone } = await runToEnd(config, 'cell-random');
  assert.equal(childrenDone, 6);
  await assertSameAsInProcess(config, searchId, 6);
  const { rows } = await db.pool.query('SELECT architecture FROM children WHERE search_id = $1', [searchId]);
  rows.forEach((r) => assert.equal(parseArchitecture(r.architecture).kind, 'rnnCell'));
});

test('regularized evolution on the recurrent-cell space: durable, what the in-process strategy proposes, one mutation of a member', async () => {
  const config = cellConfig('evolution', 15, 9);
  const { searchId, childrenDone } = await runToEnd(config, 'cell-evolution');
  assert.equal(childrenDone, 9);
  await assertSameAsInProcess(config, searchId, 9);
  await assertMutationsOfPopulation(searchId, 3);
});

test('budget.maxMinutes: nothing is sampled after the time is up; the search completes short of maxChildren', async () => {
  const base = tinySearchConfig({ trainingTaskQueue: workers.trainingQueue, iterations: 200, childrenPerIteration: 2, seed: 14 });
  const config = { ...base, budget: { childrenPerIteration: 2, maxChildren: 400, maxMinutes: 0.1 } } as SearchConfigInput;
  const started = Date.now();
  const { searchId, childrenDone, status } = await runToEnd(config, 'time-budget');
  assert.equal(status, 'completed');
  assert.ok(childrenDone < 400, `${childrenDone} children in 6 s`);
  assert.ok(Date.now() - started < 60_000, 'the search ended soon after its 6 s');
  const { rows } = await db.pool.query<{ late: number; total: number }>(
    `SELECT count(*) FILTER (WHERE c.created_at > s.created_at + interval '6 seconds')::int AS late, count(*)::int AS total
     FROM children c JOIN searches s ON s.id = c.search_id WHERE c.search_id = $1`, [searchId]);
  assert.equal(rows[0]!.late, 0, 'no child was sampled after budget.maxMinutes');
  assert.equal(rows[0]!.total, childrenDone);
});
