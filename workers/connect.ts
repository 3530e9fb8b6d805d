// Where a worker or the CLI finds Temporal and PostgreSQL, from the runtime config. CLI commands fail
// fast with one clear error; workers wait at start (workers/wait.ts), up to connectWaitSeconds, for a
// server that is still starting or restarting. Starts nothing (dev/ does, for the embedded default).
import { Connection, Client } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { Client as PgClient } from 'pg';
import type { RuntimeConfig } from '../config/runtime';
import { postgresUrl } from '../dev/postgres';
import { temporalConnectionOptions } from '../config/temporal-connection';
import { DatabaseUnavailableError, TemporalUnavailableError } from '../errors';
import { createPool, type Db } from '../store/db';
import { migrate } from '../store/migrate';
import { waitFor } from './wait';

export type Log = (line: string) => void;
const workerLog: Log = (line) => process.stderr.write(`nas worker: ${line}\n`);

export function databaseUrl(runtime: RuntimeConfig): string {
  return runtime.database.mode === 'external' ? runtime.database.url : postgresUrl(runtime.home, runtime.database.port);
}

/** A pool on which the migrations have run; fails fast with DatabaseUnavailableError. */
export async function openDatabase(runtime: RuntimeConfig, max = 4): Promise<Db> {
  const url = databaseUrl(runtime);
  const pool = createPool(url, max);
  try {
    await migrate(pool);
  } catch (err) {
    await pool.end().catch(() => undefined);
    if (err instanceof DatabaseUnavailableError) throw new DatabaseUnavailableError(`${err.message} (database ${redact(url)})`);
    throw err;
  }
  return pool;
}

// Failures of a server that is down, starting or shutting down; a wrong password or database is not one.
// 3D000: `nas dev up` creates the database a moment after the server takes logins.
const DATABASE_NOT_UP = new Set(['3D000', 'ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', '57P01', '57P03']);

/** Waits (postgres.connectWaitSeconds) until PostgreSQL takes a login, then opens the pool as openDatabase does. */
export async function openDatabaseWaiting(runtime: RuntimeConfig, max = 4, log: Log = workerLog): Promise<Db> {
  const url = databaseUrl(runtime);
  const probe = async () => {
    const client = new PgClient({ connectionString: url, connectionTimeoutMillis: 5000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('SELECT 1');
    } finally {
      await client.end().catch(() => undefined);
    }
  };
  const transient = (err: unknown) => DATABASE_NOT_UP.has((err as { code?: string }).code ?? '')
    || /Connection terminated|timeout/i.test((err as Error).message);
  const limit = runtime.database.connectWaitSeconds;
  try {
    await waitFor(probe, { what: `PostgreSQL at ${redact(url)}`, limitSeconds: limit, setting: 'postgres.connectWaitSeconds', transient, log });
  } catch (err) {
    throw new DatabaseUnavailableError(`PostgreSQL is unavailable at ${redact(url)}${transient(err) ? ` after waiting ${limit} s (postgres.connectWaitSeconds)` : ''}: ${(err as Error).message}`);
  }
  return openDatabase(runtime, max);
}

export async function connectClient(runtime: RuntimeConfig): Promise<Client> {
  const options = temporalConnectionOptions(runtime);
  try {
    const connection = await Connection.connect({ ...options, connectTimeout: '5s' });
    return new Client({ connection, namespace: runtime.temporal.namespace });
  } catch (err) {
    throw new TemporalUnavailableError(`Temporal is unavailable at ${runtime.temporal.address}: ${(err as Error).message}`);
  }
}

/** Waits (temporal.connectWaitSeconds) for Temporal, one log line per attempt, then fails with TemporalUnavailableError. */
export async function connectWorker(runtime: RuntimeConfig, log: Log = workerLog): Promise<NativeConnection> {
  const options = temporalConnectionOptions(runtime);
  const { address, connectWaitSeconds: limit } = runtime.temporal;
  try {
    return await waitFor(() => NativeConnection.connect(options), {
      what: `Temporal at ${address}`, limitSeconds: limit, setting: 'temporal.connectWaitSeconds', transient: () => true, log,
    });
  } catch (err) {
    throw new TemporalUnavailableError(`Temporal is unavailable at ${address} after waiting ${limit} s (temporal.connectWaitSeconds): ${(err as Error).message}`);
  }
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}
