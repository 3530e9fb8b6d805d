// Checkpoints of the shared weights ω of a weight-sharing search (table shared_weights). Steps are
// deterministic, so a second writer of the same step writes the same bytes and is ignored. Not the
// tensors (weight-sharing/checkpoint.ts turns them into the vector stored here).
import type { OmegaCheckpoint } from '../weight-sharing/checkpoint';
import type { PoolClient } from 'pg';
import { architectureKey, parseArchitecture } from '../space/architecture';
import type { ChildKey, SampledChild } from './children';
import { type Db, fromBytes, toBytes, withTransaction } from './db';

/** Checkpoints kept per search: the newest and the one before (a write may die half-way through a prune). */
const KEEP = 2;

export async function saveOmegaCheckpoint(pool: Db, searchId: string, checkpoint: OmegaCheckpoint, worker: string): Promise<void> {
  await withTransaction(pool, async (client) => {
    await client.query(
      `INSERT INTO shared_weights (search_id, step, shape, manifest, weights, worker) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (search_id, step) DO NOTHING`,
      [searchId, checkpoint.step, JSON.stringify(checkpoint.shape), JSON.stringify(checkpoint.manifest), toBytes(checkpoint.values), worker],
    );
    await client.query(
      `DELETE FROM shared_weights WHERE search_id = $1 AND step < (
         SELECT min(step) FROM (SELECT step FROM shared_weights WHERE search_id = $1 ORDER BY step DESC LIMIT $2) newest)`,
      [searchId, KEEP],
    );
  });
}

/** The newest checkpoint at or before `atMost` (any, without it); null when ω was never checkpointed. */
export async function latestOmegaCheckpoint(pool: Db, searchId: string, atMost?: number): Promise<OmegaCheckpoint | null> {
  const { rows } = await pool.query<{ step: number; shape: OmegaCheckpoint['shape']; manifest: OmegaCheckpoint['manifest']; weights: Buffer }>(
    `SELECT step, shape, manifest, weights FROM shared_weights WHERE search_id = $1 AND ($2::integer IS NULL OR step <= $2)
     ORDER BY step DESC LIMIT 1`,
    [searchId, atMost ?? null],
  );
  const row = rows[0];
  return row ? { step: row.step, shape: row.shape, manifest: row.manifest, values: fromBytes(row.weights) } : null;
}

/** Steps of the checkpoints on record, oldest first (tests, `nas search status`). */
export async function omegaCheckpointSteps(pool: Db, searchId: string): Promise<number[]> {
  const { rows } = await pool.query<{ step: number }>('SELECT step FROM shared_weights WHERE search_id = $1 ORDER BY step', [searchId]);
  return rows.map((r) => r.step);
}

/** The ω step a child was rewarded at (set once: a retry of the same evaluation finds it set). */
export async function recordOmegaStep(pool: Db, childId: number, step: number): Promise<void> {
  await pool.query('UPDATE children SET omega_step = $2 WHERE id = $1 AND omega_step IS NULL', [childId, step]);
}

/** Retrained picks are children of no replica: replica -1, iteration 0. */
export const RETRAIN_REPLICA = -1;

export type RetrainPick = SampledChild & { pick: 'reward' | 'likely' | 'both' };

/** The search's children with the best shared-weight rewards, one per architecture, best first. */
export async function topRewardedArchitectures(db: Db, searchId: string, k: number): Promise<SampledChild[]> {
  const { rows } = await db.query<{ num_layers: number; architecture: unknown; tokens: number[]; log_prob: number; entropy: number }>(
    `SELECT num_layers, architecture, tokens, log_prob, entropy FROM (
       SELECT DISTINCT ON (arch_key) num_layers, architecture, tokens, log_prob, entropy, reward, id FROM children
       WHERE search_id = $1 AND phase = 'search' AND status = 'succeeded' ORDER BY arch_key, reward DESC, id) best
     ORDER BY reward DESC, id LIMIT $2`,
    [searchId, k],
  );
  return rows.map((r, childIndex) => ({ childIndex, numLayers: r.num_layers, architecture: parseArchitecture(r.architecture), tokens: r.tokens, logProb: r.log_prob, entropy: r.entropy }));
}

/** Keys of the retrained picks on record, in child-index order. */
export async function retrainKeys(db: Db | PoolClient, searchId: string): Promise<ChildKey[]> {
  const { rows } = await db.query<{ child_index: number }>(
    "SELECT child_index FROM children WHERE search_id = $1 AND phase = 'retrain' ORDER BY child_index", [searchId]);
  return rows.map((r) => ({ searchId, replica: RETRAIN_REPLICA, iteration: 0, childIndex: r.child_index }));
}

/** Writes the picks once (a second call finds them and writes nothing); returns their keys. */
export async function insertRetrainPicks(pool: Db, searchId: string, picks: readonly RetrainPick[]): Promise<ChildKey[]> {
  return withTransaction(pool, async (client) => {
    await client.query('SELECT 1 FROM searches WHERE id = $1 FOR UPDATE', [searchId]);
    const existing = await retrainKeys(client, searchId);
    if (existing.length > 0) return existing;
    for (const [childIndex, c] of picks.entries()) {
      await client.query(
        `INSERT INTO children (search_id, replica, iteration, child_index, num_layers, architecture, arch_key, tokens, log_prob, entropy, phase, pick)
         VALUES ($1, $2, 0, $3, $4, $5, $6, $7, $8, $9, 'retrain', $10)`,
        [searchId, RETRAIN_REPLICA, childIndex, c.numLayers, JSON.stringify(c.architecture), architectureKey(c.architecture), c.tokens, c.logProb, c.entropy, c.pick],
      );
    }
    return retrainKeys(client, searchId);
  });
}
