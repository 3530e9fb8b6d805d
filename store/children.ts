// Rows of the `children` table: written once when sampled, then by the training attempt that
// finishes first. A finished child is never overwritten, so retries cannot double-count it.
import type { PoolClient } from 'pg';
import { type Architecture, architectureKey, parseArchitecture } from '../space/architecture';
import { NotFoundError } from '../errors';
import type { Db } from './db';

export interface ChildKey {
  searchId: string;
  replica: number;
  iteration: number;
  childIndex: number;
}

export interface SampledChild {
  childIndex: number;
  numLayers: number;
  architecture: Architecture;
  tokens: number[];
  logProb: number;
  entropy: number;
}

export type ChildStatus = 'sampled' | 'training' | 'succeeded' | 'failed';

export interface ChildRow extends SampledChild {
  id: number;
  status: ChildStatus;
  validationAccuracies: number[] | null;
  bestValidationAccuracy: number | null;
  reward: number | null;
  paramCount: number | null;
  trainingSeconds: number | null;
  attempts: number;
  error: string | null;
  /** Recurrent cells only: the lowest validation perplexity over epochs (null for CNNs). */
  validationPerplexity: number | null;
  /** Weight sharing: 'retrain' for a pick retrained from scratch, with why it was picked; the ω step a searched child was rewarded at. */
  phase: 'search' | 'retrain';
  pick: 'reward' | 'likely' | 'both' | null;
  omegaStep: number | null;
}

export interface ChildResult {
  status: 'succeeded' | 'failed';
  validationAccuracies: number[];
  reward: number;
  paramCount: number;
  trainingSeconds: number;
  worker: string;
  error?: string;
  /** Recurrent cells: validation perplexity per epoch (validationAccuracies holds next-word accuracy). */
  validationPerplexities?: number[];
}

const COLUMNS = `id, child_index, num_layers, architecture, tokens, log_prob, entropy, status, validation_accuracies,
  best_validation_accuracy, reward, param_count, training_seconds, attempts, error, validation_perplexity, phase, pick, omega_step`;

interface Row {
  id: string; child_index: number; num_layers: number; architecture: unknown; tokens: number[]; log_prob: number; entropy: number;
  status: ChildStatus; validation_accuracies: number[] | null; best_validation_accuracy: number | null; reward: number | null;
  param_count: string | null; training_seconds: number | null; attempts: number; error: string | null; validation_perplexity: number | null;
  phase: ChildRow['phase']; pick: ChildRow['pick']; omega_step: number | null;
}

function toChild(row: Row): ChildRow {
  return {
    id: Number(row.id), childIndex: row.child_index, numLayers: row.num_layers, architecture: parseArchitecture(row.architecture),
    tokens: row.tokens, logProb: row.log_prob, entropy: row.entropy, status: row.status,
    validationAccuracies: row.validation_accuracies, bestValidationAccuracy: row.best_validation_accuracy, reward: row.reward,
    paramCount: row.param_count === null ? null : Number(row.param_count), trainingSeconds: row.training_seconds,
    attempts: row.attempts, error: row.error, validationPerplexity: row.validation_perplexity,
    phase: row.phase, pick: row.pick, omegaStep: row.omega_step,
  };
}

export async function insertSampledChildren(client: PoolClient, searchId: string, replica: number, iteration: number, children: readonly SampledChild[]): Promise<void> {
  for (const c of children) {
    await client.query(
      `INSERT INTO children (search_id, replica, iteration, child_index, num_layers, architecture, arch_key, tokens, log_prob, entropy)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING`,
      [searchId, replica, iteration, c.childIndex, c.numLayers, JSON.stringify(c.architecture), architectureKey(c.architecture), c.tokens, c.logProb, c.entropy],
    );
  }
}

/**
 * Deletes an iteration's children if none of them has left status 'sampled' (a batch sampled ahead
 * that will not train); returns how many. A batch with a child in training or done is kept whole.
 */
export async function releaseSampledChildren(client: PoolClient, searchId: string, replica: number, iteration: number): Promise<number> {
  const { rowCount } = await client.query(
    `DELETE FROM children WHERE search_id = $1 AND replica = $2 AND iteration = $3
       AND NOT EXISTS (SELECT 1 FROM children c WHERE c.search_id = $1 AND c.replica = $2 AND c.iteration = $3 AND c.status <> 'sampled')`,
    [searchId, replica, iteration],
  );
  return rowCount ?? 0;
}

