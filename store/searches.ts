// Searches and their initial controller state: creating a search writes the search row, the
// parameter shards (initial parameters, empty Adam slots) and the baseline in one transaction.
import type { PoolClient } from 'pg';
import { parseSearchConfig } from '../config/parse';
import type { SearchConfig } from '../config/search-config';
import { InvalidConfigError, NotFoundError } from '../errors';
import { emptySlots } from '../reinforce/adam';
import { type Db, toBytes, withTransaction } from './db';

export type SearchStatus = 'running' | 'paused' | 'stopped' | 'completed' | 'failed' | ClosedStatus;
/** Statuses set from outside the workflow, when it closed without running code (migration 007). */
export type ClosedStatus = 'terminated' | 'canceled' | 'timed_out';

const FINISHED: ReadonlySet<SearchStatus> = new Set(['completed', 'stopped', 'failed', 'terminated', 'canceled', 'timed_out']);

export interface SearchRow {
  id: string;
  spaceKind: string;
  config: SearchConfig;
  status: SearchStatus;
  createdAt: Date;
}

/** Contiguous, near-equal slices of a vector of `size` values over `shards` shards. */
export function shardRanges(size: number, shards: number): { start: number; size: number }[] {
  const count = Math.max(1, Math.min(shards, size));
  return Array.from({ length: count }, (_, s) => {
    const start = Math.floor((s * size) / count);
    return { start, size: Math.floor(((s + 1) * size) / count) - start };
  });
}

/**
 * Creates the search if it does not exist (idempotent). An existing search with another config is
 * an error rather than a silent reuse, so a typo'd id cannot continue someone else's search.
 * `workflowId` is the workflow that runs it now (recorded again when the search is started again).
 */
export async function createSearch(pool: Db, id: string, config: SearchConfig, initial: Float32Array, shards: number, replicas: number, workflowId?: string): Promise<{ created: boolean }> {
  return withTransaction(pool, async (client) => {
    const inserted = await client.query(
      `INSERT INTO searches (id, space_kind, config, workflow_id) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING`,
      [id, config.space.kind, JSON.stringify(config), workflowId ?? null],
    );
    if (inserted.rowCount === 0) {
      // Compared after parsing both: a search stored before a config section with defaults was
      // added (say, `distributed`) is still the same search when started again with the same input.
      const { rows } = await client.query<{ config: unknown }>('SELECT config FROM searches WHERE id = $1', [id]);
      const stored = (() => { try { return parseSearchConfig(rows[0]?.config); } catch { return undefined; } })();
      if (!stored || canonical(stored) !== canonical(config)) throw new InvalidConfigError(`search "${id}" already exists with a different config; choose another search id`);
      if (workflowId) await client.query('UPDATE searches SET workflow_id = $2 WHERE id = $1', [id, workflowId]);
      return { created: false };
    }
    await insertShards(client, id, initial, shards);
    for (let replica = 0; replica < replicas; replica++) {
      await client.query('INSERT INTO baselines (search_id, replica) VALUES ($1, $2)', [id, replica]);
    }
    return { created: true };
  });
}

/** JSON with object keys sorted: equal configs give equal strings whatever their key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b))) : v);
}

async function insertShards(client: PoolClient, id: string, initial: Float32Array, shards: number): Promise<void> {
  for (const [shard, range] of shardRanges(initial.length, shards).entries()) {
    const slots = emptySlots(range.size);
    await client.query(
      `INSERT INTO parameter_shards (search_id, shard, start_index, size, params, adam_m, adam_v)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [id, shard, range.start, range.size, toBytes(initial.subarray(range.start, range.start + range.size)), toBytes(slots.m), toBytes(slots.v)],
    );
  }
}

export async function getSearch(pool: Db, id: string): Promise<SearchRow> {
  const { rows } = await pool.query('SELECT id, space_kind, config, status, created_at FROM searches WHERE id = $1', [id]);
  const row = rows[0];
  if (!row) throw new NotFoundError(`no search with id "${id}"`);
  return { id: row.id, spaceKind: row.space_kind, config: row.config, status: row.status, createdAt: row.created_at };
}

export async function setSearchStatus(pool: Db, id: string, status: SearchStatus): Promise<void> {
  const finished = FINISHED.has(status);
  await pool.query(
    `UPDATE searches SET status = $2, updated_at = now(), finished_at = CASE WHEN $3 THEN now() ELSE NULL END WHERE id = $1`,
    [id, status, finished],
  );
}

/** Minutes since the search was created, by PostgreSQL's clock (one clock for every worker): budget.maxMinutes reads it. */
export async function searchAgeMinutes(db: Db | PoolClient, id: string): Promise<number> {
  const { rows } = await db.query<{ minutes: number }>('SELECT extract(epoch FROM now() - created_at)::float8 / 60 AS minutes FROM searches WHERE id = $1', [id]);
  if (!rows[0]) throw new NotFoundError(`no search with id "${id}"`);
  return rows[0].minutes;
}

/** Serializes claims on a search's child budget: held until the caller's transaction ends. */
export async function lockSearch(client: PoolClient, id: string): Promise<void> {
  const { rowCount } = await client.query('SELECT 1 FROM searches WHERE id = $1 FOR UPDATE', [id]);
  if (rowCount !== 1) throw new NotFoundError(`no search with id "${id}"`);
}
