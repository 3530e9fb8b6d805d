// Where a worker or the CLI finds Temporal and PostgreSQL, from the runtime config, with one clear
// error when either cannot be reached. Starts nothing (dev/ does, for the embedded default).
import { Connection, Client } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { RuntimeConfig } from '../config/runtime';
import { postgresUrl } from '../dev/postgres';
import { DatabaseUnavailableError, TemporalUnavailableError } from '../errors';
import { createPool, type Db } from '../store/db';
import { migrate } from '../store/migrate';

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

export async function connectClient(runtime: RuntimeConfig): Promise<Client> {
  try {
    const connection = await Connection.connect({ address: runtime.temporal.address, connectTimeout: '5s' });
    return new Client({ connection, namespace: runtime.temporal.namespace });
  } catch (err) {
    throw new TemporalUnavailableError(`Temporal is unavailable at ${runtime.temporal.address}: ${(err as Error).message}`);
  }
}

export async function connectWorker(runtime: RuntimeConfig): Promise<NativeConnection> {
  try {
    return await NativeConnection.connect({ address: runtime.temporal.address });
  } catch (err) {
    throw new TemporalUnavailableError(`Temporal is unavailable at ${runtime.temporal.address}: ${(err as Error).message}`);
  }
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}