export async function iterationChildren(db: Db | PoolClient, searchId: string, replica: number, iteration: number): Promise<ChildRow[]> {
  const { rows } = await db.query<Row>(
    `SELECT ${COLUMNS} FROM children WHERE search_id = $1 AND replica = $2 AND iteration = $3 ORDER BY child_index`,
    [searchId, replica, iteration],
  );
  return rows.map(toChild);
}

export async function getChild(db: Db, key: ChildKey): Promise<ChildRow> {
  const { rows } = await db.query<Row>(
    `SELECT ${COLUMNS} FROM children WHERE search_id = $1 AND replica = $2 AND iteration = $3 AND child_index = $4`,
    [key.searchId, key.replica, key.iteration, key.childIndex],
  );
  if (!rows[0]) throw new NotFoundError(`child ${describeKey(key)} was never sampled`);
  return toChild(rows[0]);
}

/** Marks an attempt as started (counted in `attempts`) unless the child already finished. */
export async function startTraining(db: Db, id: number, worker: string): Promise<void> {
  await db.query(
    `UPDATE children SET status = 'training', attempts = attempts + 1, worker = $2, started_at = now()
     WHERE id = $1 AND status IN ('sampled', 'training')`,
    [id, worker],
  );
}

/** Records the result unless another attempt recorded one first; returns the stored row either way. */
export async function finishChild(db: Db, key: ChildKey, id: number, result: ChildResult): Promise<ChildRow> {
  const best = result.validationAccuracies.length ? Math.max(...result.validationAccuracies) : null;
  const perplexities = result.validationPerplexities?.filter(Number.isFinite) ?? [];
  await db.query(
    `UPDATE children SET status = $2, validation_accuracies = $3, best_validation_accuracy = $4, reward = $5,
       param_count = $6, training_seconds = $7, worker = $8, error = $9, finished_at = now(),
       validation_perplexities = $10, validation_perplexity = $11
     WHERE id = $1 AND status IN ('sampled', 'training')`,
    [id, result.status, result.validationAccuracies, best, result.reward, result.paramCount, result.trainingSeconds, result.worker, result.error ?? null,
      result.validationPerplexities ?? null, perplexities.length ? Math.min(...perplexities) : null],
  );
  return getChild(db, key);
}

export function describeKey(key: ChildKey): string {
  return `${key.searchId}/r${key.replica}/i${key.iteration}/c${key.childIndex}`;
}

/** Best child first: lowest perplexity for recurrent cells, else (CNNs, perplexity NULL) highest accuracy. */
/** A weight-sharing search's retrained picks come before its shared-weight rewards: only they are from-scratch figures. */
const BEST_FIRST = "(phase = 'retrain') DESC, validation_perplexity ASC NULLS LAST, best_validation_accuracy DESC NULLS LAST, id";

export interface SearchProgressRow { childrenDone: number; bestAccuracy: number | null; bestChildId: number | null }

export async function searchProgress(db: Db, searchId: string): Promise<SearchProgressRow> {
  const { rows } = await db.query<{ done: string; best: number | null; best_id: string | null }>(
    `SELECT count(*) FILTER (WHERE status IN ('succeeded', 'failed') AND phase = 'search') AS done,
            coalesce(max(best_validation_accuracy) FILTER (WHERE phase = 'retrain'), max(best_validation_accuracy)) AS best,
            (SELECT id FROM children c2 WHERE c2.search_id = $1 AND c2.status = 'succeeded'
              ORDER BY ${BEST_FIRST} LIMIT 1) AS best_id
     FROM children WHERE search_id = $1`,
    [searchId],
  );
  const row = rows[0]!;
  return { childrenDone: Number(row.done), bestAccuracy: row.best, bestChildId: row.best_id === null ? null : Number(row.best_id) };
}

export async function bestChildren(db: Db, searchId: string, top: number): Promise<(ChildRow & { iteration: number })[]> {
  const { rows } = await db.query<Row & { iteration: number }>(
    `SELECT ${COLUMNS}, iteration FROM children WHERE search_id = $1 AND status = 'succeeded'
     ORDER BY ${BEST_FIRST} LIMIT $2`,
    [searchId, top],
  );
  return rows.map((r) => ({ ...toChild(r), iteration: r.iteration }));
}

/**
 * Children sampled so far by every replica: the global count the budget and the depth schedule
 * read. To claim slots, call it inside a transaction that holds `lockSearch`, so two replicas
 * cannot claim the same ones; outside, it is an estimate.
 */
export async function sampledChildrenCount(db: Db | PoolClient, searchId: string): Promise<number> {
  const { rows } = await db.query<{ n: string }>("SELECT count(*) AS n FROM children WHERE search_id = $1 AND phase = 'search'", [searchId]);
  return Number(rows[0]!.n);
}
