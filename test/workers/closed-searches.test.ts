// Searches closed from outside their workflow, against the real Temporal dev server and PostgreSQL:
// terminate (no workflow code runs), cancel and an execution timeout each leave the row 'running'
// until the controller worker's sweep or a CLI read closes it; a running search is left alone.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import type { nasSearch } from '../../workflows';
import { reconcileBeforeRead, startClosedSearchSweep } from '../../workers/closed-searches';
import { eventually } from '../support/eventually';
import { startSearchWorkers, type SearchWorkers } from '../support/in-process-workers';
import { searchStatusRow } from '../support/search-rows';
import { createTestDatabase, testServers, type TestDatabase, uniqueId } from '../support/servers';
import { tinySearchConfig } from '../support/tiny-search';

let db: TestDatabase;
let workers: SearchWorkers;
const started: WorkflowHandle[] = [];
before(async () => {
  db = await createTestDatabase('closed');
  workers = await startSearchWorkers(db.pool);
});
after(async () => {
  // Whatever a failed assertion left running stops here, replicas too.
  for (const handle of started) {
    for (const id of [handle.workflowId, `${handle.workflowId}/replica-0`]) await workers.client.workflow.getHandle(id).terminate('test over').catch(() => undefined);
  }
  await workers?.stop();
  await db?.drop();
});

interface Started { handle: WorkflowHandle<typeof nasSearch>; searchId: string }

/**
 * A search long enough to outlive the test unless closed (40 iterations of tiny children). With
 * `searchId` its row is not named after its workflow: the row must record which workflow runs it.
 */
async function startLongSearch(prefix: string, options: { executionTimeout?: '8s'; searchId?: string } = {}): Promise<Started> {
  const handle = await workers.client.workflow.start<typeof nasSearch>('nasSearch', {
    taskQueue: workers.controllerQueue,
    workflowId: uniqueId(prefix),
    args: [{ searchId: options.searchId, config: tinySearchConfig({ trainingTaskQueue: workers.trainingQueue, iterations: 40 }) }],
    workflowExecutionTimeout: options.executionTimeout ?? '5m',
  });
  started.push(handle);
  return { handle, searchId: options.searchId ?? handle.workflowId };
}

/** Running in SQL (its startSearch ran) with its replica started. */
async function whenRunning({ handle, searchId }: Started): Promise<void> {
  await eventually(async () => await searchStatusRow(db.pool, searchId) === 'running', 60_000, `${searchId} running in SQL`);
  await eventually(async () => {
    const replica = await workers.client.workflow.getHandle(`${handle.workflowId}/replica-0`).describe().catch(() => undefined);
    return replica?.status.name === 'RUNNING';
  }, 60_000, `${handle.workflowId}/replica-0 running`);
}

async function temporalStatus(workflowId: string): Promise<string> {
  return (await workers.client.workflow.getHandle(workflowId).describe()).status.name;
}

async function ownClient(): Promise<Client> {
  const { temporalAddress, namespace } = await testServers();
  return new Client({ connection: await Connection.connect({ address: temporalAddress }), namespace });
}

test("the controller worker's sweep closes a terminated search's row (and its replica) within seconds; a running search is left alone", async () => {
  const terminated = await startLongSearch('terminated', { searchId: uniqueId('row-of-terminated') });
  const running = await startLongSearch('running');
  await Promise.all([whenRunning(terminated), whenRunning(running)]);
  await terminated.handle.terminate('operator pressed terminate');
  // No workflow code ran: the row still says running, and would forever without the sweep.
  assert.equal(await searchStatusRow(db.pool, terminated.searchId), 'running');

  const logged: string[] = [];
  const sweep = startClosedSearchSweep(db.pool, ownClient, { everyMs: 500, batch: 1, log: { info: (m) => logged.push(m), warn: (m) => logged.push(`warn: ${m}`) } });
  try {
    await eventually(async () => await searchStatusRow(db.pool, terminated.searchId) === 'terminated', 15_000, 'the terminated search closed in SQL');
  } finally {
    await sweep.stop();
  }
  const row = await db.pool.query('SELECT finished_at FROM searches WHERE id = $1', [terminated.searchId]);
  assert.ok(row.rows[0].finished_at instanceof Date, 'finished_at is set');
  assert.equal(await temporalStatus(`${terminated.handle.workflowId}/replica-0`), 'TERMINATED', 'its abandoned replica is terminated with it');
  assert.ok(logged.some((m) => m.includes(terminated.searchId) && m.includes('terminated')), logged.join('\n'));
  assert.ok(!logged.some((m) => m.startsWith('warn:')), logged.join('\n'));

  assert.equal(await searchStatusRow(db.pool, running.searchId), 'running');
  assert.equal(await temporalStatus(running.handle.workflowId), 'RUNNING');
  assert.equal(await temporalStatus(`${running.handle.workflowId}/replica-0`), 'RUNNING');
});

test('a CLI read closes the row of a cancelled search and of one that timed out before reading', async () => {
  const cancelled = await startLongSearch('cancelled');
  const timedOut = await startLongSearch('timedout', { executionTimeout: '8s' });
  await Promise.all([whenRunning(cancelled), whenRunning(timedOut)]);
  await cancelled.handle.cancel();
  await eventually(async () => await temporalStatus(cancelled.searchId) === 'CANCELLED', 30_000, 'the search cancelled');
  await eventually(async () => await temporalStatus(timedOut.searchId) === 'TIMED_OUT', 30_000, 'the search timed out');
  assert.equal(await searchStatusRow(db.pool, cancelled.searchId), 'running');
  assert.equal(await searchStatusRow(db.pool, timedOut.searchId), 'running');

  const warnings: string[] = [];
  await reconcileBeforeRead(db.pool, ownClient, [cancelled.searchId, timedOut.searchId], (m) => warnings.push(m));
  assert.deepEqual(warnings, []);
  assert.equal(await searchStatusRow(db.pool, cancelled.searchId), 'canceled');
  assert.equal(await searchStatusRow(db.pool, timedOut.searchId), 'timed_out');
});

test('a CLI read with Temporal unreachable still reads: a warning, the row untouched', async () => {
  const id = uniqueId('orphan');
  await db.pool.query(`INSERT INTO searches (id, space_kind, config) VALUES ($1, 'cnn', '{}')`, [id]);
  const warnings: string[] = [];
  await reconcileBeforeRead(db.pool, async () => { throw new Error('Temporal is unavailable'); }, [id], (m) => warnings.push(m));
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /Temporal is unavailable/);
  // A row Temporal has never heard of (another namespace, past retention) is not ours to judge.
  await reconcileBeforeRead(db.pool, ownClient, [id], (m) => warnings.push(m));
  assert.equal(warnings.length, 1);
  assert.equal(await searchStatusRow(db.pool, id), 'running');
});
