// Rows of the `updates` table: one per applied controller update, unique per (search, replica,
// iteration); its presence is what makes applying an update idempotent.
import type { PoolClient } from 'pg';
import type { Db } from './db';

export interface UpdateRow {
  searchId: string;
  replica: number;
  iteration: number;
  childrenCount: number;
  meanReward: number;
  maxReward: number;
  baselineBefore: number;
  baselineAfter: number;
  loss: number;
  gradientNorm: number;
  parameterVersionsBefore: number[];
  parameterVersionsAfter: number[];
  staleness: number;
}

export async function findUpdate(db: Db | PoolClient, searchId: string, replica: number, iteration: number): Promise<UpdateRow | undefined> {
  const { rows } = await db.query(
    `SELECT search_id, replica, iteration, children_count, mean_reward, max_reward, baseline_before, baseline_after, loss,
            gradient_norm, parameter_versions_before, parameter_versions_after, staleness
     FROM updates WHERE search_id = $1 AND replica = $2 AND iteration = $3`,
    [searchId, replica, iteration],
  );
  const r = rows[0];
  return r && {
    searchId: r.search_id, replica: r.replica, iteration: r.iteration, childrenCount: r.children_count,
    meanReward: r.mean_reward, maxReward: r.max_reward, baselineBefore: r.baseline_before, baselineAfter: r.baseline_after,
    loss: r.loss, gradientNorm: r.gradient_norm, parameterVersionsBefore: r.parameter_versions_before.map(Number),
    parameterVersionsAfter: r.parameter_versions_after.map(Number), staleness: r.staleness,
  };
}

export async function insertUpdate(client: PoolClient, u: UpdateRow): Promise<void> {
  await client.query(
    `INSERT INTO updates (search_id, replica, iteration, children_count, mean_reward, max_reward, baseline_before, baseline_after,
       loss, gradient_norm, parameter_versions_before, parameter_versions_after, staleness)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
    [u.searchId, u.replica, u.iteration, u.childrenCount, u.meanReward, u.maxReward, u.baselineBefore, u.baselineAfter,
      u.loss, u.gradientNorm, u.parameterVersionsBefore, u.parameterVersionsAfter, u.staleness],
  );
}
