// Per finished search, from the `children` timestamps: children, the span from the first start to the
// last finish, the seconds children trained (started_at → finished_at, the last attempt) and the best
// validation accuracy. What bench/slots/busy.ts and bench/slots/sample-ahead.ts turn into "slots busy".
import type { Db } from '../../store/db';

export interface SlotTimes { id: string; children: number; span: number; trained: number; best: number | null }

/** Searches whose id is LIKE `like`, oldest first. */
export async function slotTimes(pool: Db, like: string): Promise<SlotTimes[]> {
  const { rows } = await pool.query<SlotTimes>(
    `SELECT search_id AS id, count(*)::int AS children,
            extract(epoch FROM max(finished_at) - min(started_at))::float8 AS span,
            sum(extract(epoch FROM finished_at - started_at))::float8 AS trained,
            max(best_validation_accuracy)::float8 AS best
     FROM children WHERE search_id LIKE $1 AND phase = 'search' AND finished_at IS NOT NULL
     GROUP BY search_id ORDER BY min(started_at)`, [like]);
  return rows;
}
