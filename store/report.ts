// What `nas report` reads: every finished child of a search in sampling order (iteration, child
// index) with its reward, accuracy (or perplexity), size and raw architecture JSON, and the controller updates.
// Read-only; architectures stay raw JSON here so a kind this build does not know cannot fail a report.
import type { Db } from './db';

export interface ReportChild {
  id: number;
  replica: number;
  iteration: number;
  childIndex: number;
  status: 'succeeded' | 'failed';
  numLayers: number;
  reward: number | null;
  /** For a recurrent cell, next-word accuracy. */
  bestValidationAccuracy: number | null;
  /** Recurrent cells only: the lowest validation perplexity over epochs; null for CNN and NB201. */
  validationPerplexity: number | null;
  paramCount: number | null;
  trainingSeconds: number | null;
  /** As stored: parse it with space/architecture.ts, and expect kinds this build does not know. */
  architecture: unknown;
  /** A weight-sharing search's pick, retrained from scratch (not a sample of the search). */
  retrained: boolean;
}

export interface ReportUpdate {
  replica: number;
  iteration: number;
  childrenCount: number;
  meanReward: number;
  maxReward: number;
  baselineAfter: number;
  bestRewardSoFar: number;
}

export async function reportChildren(db: Db, searchId: string): Promise<ReportChild[]> {
  const { rows } = await db.query<{
    id: string; replica: number; iteration: number; child_index: number; status: 'succeeded' | 'failed'; num_layers: number;
    reward: number | null; best_validation_accuracy: number | null; validation_perplexity: number | null; param_count: string | null; training_seconds: number | null; architecture: unknown; phase: string;
  }>(
    `SELECT id, replica, iteration, child_index, status, num_layers, reward, best_validation_accuracy, validation_perplexity, param_count,
            training_seconds, architecture, phase
     FROM children WHERE search_id = $1 AND status IN ('succeeded', 'failed')
     ORDER BY iteration, replica, child_index`,
    [searchId],
  );
  return rows.map((r) => ({
    id: Number(r.id), replica: r.replica, iteration: r.iteration, childIndex: r.child_index, status: r.status, numLayers: r.num_layers,
    reward: r.reward, bestValidationAccuracy: r.best_validation_accuracy, validationPerplexity: r.validation_perplexity, paramCount: r.param_count === null ? null : Number(r.param_count),
    trainingSeconds: r.training_seconds, architecture: r.architecture, retrained: r.phase === 'retrain',
  }));
}

/** The `reward_curve` view (migrations/002_views.sql), one row per applied controller update. */
export async function reportUpdates(db: Db, searchId: string): Promise<ReportUpdate[]> {
  const { rows } = await db.query<{
    replica: number; iteration: number; children_count: number; mean_reward: number; max_reward: number; baseline_after: number; best_reward_so_far: number;
  }>(
    `SELECT replica, iteration, children_count, mean_reward, max_reward, baseline_after, best_reward_so_far
     FROM reward_curve WHERE search_id = $1 ORDER BY iteration, replica`,
    [searchId],
  );
  return rows.map((r) => ({
    replica: r.replica, iteration: r.iteration, childrenCount: r.children_count, meanReward: r.mean_reward, maxReward: r.max_reward,
    baselineAfter: r.baseline_after, bestRewardSoFar: r.best_reward_so_far,
  }));
}
