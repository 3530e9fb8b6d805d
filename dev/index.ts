// Both dev servers at once, for `nas dev up` / `nas dev down` and for tests: PostgreSQL and Temporal,
// each started only when the runtime config says nobody else runs it. Not a process supervisor.
import type { RuntimeConfig } from '../config/runtime';
import { ensurePostgres, stopPostgres } from './postgres';
import { ensureTemporal, stopTemporal, type EnsureOptions } from './temporal';

export { ensurePostgres, stopPostgres, postgresPaths, postgresUrl } from './postgres';
export { passwordFile } from './postgres-password';
export { ensureTemporal, stopTemporal, temporalPaths, NAS_SEARCH_ATTRIBUTES } from './temporal';

export type DevServers = { databaseUrl: string; temporalAddress: string };

/** `adopt: false` (tests): a Temporal server this NAS_HOME did not start is an error; PostgreSQL never adopts one. */
export async function ensureDevServers(runtime: RuntimeConfig, options: EnsureOptions = {}): Promise<DevServers> {
  const [databaseUrl, temporalAddress] = await Promise.all([ensurePostgres(runtime), ensureTemporal(runtime, 60_000, options)]);
  return { databaseUrl, temporalAddress };
}

/** Stops what this NAS_HOME started; servers given by DATABASE_URL / TEMPORAL_ADDRESS are left alone. */
export async function stopDevServers(runtime: RuntimeConfig): Promise<void> {
  await Promise.all([stopPostgres(runtime), stopTemporal(runtime)]);
}
