// The SQL side of closing searches whose workflow ended without running code (terminated, cancelled,
// timed out): which rows still say running or paused, and a compare-and-set that closes one. Asking
// Temporal what happened is workers/closed-searches.ts; nothing here knows of Temporal.
import type { Db } from './db';
import type { SearchStatus } from './searches';

export interface OpenSearch {
  id: string;
  /** The workflow running the search: the search id unless recorded otherwise. */
  workflowId: string;
  status: 'running' | 'paused';
  /** updated_at exactly as PostgreSQL has it (microseconds; a Date would lose them), for the compare-and-set. */
  stamp: string;
}

/**
 * Open searches in id order after `after` (a page of at most `limit`), or just those of `ids`.
 * Paging by id lets a sweep visit every open search in turn, whatever their count.
 */
export async function openSearches(pool: Db, page: { after?: string; limit: number; ids?: readonly string[] }): Promise<OpenSearch[]> {
  const { rows } = await pool.query<{ id: string; workflow_id: string | null; status: 'running' | 'paused'; stamp: string }>(
    `SELECT id, workflow_id, status, updated_at::text AS stamp FROM searches
     WHERE status IN ('running', 'paused') AND id > $1 AND ($2::text[] IS NULL OR id = ANY($2))
     ORDER BY id LIMIT $3`,
    [page.after ?? '', page.ids ?? null, page.limit],
  );
  return rows.map((r) => ({ id: r.id, workflowId: r.workflow_id ?? r.id, status: r.status, stamp: r.stamp }));
}

/**
 * Sets a closed status unless the row changed since it was read (a search started again under the
 * same id meanwhile is running, whatever its last run did). True when it closed the row.
 */
export async function closeOpenSearch(pool: Db, search: Pick<OpenSearch, 'id' | 'stamp'>, status: SearchStatus): Promise<boolean> {
  const { rowCount } = await pool.query(
    `UPDATE searches SET status = $2, updated_at = now(), finished_at = now()
     WHERE id = $1 AND status IN ('running', 'paused') AND updated_at = $3::timestamptz`,
    [search.id, status, search.stamp],
  );
  return rowCount === 1;
}
