// Applies the numbered, forward-only migrations in migrations/ once each, recorded in
// schema_migrations. Safe to run from several processes at once (advisory lock).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Db, withTransaction } from './db';

export const MIGRATIONS_DIR = join(__dirname, '..', '..', 'migrations');
const LOCK_KEY = 7_242_026; // any constant shared by every process of this project

export async function migrate(pool: Db, dir = MIGRATIONS_DIR): Promise<string[]> {
  const files = readdirSync(dir).filter((f) => /^\d+_.+\.sql$/.test(f)).sort();
  return withTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const done = new Set((await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version));
    const applied: string[] = [];
    for (const file of files) {
      const version = Number.parseInt(file, 10);
      if (done.has(version)) continue;
      await client.query(readFileSync(join(dir, file), 'utf8'));
      await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [version, file]);
      applied.push(file);
    }
    return applied;
  });
}
