// The SQL half of closing searches whose workflow ended from outside, against a real PostgreSQL:
// open rows are paged by id (a sweep reaches all of them), the recorded workflow id is read back, and
// the close is a compare-and-set that loses to a search started again meanwhile. No Temporal here.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { parseSearchConfig } from '../../config/parse';
import { closeOpenSearch, openSearches } from '../../store/open-searches';
import { createSearch, getSearch, setSearchStatus } from '../../store/searches';
import { createTestDatabase, type TestDatabase } from '../support/servers';

let db: TestDatabase;
before(async () => { db = await createTestDatabase('open'); });
after(async () => { await db?.drop(); });

const config = parseSearchConfig({});
const initial = new Float32Array(4);

test('open searches are paged by id, with the workflow that runs them; closed ones are not listed', async () => {
  for (const id of ['a', 'b', 'c', 'd']) await createSearch(db.pool, id, config, initial, 1, 1, id === 'b' ? 'wf-of-b' : undefined);
  await setSearchStatus(db.pool, 'c', 'completed');
  await setSearchStatus(db.pool, 'd', 'paused');
  const first = await openSearches(db.pool, { limit: 2 });
  assert.deepEqual(first.map((s) => [s.id, s.workflowId, s.status]), [['a', 'a', 'running'], ['b', 'wf-of-b', 'running']]);
  const second = await openSearches(db.pool, { after: 'b', limit: 2 });
  assert.deepEqual(second.map((s) => s.id), ['d']);
  assert.deepEqual((await openSearches(db.pool, { limit: 10, ids: ['c', 'd', 'zz'] })).map((s) => s.id), ['d']);
  // Started again by another workflow: the row follows it.
  await createSearch(db.pool, 'a', config, initial, 1, 1, 'wf-2-of-a');
  assert.equal((await openSearches(db.pool, { limit: 1 }))[0]!.workflowId, 'wf-2-of-a');
});

test('closing is a compare-and-set: a row changed since it was read stays as it is', async () => {
  await createSearch(db.pool, 'e', config, initial, 1, 1);
  const [read] = await openSearches(db.pool, { limit: 1, ids: ['e'] });
  await setSearchStatus(db.pool, 'e', 'running'); // started again meanwhile (startSearch writes running)
  assert.equal(await closeOpenSearch(db.pool, read!, 'terminated'), false);
  assert.equal((await getSearch(db.pool, 'e')).status, 'running');

  const [again] = await openSearches(db.pool, { limit: 1, ids: ['e'] });
  assert.equal(await closeOpenSearch(db.pool, again!, 'terminated'), true);
  const { rows } = await db.pool.query('SELECT status, finished_at FROM searches WHERE id = $1', ['e']);
  assert.equal(rows[0].status, 'terminated');
  assert.ok(rows[0].finished_at instanceof Date);
  assert.equal(await closeOpenSearch(db.pool, again!, 'canceled'), false, 'a closed row is not closed again');
});

test('every closed status is a status the table accepts', async () => {
  await createSearch(db.pool, 'f', config, initial, 1, 1);
  for (const status of ['canceled', 'timed_out', 'terminated', 'failed'] as const) {
    await setSearchStatus(db.pool, 'f', status);
    assert.equal((await getSearch(db.pool, 'f')).status, status);
  }
});
