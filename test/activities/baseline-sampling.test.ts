// The sampling step of baseline searches and the wall-time budget, against a real PostgreSQL: a search
// begun before baseline_streams goes on replaying as it began, a retry returns the stored batch, and
// once budget.maxMinutes have passed no strategy samples another child; a proposal reads only the last stream
// state and the last P rewarded children (constant cost per iteration).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createControllerActivities } from '../../activities';
import { parseSearchConfig } from '../../config/parse';
import type { SearchConfigInput } from '../../config/search-config';

import { describeArchitecture } from '../../space/architecture';
import { createBaselineStrategy } from '../../strategies/baselines';
import { finishChild, getChild } from '../../store/children';
import { createTestDatabase, type TestDatabase } from '../support/servers';

let db: TestDatabase;
before(async () => { db = await createTestDatabase('baselineacts'); });
after(async () => { await db?.drop(); });

const controller = () => createControllerActivities({ pool: db.pool });

async function reward(searchId: string, iteration: number, childIndex: number, value: number): Promise<void> {
  const key = { searchId, replica: 0, iteration, childIndex };
  const child = await getChild(db.pool, key);
  await finishChild(db.pool, key, child.id, { status: 'succeeded', validationAccuracies: [value], reward: value, paramCount: 1, trainingSeconds: 0, worker: 'test' });
}

test('an NB201 evolution search begun before baseline_streams goes on replaying its history, as it began', async () => {
  const input: SearchConfigInput = {
    seed: 8, strategy: 'evolution', space: { kind: 'nb201' }, data: { source: 'nb201Table', path: 'unused.csv' },
    evolution: { populationSize: 2, sampleSize: 2 }, budget: { childrenPerIteration: 1, maxChildren: 10 },
  };
  const acts = controller();
  await acts.startSearch({ searchId: 'legacy', config: input });
  // Three iterations, then the stream rows dropped: what a search sampled by the old code looks like.
  const rewards = [0.3, 0.7, 0.5];
  for (const [iteration, value] of rewards.entries()) {
    await acts.sampleArchitectures({ searchId: 'legacy', replica: 0, iteration, count: 1 });
    await reward('legacy', iteration, 0, value);
  }
  await db.pool.query('DELETE FROM baseline_streams WHERE search_id = $1', ['legacy']);
  const next = await acts.sampleArchitectures({ searchId: 'legacy', replica: 0, iteration: 3, count: 1 });
  const strategy = createBaselineStrategy(parseSearchConfig(input));
  for (const value of rewards) strategy.observe(strategy.propose().map((arch) => ({ arch, reward: value })));
  assert.deepEqual(next.children.map((c) => c.summary), strategy.propose().map(describeArchitecture));
  const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM baseline_streams WHERE search_id = $1', ['legacy']);
  assert.equal(rows[0].n, 0, 'a legacy search stays on its replay');
});

test('a retried baseline sample returns the stored batch, and the next iteration goes on from the stored stream', async () => {
  const input: SearchConfigInput = {
    seed: 9, strategy: 'random', space: { kind: 'cnn', filterHeights: [1, 3], filterWidths: [1, 3], filters: [2, 4] },
    schedule: { startLayers: 2, addLayers: 0, everyChildren: 100, maxLayers: 2 }, budget: { childrenPerIteration: 3, maxChildren: 9 },
  };
  await controller().startSearch({ searchId: 'retry', config: input });
  const key = { searchId: 'retry', replica: 0, iteration: 0, count: 3 };
  const first = await controller().sampleArchitectures(key);
  const again = await controller().sampleArchitectures(key);
  assert.deepEqual(again, first);
  assert.equal(first.children.length, 3);
  const { rows } = await db.pool.query<{ state: string }>('SELECT state FROM baseline_streams WHERE search_id = $1', ['retry']);
  assert.equal(rows.length, 1, 'one stream row for the one proposal');
  const second = await controller().sampleArchitectures({ ...key, iteration: 1 });
  assert.notDeepEqual(second.children.map((c) => c.summary), first.children.map((c) => c.summary));
});

