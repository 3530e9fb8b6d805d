// withTransaction when PostgreSQL goes away under it, against a real server: the backend of an open
// transaction is killed with pg_terminate_backend, as a restart or an operator would. The process must
// stay up, the call fail with the retryable DatabaseUnavailableError, and the pool serve the next one.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { PoolClient } from 'pg';
import { DatabaseUnavailableError, NON_RETRYABLE_ERROR_TYPES } from '../../errors';
import { withTransaction } from '../../store/db';
import { eventually } from '../support/eventually';
import { createTestDatabase, type TestDatabase } from '../support/servers';

let db: TestDatabase;
/** Uncaught exceptions while the test runs: an unheard client 'error' is one, and would end a worker. */
const uncaught: unknown[] = [];
const record = (err: unknown) => { uncaught.push(err); };
before(async () => {
  db = await createTestDatabase('txn');
  process.on('uncaughtException', record);
});
after(async () => {
  process.removeListener('uncaughtException', record);
  await db?.drop();
});

async function backendPid(client: PoolClient): Promise<number> {
  return (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
}

/** Kills the backend from another connection once it shows up in pg_stat_activity in `state`. */
async function terminateWhen(pid: () => number | undefined, state: string): Promise<void> {
  await eventually(async () => {
    const target = pid();
    if (target === undefined) return false;
    const { rowCount } = await db.pool.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND state = $2', [target, state]);
    return rowCount === 1;
  }, 10_000, `backend in state "${state}"`);
  const { rows } = await db.pool.query<{ done: boolean }>('SELECT pg_terminate_backend($1) AS done', [pid()]);
  assert.equal(rows[0]!.done, true);
}

/** Time for the socket's end to arrive: an unheard 'error' would surface by then. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

async function assertPoolServesNext(killed: number): Promise<void> {
  const next = await withTransaction(db.pool, async (client) => {
    await client.query('CREATE TEMP TABLE t (x int) ON COMMIT DROP');
    await client.query('INSERT INTO t VALUES (1)');
    return backendPid(client);
  });
  assert.notEqual(next, killed, 'the broken client is not handed out again');
  assert.deepEqual(uncaught, []);
}

test('a transaction whose backend is killed while its work waits rejects with DatabaseUnavailableError; the process and the pool live on', async () => {
  let pid: number | undefined;
  let resume!: () => void;
  const resumed = new Promise<void>((resolve) => { resume = resolve; });
  const call = withTransaction(db.pool, async (client) => {
    pid = await backendPid(client);
    await resumed; // the work computes outside PostgreSQL (a controller pass, say) while the server goes away
    await client.query('SELECT 1');
  });
  call.catch(() => undefined);
  await terminateWhen(() => pid, 'idle in transaction');
  await settle();
  resume();
  await assert.rejects(call, (err: Error) => err instanceof DatabaseUnavailableError && /terminat/i.test(err.message));
  assert.ok(!NON_RETRYABLE_ERROR_TYPES.includes('DatabaseUnavailableError'), 'an activity retries it');
  await settle();
  await assertPoolServesNext(pid!);
});

test('a transaction whose backend is killed in the middle of a query rejects with DatabaseUnavailableError; the process and the pool live on', async () => {
  let pid: number | undefined;
  const call = withTransaction(db.pool, async (client) => {
    pid = await backendPid(client);
    await client.query('SELECT pg_sleep(30)');
  });
  call.catch(() => undefined);
  await terminateWhen(() => pid, 'active');
  await assert.rejects(call, DatabaseUnavailableError);
  await settle();
  await assertPoolServesNext(pid!);
});

test('an error in the work still rolls back and reuses the client', async () => {
  await db.pool.query('CREATE TABLE IF NOT EXISTS rolled (x int)');
  await assert.rejects(withTransaction(db.pool, async (client) => {
    await client.query('INSERT INTO rolled VALUES (1)');
    throw new Error('changed my mind');
  }), /changed my mind/);
  assert.equal((await db.pool.query('SELECT count(*)::int AS n FROM rolled')).rows[0].n, 0);
  assert.deepEqual(uncaught, []);
});
