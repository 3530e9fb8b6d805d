// What a baseline search (random search, regularized evolution) needs at an iteration, in two reads
// of fixed cost: where its random stream stood after the replica's previous proposal, and the last
// rewarded children of the replica (evolution's population). Written with the children they produced.
import type { PoolClient } from 'pg';
import type { Db } from './db';

/** A rewarded child as evolution reads it (strategies/token-baselines.ts's Parent). */
export interface RewardedChild { tokens: number[]; numLayers: number; reward: number }

/** The stream state stored after the replica's latest proposal before `iteration`; null if none was. */
export async function streamStateBefore(db: Db, searchId: string, replica: number, iteration: number): Promise<number | null> {
  const { rows } = await db.query<{ state: string }>(
    `SELECT state FROM baseline_streams WHERE search_id = $1 AND replica = $2 AND iteration < $3
     ORDER BY iteration DESC LIMIT 1`,
    [searchId, replica, iteration],
  );
  return rows[0] ? Number(rows[0].state) : null;
}

/** Inside the transaction that stores the iteration's children; a retry of a stored one changes nothing. */
export async function saveStreamState(client: PoolClient, searchId: string, replica: number, iteration: number, state: number): Promise<void> {
  await client.query(
    'INSERT INTO baseline_streams (search_id, replica, iteration, state) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
    [searchId, replica, iteration, state],
  );
}

/** With the children of a batch given back (releaseSampledChildren): the next proposal goes on from the state before it. */
export async function deleteStreamState(client: PoolClient, searchId: string, replica: number, iteration: number): Promise<void> {
  await client.query('DELETE FROM baseline_streams WHERE search_id = $1 AND replica = $2 AND iteration = $3', [searchId, replica, iteration]);
}

/** The last `size` rewarded children of the replica before `iteration`, oldest first: evolution's population. */
export async function latestRewarded(db: Db, searchId: string, replica: number, iteration: number, size: number): Promise<RewardedChild[]> {
  const { rows } = await db.query<{ tokens: number[]; num_layers: number; reward: number }>(
    `SELECT tokens, num_layers, reward FROM children
     WHERE search_id = $1 AND replica = $2 AND iteration < $3 AND phase = 'search' AND reward IS NOT NULL
     ORDER BY iteration DESC, child_index DESC LIMIT $4`,
    [searchId, replica, iteration, size],
  );
  return rows.reverse().map((r) => ({ tokens: r.tokens, numLayers: r.num_layers, reward: r.reward }));
}

/** Children the replica sampled before `iteration`: tells a search from before baseline_streams from a new one. */
export async function sampledBefore(db: Db, searchId: string, replica: number, iteration: number): Promise<boolean> {
  const { rows } = await db.query(
    "SELECT 1 FROM children WHERE search_id = $1 AND replica = $2 AND iteration < $3 AND phase = 'search' LIMIT 1",
    [searchId, replica, iteration],
  );
  return rows.length > 0;
}
