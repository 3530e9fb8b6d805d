// A controller activity whose transaction loses its PostgreSQL backend, through the real Temporal dev
// server and in-process workers: the worker stays up, Temporal retries the activity, and its effect
// lands exactly once. The transaction helper itself is test/store/transaction.test.ts.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { nasSearch } from '../../workflows';
import { createControllerActivities } from '../../activities';
import { eventually } from '../support/eventually';
import { startSearchWorkers, type SearchWorkers } from '../support/in-process-workers';
import { baselineRecord, searchStatusRow, shardRecords, updateRecords } from '../support/search-rows';
import { createTestDatabase, type TestDatabase, uniqueId } from '../support/servers';
import { tinySearchConfig } from '../support/tiny-search';

let db: TestDatabase;
let workers: SearchWorkers;
const uncaught: unknown[] = [];
const record = (err: unknown) => { uncaught.push(err); };
before(async () => {
  db = await createTestDatabase('dbloss');
  workers = await startSearchWorkers(db.pool);
  process.on('uncaughtException', record);
});
after(async () => {
  process.removeListener('uncaughtException', record);
  await workers?.stop();
  await db?.drop();
});

test('applyReinforceUpdate whose transaction is terminated is retried by Temporal and applied once; the worker stays up', async () => {
  const searchId = uniqueId('dbloss');
  const config = tinySearchConfig({ trainingTaskQueue: workers.trainingQueue, iterations: 1, heartbeatSeconds: 5 });
  // The search's rows exist before the workflow starts (its startSearch is then a no-op), so the
  // update's last transaction can be made to wait on a row lock we hold: a moment we can kill it in.
  await createControllerActivities({ pool: db.pool }).startSearch({ searchId, config });
  const locker = await db.pool.connect();
  locker.on('error', () => undefined);
  try {
    await locker.query('BEGIN');
    await locker.query('SELECT 1 FROM baselines WHERE search_id = $1 AND replica = 0 FOR UPDATE', [searchId]);
    const handle = await workers.client.workflow.start<typeof nasSearch>('nasSearch', {
      taskQueue: workers.controllerQueue, workflowId: searchId, args: [{ config }], workflowExecutionTimeout: '3m',
    });
    const pid = await eventually(async () => {
      const { rows } = await db.pool.query<{ pid: number }>(
        `SELECT pid FROM pg_stat_activity
         WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'UPDATE baselines%'`,
      );
      return rows[0]?.pid;
    }, 90_000, "the update's transaction waiting on the baseline row");
    await db.pool.query('SELECT pg_terminate_backend($1)', [pid]);
    await locker.query('COMMIT');

    const result = await Promise.race([handle.result(), workers.failed]);
    assert.equal(result.status, 'completed');
    assert.equal(result.childrenDone, 2);
  } finally {
    locker.release();
  }
  assert.deepEqual(uncaught, [], 'no unheard client error reached the process');

  // Temporal retried the activity: its one completed attempt is the second.
  const history = await workers.client.workflow.getHandle(`${searchId}/replica-0`).fetchHistory();
  const scheduled = history.events!.find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'applyReinforceUpdate');
  assert.ok(scheduled, 'applyReinforceUpdate was scheduled');
  const started = history.events!.find((e) => e.activityTaskStartedEventAttributes && String(e.activityTaskStartedEventAttributes.scheduledEventId) === String(scheduled.eventId));
  assert.ok(started!.activityTaskStartedEventAttributes!.attempt! >= 2, `attempt ${started!.activityTaskStartedEventAttributes!.attempt}`);
  assert.match(started!.activityTaskStartedEventAttributes!.lastFailure?.message ?? '', /PostgreSQL is unavailable/);

  // Applied exactly once: one update row, each shard stepped once, the baseline saw the 2 rewards once.
  assert.deepEqual((await updateRecords(db.pool, searchId)).map((u) => [u.iteration, u.childrenCount, u.parameterVersionsAfter]), [[0, 2, [1]]]);
  for (const shard of await shardRecords(db.pool, searchId)) assert.equal(shard.version, 1, `shard ${shard.shard}`);
  assert.equal((await baselineRecord(db.pool, searchId)).rewardsSeen, 2);
  assert.equal(await searchStatusRow(db.pool, searchId), 'completed');
});
