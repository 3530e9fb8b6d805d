// The real servers tests run against: the suite's own embedded PostgreSQL and Temporal dev server
// (test-runtime.ts: their own home, ports and namespace; started if not running, reused if they are
// ours, an error if something else holds the port), or NAS_TEST_DATABASE_URL / NAS_TEST_TEMPORAL_ADDRESS
// (+ NAS_TEST_TEMPORAL_NAMESPACE, default `default`) when given. Each test gets its own database; nothing is mocked.
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import type { RuntimeConfig } from '../../config/runtime';
import { ensurePostgres } from '../../dev/postgres';
import { ensureTemporal } from '../../dev/temporal';
import { createPool, type Db } from '../../store/db';
import { migrate } from '../../store/migrate';
import { testRuntime } from './test-runtime';

export interface TestServers {
  /** URL of a server-wide admin database (to create per-test databases in). */
  adminUrl: string;
  temporalAddress: string;
  /** The namespace every test client and worker uses. */
  namespace: string;
  /** The suite's own runtime (test-runtime.ts), whether or not given servers replace its servers. */
  runtime: RuntimeConfig;
}

let servers: Promise<TestServers> | undefined;

export function testServers(): Promise<TestServers> {
  servers ??= (async () => {
    const runtime = testRuntime();
    const given = { db: process.env.NAS_TEST_DATABASE_URL || undefined, temporal: process.env.NAS_TEST_TEMPORAL_ADDRESS || undefined };
    const [adminUrl, temporalAddress] = await Promise.all([
      given.db ?? ensurePostgres(runtime), // never adopts: it runs the server of its own data folder
      given.temporal ?? ensureTemporal(runtime, 60_000, { adopt: false }),
    ]);
    const namespace = given.temporal ? process.env.NAS_TEST_TEMPORAL_NAMESPACE || 'default' : runtime.temporal.namespace;
    return { adminUrl, temporalAddress, namespace, runtime };
  })();
  return servers;
}

export interface TestDatabase {
  url: string;
  pool: Db;
  drop: () => Promise<void>;
}

/** A fresh, migrated database of its own for one test file. */
export async function createTestDatabase(prefix = 'test'): Promise<TestDatabase> {
  const { adminUrl } = await testServers();
  const name = `nas_${prefix}_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const pool = createPool(url.toString());
  await migrate(pool);
  return {
    url: url.toString(),
    pool,
    drop: async () => {
      await pool.end();
      const c = new Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export function uniqueId(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}
