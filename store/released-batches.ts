// Batches a replica sampled ahead and gave back when it stopped (workflows/sample-ahead.ts), and the
// fence that keeps them given back: the children, snapshot and random stream state go, and the
// activity that had stored the batch is fenced (migration 010), so that an older attempt of it (one
// that timed out and still runs) cannot store the batch again. So is an activity whose outcome was
// "budget spent". A new activity sampling the same iteration is not affected.
import type { PoolClient } from 'pg';
import { deleteStreamState } from './baseline-streams';
import { releaseSampledChildren } from './children';
import { deleteSnapshot } from './parameters';

export interface BatchOf {
  readonly searchId: string;
  readonly replica: number;
  readonly iteration: number;
}

/** Notes which activity stored the batch, in the transaction that stores it. */
export async function recordSampler(client: PoolClient, { searchId, replica, iteration }: BatchOf, activity: string): Promise<void> {
  await client.query(
    `INSERT INTO batch_samplers (search_id, replica, iteration, activity) VALUES ($1, $2, $3, $4)
     ON CONFLICT (search_id, replica, iteration) DO UPDATE SET activity = EXCLUDED.activity`,
    [searchId, replica, iteration, activity],
  );
}

/** No attempt of `activity` may store this batch any more: its outcome was final without one. */
export async function fenceSampler(client: PoolClient, { searchId, replica, iteration }: BatchOf, activity: string, reason: 'released' | 'spent'): Promise<void> {
  await client.query(
    `INSERT INTO fenced_samplers (search_id, replica, iteration, activity, reason) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
    [searchId, replica, iteration, activity, reason],
  );
}

export async function isFenced(client: PoolClient, { searchId, replica, iteration }: BatchOf, activity: string): Promise<boolean> {
  const { rows } = await client.query(
    'SELECT 1 FROM fenced_samplers WHERE search_id = $1 AND replica = $2 AND iteration = $3 AND activity = $4',
    [searchId, replica, iteration, activity],
  );
  return rows.length > 0;
}

/**
 * Gives the batch back unless one of its children has begun (then it is kept whole); returns how many
 * children went, and fences the activity that had stored it. Call it in a transaction holding the
 * search row (lockSearch).
 */
export async function giveBackBatch(client: PoolClient, key: BatchOf): Promise<number> {
  const { searchId, replica, iteration } = key;
  const released = await releaseSampledChildren(client, searchId, replica, iteration);
  if (released > 0) {
    await deleteSnapshot(client, searchId, replica, iteration);
    await deleteStreamState(client, searchId, replica, iteration);
    const { rows } = await client.query<{ activity: string }>(
      'DELETE FROM batch_samplers WHERE search_id = $1 AND replica = $2 AND iteration = $3 RETURNING activity', [searchId, replica, iteration]);
    if (rows[0]) await fenceSampler(client, key, rows[0].activity, 'released');
  }
  return released;
}
