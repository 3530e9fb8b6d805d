// Batches a replica sampled ahead and gave back when it stopped (workflows/sample-ahead.ts): the
// children, snapshot and random stream state go, and the release is noted with PostgreSQL's clock,
// so that a sampling attempt begun before it (one that timed out and still ran) does not store the
// batch again. An attempt begun after it (the iteration sampled anew) is not affected.
import type { PoolClient } from 'pg';
import { deleteStreamState } from './baseline-streams';
import { releaseSampledChildren } from './children';
import type { Db } from './db';
import { deleteSnapshot } from './parameters';

export interface BatchOf {
  readonly searchId: string;
  readonly replica: number;
  readonly iteration: number;
}

/**
 * Gives the batch back unless one of its children has begun (then it is kept whole); returns how many
 * children went. Call it in a transaction holding the search row (lockSearch).
 */
export async function giveBackBatch(client: PoolClient, { searchId, replica, iteration }: BatchOf): Promise<number> {
  const released = await releaseSampledChildren(client, searchId, replica, iteration);
  if (released > 0) {
    await deleteSnapshot(client, searchId, replica, iteration);
    await deleteStreamState(client, searchId, replica, iteration);
    await client.query(
      `INSERT INTO released_batches (search_id, replica, iteration, released_at) VALUES ($1, $2, $3, clock_timestamp())
       ON CONFLICT (search_id, replica, iteration) DO UPDATE SET released_at = EXCLUDED.released_at`,
      [searchId, replica, iteration],
    );
  }
  return released;
}

/** PostgreSQL's clock now: when a sampling attempt began, to compare with a release. */
export async function databaseClock(db: Db): Promise<Date> {
  const { rows } = await db.query<{ now: Date }>('SELECT clock_timestamp() AS now');
  return rows[0]!.now;
}

/** Whether the batch was given back at or after `since`, i.e. after the attempt asking began. */
export async function releasedSince(client: PoolClient, { searchId, replica, iteration }: BatchOf, since: Date): Promise<boolean> {
  const { rows } = await client.query(
    'SELECT 1 FROM released_batches WHERE search_id = $1 AND replica = $2 AND iteration = $3 AND released_at >= $4',
    [searchId, replica, iteration, since],
  );
  return rows.length > 0;
}
