// A search's best result so far as SQL sees it: its space kind, the lowest validation perplexity
// (recurrent cells) and the highest validation accuracy (for cells: next-word accuracy). What the
// CLI prints in place of the workflow's bestAccuracy for a cell search. A weight-sharing search's
// retrained picks, once there, stand for it (shared-weight accuracies are not from-scratch figures).
// Read-only; no ranking here.
import type { Db } from './db';

export interface SearchBest {
  /** null when no search row exists (yet): the workflow writes it on its first activity. */
  spaceKind: string | null;
  bestPerplexity: number | null;
  bestAccuracy: number | null;
}

export async function searchBest(db: Db, searchId: string): Promise<SearchBest> {
  const { rows } = await db.query<{ space_kind: string | null; perplexity: number | null; accuracy: number | null }>(
    `SELECT (SELECT space_kind FROM searches WHERE id = $1) AS space_kind,
            min(validation_perplexity) AS perplexity,
            coalesce(max(best_validation_accuracy) FILTER (WHERE phase = 'retrain'), max(best_validation_accuracy)) AS accuracy
     FROM children WHERE search_id = $1 AND status = 'succeeded'`,
    [searchId],
  );
  const row = rows[0]!;
  return { spaceKind: row.space_kind, bestPerplexity: row.perplexity, bestAccuracy: row.accuracy };
}
