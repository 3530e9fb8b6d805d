// What a search left in PostgreSQL, read straight from the tables users query, for workflow tests to
// assert on (children, updates, parameter_shards, baselines). Read-only; the store/ functions are
// what the activities use, and these deliberately do not go through them.
import { type Db, fromBytes } from '../../store/db';

export interface ChildRecord {
  iteration: number;
  childIndex: number;
  status: string;
  reward: number | null;
  attempts: number;
  trainingSeconds: number | null;
  tokens: number[];
  archKey: string;
}

export async function childRecords(pool: Db, searchId: string): Promise<ChildRecord[]> {
  const { rows } = await pool.query<{ iteration: number; child_index: number; status: string; reward: number | null; attempts: number; training_seconds: number | null; tokens: number[]; arch_key: string }>(
    `SELECT iteration, child_index, status, reward, attempts, training_seconds, tokens, arch_key FROM children
     WHERE search_id = $1 ORDER BY iteration, child_index`,
    [searchId],
  );
  return rows.map((r) => ({
    iteration: r.iteration, childIndex: r.child_index, status: r.status, reward: r.reward, attempts: r.attempts, trainingSeconds: r.training_seconds, tokens: r.tokens, archKey: r.arch_key,
  }));
}

export interface UpdateRecord {
  iteration: number;
  childrenCount: number;
  parameterVersionsBefore: number[];
  parameterVersionsAfter: number[];
}

export async function updateRecords(pool: Db, searchId: string): Promise<UpdateRecord[]> {
  const { rows } = await pool.query<{ iteration: number; children_count: number; parameter_versions_before: string[]; parameter_versions_after: string[] }>(
    'SELECT iteration, children_count, parameter_versions_before, parameter_versions_after FROM updates WHERE search_id = $1 ORDER BY iteration, id',
    [searchId],
  );
  return rows.map((r) => ({
    iteration: r.iteration, childrenCount: r.children_count,
    parameterVersionsBefore: r.parameter_versions_before.map(Number), parameterVersionsAfter: r.parameter_versions_after.map(Number),
  }));
}

export interface ShardRecord {
  shard: number;
  version: number;
  params: Buffer;
}

export async function shardRecords(pool: Db, searchId: string): Promise<ShardRecord[]> {
  const { rows } = await pool.query<{ shard: number; version: string; params: Buffer }>(
    'SELECT shard, version, params FROM parameter_shards WHERE search_id = $1 ORDER BY shard',
    [searchId],
  );
  return rows.map((r) => ({ shard: r.shard, version: Number(r.version), params: r.params }));
}

export async function baselineRecord(pool: Db, searchId: string): Promise<{ value: number | null; rewardsSeen: number }> {
  const { rows } = await pool.query<{ value: number | null; rewards_seen: string }>(
    'SELECT value, rewards_seen FROM baselines WHERE search_id = $1 AND replica = 0',
    [searchId],
  );
  const row = rows[0];
  if (!row) throw new Error(`no baseline row for ${searchId}`);
  return { value: row.value, rewardsSeen: Number(row.rewards_seen) };
}

export async function searchStatusRow(pool: Db, searchId: string): Promise<string | undefined> {
  const { rows } = await pool.query<{ status: string }>('SELECT status FROM searches WHERE id = $1', [searchId]);
  return rows[0]?.status;
}

/** Row counts of every table a search writes to, over the whole (per-test) database. */
export async function tableCounts(pool: Db): Promise<Record<string, number>> {
  const tables = ['searches', 'parameter_shards', 'baselines', 'parameter_snapshots', 'children', 'updates'] as const;
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const { rows } = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
    counts[table] = Number(rows[0]!.n);
  }
  return counts;
}

/** Section 3.3's bookkeeping of a search: who sampled what, and what each shard took. */
export interface DistributedAudit {
  children: { id: number; replica: number; iteration: number; childIndex: number; numLayers: number; status: string; reward: number | null; worker: string | null }[];
  updates: { replica: number; iteration: number; childrenCount: number; staleness: number; versionsBefore: number[]; versionsAfter: number[] }[];
  pushes: { replica: number; iteration: number; shard: number; staleness: number; applied: boolean; versionAfter: number }[];
  shards: { shard: number; version: number; params: Float32Array; accumulatedCount: number }[];
  rewardsSeen: number;
}

export async function distributedAudit(pool: Db, searchId: string): Promise<DistributedAudit> {
  const children = await pool.query(
    'SELECT id, replica, iteration, child_index, num_layers, status, reward, worker FROM children WHERE search_id = $1 ORDER BY id', [searchId]);
  const updates = await pool.query(
    `SELECT replica, iteration, children_count, staleness, parameter_versions_before, parameter_versions_after FROM updates
     WHERE search_id = $1 ORDER BY id`, [searchId]);
  const pushes = await pool.query(
    'SELECT replica, iteration, shard, staleness, applied, version_after FROM shard_pushes WHERE search_id = $1 ORDER BY created_at, shard', [searchId]);
  const shards = await pool.query('SELECT shard, version, params, accumulated_count FROM parameter_shards WHERE search_id = $1 ORDER BY shard', [searchId]);
  const baselines = await pool.query<{ n: string }>('SELECT coalesce(sum(rewards_seen), 0) AS n FROM baselines WHERE search_id = $1', [searchId]);
  return {
    children: children.rows.map((r) => ({ id: Number(r.id), replica: r.replica, iteration: r.iteration, childIndex: r.child_index, numLayers: r.num_layers, status: r.status, reward: r.reward, worker: r.worker })),
    updates: updates.rows.map((r) => ({
      replica: r.replica, iteration: r.iteration, childrenCount: r.children_count, staleness: r.staleness,
      versionsBefore: r.parameter_versions_before.map(Number), versionsAfter: r.parameter_versions_after.map(Number),
    })),
    pushes: pushes.rows.map((r) => ({ replica: r.replica, iteration: r.iteration, shard: r.shard, staleness: r.staleness, applied: r.applied, versionAfter: Number(r.version_after) })),
    shards: shards.rows.map((r) => ({
      shard: r.shard, version: Number(r.version), accumulatedCount: r.accumulated_count,
      params: fromBytes(r.params),
    })),
    rewardsSeen: Number(baselines.rows[0]!.n),
  };
}
