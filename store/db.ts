// The one connection pool, the transaction helper, and the mapping from PostgreSQL failures to our
// errors. Every query in the project lives in this folder and uses $n parameters only.
import { Pool, type PoolClient, DatabaseError } from 'pg';
import { DatabaseUnavailableError, NasError } from '../errors';

export type Db = Pool;

export function createPool(url: string, max = 4): Db {
  const pool = new Pool({ connectionString: url, max, connectionTimeoutMillis: 10_000 });
  // An idle client losing its server (restart, kill -9) must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  return pool;
}

/**
 * Runs `work` in one transaction on one client, released in `finally`; rolls back on any error.
 * While we hold the client, pg-pool does not listen for its 'error' (it does only for idle clients),
 * and pg emits one when the server goes away (restart, pg_terminate_backend): unheard, that event
 * kills the process. We hear it, fail the transaction with the retryable DatabaseUnavailableError,
 * and hand the broken client back with the error so the pool destroys it instead of reusing it.
 */
export async function withTransaction<T>(pool: Db, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await checkout(pool);
  let lost: Error | undefined;
  const onError = (err: Error) => { lost ??= err; };
  client.on('error', onError);
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    // Once the connection is lost, later queries fail with "not queryable": the loss is the cause.
    const mapped = mapDbError(lost ?? err);
    if (lost || mapped instanceof DatabaseUnavailableError) broken = mapped as Error;
    // A dead connection has no transaction left to roll back (the server aborted it).
    else await client.query('ROLLBACK').catch(() => undefined);
    throw mapped;
  } finally {
    // release(err) removes the client from the pool; the pool's own listener is back before the removal.
    client.release(lost ?? broken);
    client.removeListener('error', onError);
  }
}

/** A client of the pool; only withTransaction holds one (it listens for the client's 'error'). */
async function checkout(pool: Db): Promise<PoolClient> {
  try {
    return await pool.connect();
  } catch (err) {
    throw mapDbError(err);
  }
}

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', '57P01', '57P03', '28P01', '3D000']);

/** PostgreSQL error codes that mean "another writer got there first". */
export const UNIQUE_VIOLATION = '23505';

export function mapDbError(err: unknown): unknown {
  if (err instanceof NasError) return err;
  const code = (err as { code?: string }).code;
  if (code && CONNECTION_CODES.has(code)) {
    return new DatabaseUnavailableError(`PostgreSQL is unavailable (${code}): ${(err as Error).message}`);
  }
  if (err instanceof Error && /Connection terminated|not queryable|timeout exceeded when trying to connect/i.test(err.message)) {
    return new DatabaseUnavailableError(`PostgreSQL is unavailable: ${err.message}`);
  }
  return err;
}

export function isUniqueViolation(err: unknown): boolean {
  return err instanceof DatabaseError && err.code === UNIQUE_VIOLATION;
}

/** Float32 vectors are stored as little-endian bytea. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export function toBytes(values: Float32Array): Buffer {
  if (LITTLE_ENDIAN) return Buffer.from(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength));
  const out = Buffer.alloc(values.length * 4);
  for (let i = 0; i < values.length; i++) out.writeFloatLE(values[i]!, i * 4);
  return out;
}

export function fromBytes(bytes: Buffer): Float32Array {
  if (LITTLE_ENDIAN) return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  const out = new Float32Array(bytes.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = bytes.readFloatLE(i * 4);
  return out;
}
