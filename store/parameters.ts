// The parameter server: pull every shard (recording versions); push a gradient slice to one shard
// (Adam, optionally after G accumulated slices), each shard in its own transaction. Also the
// parameter snapshots a batch was sampled with, and the per-replica baselines.
import type { PoolClient } from 'pg';
import { NotFoundError } from '../errors';
import { adamStep, type AdamOptions } from '../reinforce/adam';
import { type Db, fromBytes, toBytes, withTransaction } from './db';

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

export interface ShardPush {
  searchId: string;
  replica: number;
  iteration: number;
  shard: number;
  /** The shard's version in the snapshot the gradient was computed at. */
  snapshotVersion: number;
  /** The gradient's slice for this shard. */
  gradient: Float32Array;
}

export interface ShardPushResult {
  shard: number;
  versionBefore: number;
  versionAfter: number;
  staleness: number;
  applied: boolean;
}

/** The shards' layout (index ranges), in shard order. */
export async function shardLayout(db: Db | PoolClient, searchId: string): Promise<{ shard: number; start: number; size: number }[]> {
  const { rows } = await db.query<ShardRow>('SELECT shard, start_index, size FROM parameter_shards WHERE search_id = $1 ORDER BY shard', [searchId]);
  if (rows.length === 0) throw new NotFoundError(`search "${searchId}" has no controller parameters`);
  return rows.map((r) => ({ shard: r.shard, start: r.start_index, size: r.size }));
}

/**
 * Section 3.3: one shard receives one replica's gradient slice, in a transaction of its own (no
 * lock is held across shards). With `accumulate` = G > 1 the slice joins the shard's accumulator,
 * and the G-th arrival applies their mean with Adam; with G = 1 it is applied at once. The push is
 * recorded in `shard_pushes` in the same transaction, so a retried push returns the stored result
 * and never adds the slice twice.
 */
export async function pushShardGradient(pool: Db, push: ShardPush, adam: AdamOptions, accumulate: number): Promise<ShardPushResult> {
  return withTransaction(pool, async (client) => {
    // Not waiting for this commit's WAL flush is safe: the update's last transaction (the `updates`
    // row) commits synchronously after every push, and its flush carries all earlier WAL with it. A
    // crash before that loses only pushes the activity's retry makes again (found missing here).
    await client.query('SET LOCAL synchronous_commit = off');
    const { rows } = await client.query<ShardRow & { accumulated: Buffer | null; accumulated_count: number }>(
      `SELECT shard, start_index, size, version, params, adam_m, adam_v, adam_step, accumulated, accumulated_count
       FROM parameter_shards WHERE search_id = $1 AND shard = $2 FOR UPDATE`,
      [push.searchId, push.shard],
    );
    // Looked up under the shard's lock: a concurrent attempt of the same push that held it has
    // committed by now, and its row is seen here (read committed), so the slice is not added twice.
    const done = await findShardPush(client, push);
    if (done) return done;
    const row = rows[0];
    if (!row) throw new NotFoundError(`search "${push.searchId}" has no parameter shard ${push.shard}`);
    if (push.gradient.length !== row.size) throw new Error(`a gradient slice of ${push.gradient.length} values does not fit shard ${push.shard} (${row.size})`);
    const versionBefore = Number(row.version);
    const sum = row.accumulated ? addInto(fromBytes(row.accumulated), push.gradient) : Float32Array.from(push.gradient);
    const count = row.accumulated_count + 1;
    const applied = count >= accumulate;
    if (applied) {
      const mean = sum.map((g) => g / count);
      const stepped = adamStep(fromBytes(row.params), mean, { m: fromBytes(row.adam_m), v: fromBytes(row.adam_v), step: row.adam_step }, adam);
      await client.query(
        `UPDATE parameter_shards SET params = $3, adam_m = $4, adam_v = $5, adam_step = $6, version = version + 1,
           accumulated = NULL, accumulated_count = 0, updated_at = now()
         WHERE search_id = $1 AND shard = $2`,
        [push.searchId, push.shard, toBytes(stepped.params), toBytes(stepped.slots.m), toBytes(stepped.slots.v), stepped.slots.step],
      );
    } else {
      await client.query(
        'UPDATE parameter_shards SET accumulated = $3, accumulated_count = $4, updated_at = now() WHERE search_id = $1 AND shard = $2',
        [push.searchId, push.shard, toBytes(sum), count],
      );
    }
    const result: ShardPushResult = {
      shard: push.shard, versionBefore, versionAfter: versionBefore + (applied ? 1 : 0),
      staleness: Math.max(0, versionBefore - push.snapshotVersion), applied,
    };
    await client.query(
      `INSERT INTO shard_pushes (search_id, replica, iteration, shard, snapshot_version, version_before, version_after, staleness, applied)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [push.searchId, push.replica, push.iteration, push.shard, push.snapshotVersion, versionBefore, result.versionAfter, result.staleness, applied],
    );
    return result;
  });
}

async function findShardPush(db: PoolClient, push: Pick<ShardPush, 'searchId' | 'replica' | 'iteration' | 'shard'>): Promise<ShardPushResult | undefined> {
  const { rows } = await db.query<{ version_before: string; version_after: string; staleness: number; applied: boolean }>(
    'SELECT version_before, version_after, staleness, applied FROM shard_pushes WHERE search_id = $1 AND replica = $2 AND iteration = $3 AND shard = $4',
    [push.searchId, push.replica, push.iteration, push.shard],
  );
  const r = rows[0];
  return r && { shard: push.shard, versionBefore: Number(r.version_before), versionAfter: Number(r.version_after), staleness: r.staleness, applied: r.applied };
}

function addInto(sum: Float32Array, slice: Float32Array): Float32Array {
  for (let i = 0; i < sum.length; i++) sum[i] = sum[i]! + slice[i]!;
  return sum;
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

/** A replica added while the search runs gets its baseline row on its first sample. */
export async function ensureBaseline(client: PoolClient, searchId: string, replica: number): Promise<void> {
  await client.query('INSERT INTO baselines (search_id, replica) VALUES ($1, $2) ON CONFLICT DO NOTHING', [searchId, replica]);
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
