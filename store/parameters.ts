// The parameter server: pull every shard (recording versions), and apply a gradient to each
// shard's slice with Adam in one transaction that also records the update exactly once.
import type { PoolClient } from 'pg';
import { NotFoundError, StaleParametersError } from '../errors';
import { adamStep, type AdamOptions } from '../reinforce/adam';
import { type Db, fromBytes, toBytes } from './db';

export interface ParameterSnapshot {
  params: Float32Array;
  /** Each shard's version, in shard order. */
  versions: number[];
}

interface ShardRow { shard: number; start_index: number; size: number; version: string; params: Buffer; adam_m: Buffer; adam_v: Buffer; adam_step: number }

/** All shards in one statement: a consistent view of what had committed when it ran. */
export async function pullParameters(db: Db | PoolClient, searchId: string): Promise<ParameterSnapshot> {
  const { rows } = await db.query<ShardRow>(
    'SELECT shard, start_index, size, version, params FROM parameter_shards WHERE search_id = $1 ORDER BY shard',
    [searchId],
  );
  if (rows.length === 0) throw new NotFoundError(`search "${searchId}" has no controller parameters`);
  return assemble(rows);
}

function assemble(rows: Pick<ShardRow, 'start_index' | 'size' | 'version' | 'params'>[]): ParameterSnapshot {
  const total = rows.reduce((n, r) => n + r.size, 0);
  const params = new Float32Array(total);
  for (const row of rows) params.set(fromBytes(row.params), row.start_index);
  return { params, versions: rows.map((r) => Number(r.version)) };
}

/**
 * Applies `gradient` to every shard inside the caller's transaction: each shard row is locked,
 * its slice stepped with Adam, and written back only if its version is still the one read
 * (compare-and-set). Returns the versions after the update.
 */
export async function applyGradient(client: PoolClient, searchId: string, gradient: Float32Array, adam: AdamOptions): Promise<{ before: number[]; after: number[] }> {
  const { rows } = await client.query<ShardRow>(
    `SELECT shard, start_index, size, version, params, adam_m, adam_v, adam_step
     FROM parameter_shards WHERE search_id = $1 ORDER BY shard FOR UPDATE`,
    [searchId],
  );
  if (rows.length === 0) throw new NotFoundError(`search "${searchId}" has no controller parameters`);
  const before: number[] = [];
  const after: number[] = [];
  for (const row of rows) {
    const slice = gradient.subarray(row.start_index, row.start_index + row.size);
    const stepped = adamStep(fromBytes(row.params), slice, { m: fromBytes(row.adam_m), v: fromBytes(row.adam_v), step: row.adam_step }, adam);
    const result = await client.query(
      `UPDATE parameter_shards SET params = $4, adam_m = $5, adam_v = $6, adam_step = $7, version = version + 1, updated_at = now()
       WHERE search_id = $1 AND shard = $2 AND version = $3`,
      [searchId, row.shard, row.version, toBytes(stepped.params), toBytes(stepped.slots.m), toBytes(stepped.slots.v), stepped.slots.step],
    );
    if (result.rowCount !== 1) throw new StaleParametersError(`shard ${row.shard} of "${searchId}" moved past version ${row.version}`);
    before.push(Number(row.version));
    after.push(Number(row.version) + 1);
  }
  return { before, after };
}

export async function saveSnapshot(client: PoolClient, searchId: string, replica: number, iteration: number, snapshot: ParameterSnapshot): Promise<void> {
  await client.query(
    `INSERT INTO parameter_snapshots (search_id, replica, iteration, versions, params) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT DO NOTHING`,
    [searchId, replica, iteration, snapshot.versions, toBytes(snapshot.params)],
  );
}

export async function loadSnapshot(db: Db | PoolClient, searchId: string, replica: number, iteration: number): Promise<ParameterSnapshot | undefined> {
  const { rows } = await db.query<{ versions: string[]; params: Buffer }>(
    'SELECT versions, params FROM parameter_snapshots WHERE search_id = $1 AND replica = $2 AND iteration = $3',
    [searchId, replica, iteration],
  );
  const row = rows[0];
  return row && { params: fromBytes(row.params), versions: row.versions.map(Number) };
}

export async function deleteSnapshot(client: PoolClient, searchId: string, replica: number, iteration: number): Promise<void> {
  await client.query('DELETE FROM parameter_snapshots WHERE search_id = $1 AND replica = $2 AND iteration = $3', [searchId, replica, iteration]);
}

export async function readBaseline(db: Db | PoolClient, searchId: string, replica: number, lock = false): Promise<number | null> {
  const { rows } = await db.query<{ value: number | null }>(
    `SELECT value FROM baselines WHERE search_id = $1 AND replica = $2${lock ? ' FOR UPDATE' : ''}`,
    [searchId, replica],
  );
  if (!rows[0]) throw new NotFoundError(`search "${searchId}" has no baseline for replica ${replica}`);
  return rows[0].value;
}

export async function writeBaseline(client: PoolClient, searchId: string, replica: number, value: number, rewards: number): Promise<void> {
  await client.query(
    'UPDATE baselines SET value = $3, rewards_seen = rewards_seen + $4 WHERE search_id = $1 AND replica = $2',
    [searchId, replica, value, rewards],
  );
}