for (const strategy of ['reinforce', 'random', 'evolution'] as const) {
  test(`${strategy}: once budget.maxMinutes have passed since the search was created, no child is sampled`, async () => {
    const input: SearchConfigInput = {
      seed: 10, strategy, space: { kind: 'cnn', filterHeights: [1, 3], filterWidths: [1, 3], filters: [2, 4] },
      schedule: { startLayers: 2, addLayers: 0, everyChildren: 100, maxLayers: 2 }, budget: { childrenPerIteration: 2, maxChildren: 100, maxMinutes: 5 },
    };
    const searchId = `late-${strategy}`;
    await controller().startSearch({ searchId, config: input });
    const early = await controller().sampleArchitectures({ searchId, replica: 0, iteration: 0, count: 2 });
    assert.ok(early.children.length > 0, 'within the time, children are sampled');
    await db.pool.query("UPDATE searches SET created_at = now() - interval '6 minutes' WHERE id = $1", [searchId]);
    const late = await controller().sampleArchitectures({ searchId, replica: 0, iteration: 1, count: 2 });
    assert.deepEqual(late.children, []);
    const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM children WHERE search_id = $1', [searchId]);
    assert.equal(rows[0].n, early.children.length);
    // The first iteration's batch is still what a retry of it returns.
    assert.deepEqual(await controller().sampleArchitectures({ searchId, replica: 0, iteration: 0, count: 2 }), early);
  });
}


test('an evolution proposal reads only the last stream state and the last P rewarded children, never older history', async () => {
  const input: SearchConfigInput = {
    seed: 11, strategy: 'evolution', space: { kind: 'cnn', filterHeights: [1, 3, 5], filterWidths: [1, 3, 5], filters: [2, 4, 8] },
    schedule: { startLayers: 3, addLayers: 0, everyChildren: 100, maxLayers: 3 }, budget: { childrenPerIteration: 1, maxChildren: 20 },
    evolution: { populationSize: 2, sampleSize: 2 },
  };
  const rewards = [0.2, 0.9, 0.4, 0.6, 0.3];
  const proposalAfterHistory = async (searchId: string, tamper: string[]) => {
    await controller().startSearch({ searchId, config: input });
    for (const [iteration, value] of rewards.entries()) {
      await controller().sampleArchitectures({ searchId, replica: 0, iteration, count: 1 });
      await reward(searchId, iteration, 0, value);
    }
    for (const sql of tamper) await db.pool.query(sql, [searchId]);
    const next = await controller().sampleArchitectures({ searchId, replica: 0, iteration: rewards.length, count: 1 });
    return next.children.map((c) => c.summary);
  };
  const untouched = await proposalAfterHistory('history-a', []);
  // Everything older than the population (the last 2 rewarded children) and the latest stream state, rewritten.
  const older = await proposalAfterHistory('history-b', [
    'UPDATE children SET reward = 1 - reward, best_validation_accuracy = 1 - best_validation_accuracy WHERE search_id = $1 AND iteration < 3',
    'UPDATE baseline_streams SET state = 12345 WHERE search_id = $1 AND iteration < 4',
  ]);
  assert.deepEqual(older, untouched, 'history outside the population and the latest stream state changes nothing');
  // The latest stream state is what the proposal continues from.
  const stream = await proposalAfterHistory('history-c', ['UPDATE baseline_streams SET state = 12345 WHERE search_id = $1 AND iteration = 4']);
  assert.notDeepEqual(stream, untouched, 'the stored stream state drives the proposal');
  // And the population is read: its members (the last two children) are what the proposal mutates.
  const population = await proposalAfterHistory('history-d', [
    'UPDATE children SET tokens = (SELECT tokens FROM children WHERE search_id = $1 AND iteration = 0) WHERE search_id = $1 AND iteration >= 3',
  ]);
  assert.notDeepEqual(population, untouched, 'the population is the parent');
});
