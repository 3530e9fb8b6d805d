// A throwaway, migrated database on the dev PostgreSQL for one benchmark run, dropped at the end.
// Not for searches people keep: those live in the default database.
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { type Db, createPool } from '../store/db';
import { migrate } from '../store/migrate';

export async function scratchDatabase(adminUrl: string, poolSize = 4): Promise<{ url: string; pool: Db; drop: () => Promise<void> }> {
  const name = `nas_bench_${randomBytes(4).toString('hex')}`;
  const admin = async (sql: string) => {
    const c = new Client({ connectionString: adminUrl });
    await c.connect();
    try { await c.query(sql); } finally { await c.end(); }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const pool = createPool(url.toString(), poolSize);
  await migrate(pool);
  return { url: url.toString(), pool, drop: async () => { await pool.end(); await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`); } };
}
