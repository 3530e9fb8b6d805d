// The real servers tests run against: the embedded dev PostgreSQL and Temporal dev server of this
// checkout (started if not running, reused if they are), or NAS_TEST_DATABASE_URL /
// NAS_TEST_TEMPORAL_ADDRESS when given. Each test gets its own database; nothing is mocked.
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { loadRuntimeConfig, type RuntimeConfig } from '../../config/runtime';
import { ensureDevServers } from '../../dev';
import { createPool, type Db } from '../../store/db';
import { migrate } from '../../store/migrate';

export interface TestServers {
  /** URL of a server-wide admin database (to create per-test databases in). */
  adminUrl: string;
  temporalAddress: string;
  runtime: RuntimeConfig;
}

let servers: Promise<TestServers> | undefined;

export function testServers(): Promise<TestServers> {
  servers ??= (async () => {
    const runtime = loadRuntimeConfig();
    const given = { db: process.env.NAS_TEST_DATABASE_URL, temporal: process.env.NAS_TEST_TEMPORAL_ADDRESS };
    if (given.db && given.temporal) return { adminUrl: given.db, temporalAddress: given.temporal, runtime };
    const dev = await ensureDevServers(runtime);
    return { adminUrl: given.db ?? dev.databaseUrl, temporalAddress: given.temporal ?? dev.temporalAddress, runtime };
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
