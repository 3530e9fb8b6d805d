// Everything a finished search decided, read from SQL as plain values, so that two runs of the same
// seed can be compared bit for bit: children (architecture, per-epoch accuracies, reward; in weight
// sharing their phase, ω step and pick), updates, shard pushes, baselines, a hash of every shard's
// parameters and Adam slots, and of the newest ω checkpoint. Leaves out only
// what may differ between faithful runs: ids, times, workers, attempts. Read-only.
import { createHash } from 'node:crypto';
import type { Db } from '../../store/db';

export interface SearchOutcome {
  children: { replica: number; iteration: number; childIndex: number; numLayers: number; archKey: string; tokens: number[]; logProb: number; entropy: number; status: string; validationAccuracies: number[] | null; reward: number | null; paramCount: string | null; phase: string; omegaStep: number | null; pick: string | null }[];
  updates: { replica: number; iteration: number; childrenCount: number; meanReward: number; maxReward: number; baselineBefore: number; baselineAfter: number; loss: number; gradientNorm: number; versionsBefore: string[]; versionsAfter: string[]; staleness: number }[];
  pushes: { replica: number; iteration: number; shard: number; snapshotVersion: string; versionBefore: string; versionAfter: string; applied: boolean }[];
  baselines: { replica: number; value: number | null; rewardsSeen: string }[];
  /** Per shard: version, Adam step and sha256 of params ‖ adam_m ‖ adam_v ‖ accumulated. */
  shards: { shard: number; version: string; adamStep: number; accumulatedCount: number; sha256: string }[];
  /** Weight sharing: the newest ω checkpoint's step and sha256 of its weights (null: not a weight-sharing search). */
  omega: { step: number; sha256: string } | null;
  /** Snapshots not yet consumed by their update: none once a search has finished. */
  snapshotsLeft: number;
}

export async function searchOutcome(pool: Db, searchId: string): Promise<SearchOutcome> {
  const q = async (sql: string) => (await pool.query(sql, [searchId])).rows;
  const children = await q(`SELECT replica, iteration, child_index, num_layers, arch_key, tokens, log_prob, entropy, status,
    validation_accuracies, reward, param_count, phase, omega_step, pick FROM children WHERE search_id = $1 ORDER BY replica, iteration, child_index`);
  const updates = await q(`SELECT replica, iteration, children_count, mean_reward, max_reward, baseline_before, baseline_after, loss,
    gradient_norm, parameter_versions_before, parameter_versions_after, staleness FROM updates WHERE search_id = $1 ORDER BY replica, iteration`);
  const pushes = await q(`SELECT replica, iteration, shard, snapshot_version, version_before, version_after, applied
    FROM shard_pushes WHERE search_id = $1 ORDER BY replica, iteration, shard`);
  const baselines = await q('SELECT replica, value, rewards_seen FROM baselines WHERE search_id = $1 ORDER BY replica');
  const shards = await q(`SELECT shard, version, params, adam_m, adam_v, adam_step, accumulated, accumulated_count
    FROM parameter_shards WHERE search_id = $1 ORDER BY shard`);
  const snapshots = await q('SELECT count(*) AS n FROM parameter_snapshots WHERE search_id = $1');
  const [omega] = await q('SELECT step, weights FROM shared_weights WHERE search_id = $1 ORDER BY step DESC LIMIT 1');
  return {
    children: children.map((r) => ({
      replica: r.replica, iteration: r.iteration, childIndex: r.child_index, numLayers: r.num_layers, archKey: r.arch_key, tokens: r.tokens,
      logProb: r.log_prob, entropy: r.entropy, status: r.status, validationAccuracies: r.validation_accuracies, reward: r.reward, paramCount: r.param_count,
      phase: r.phase, omegaStep: r.omega_step, pick: r.pick,
    })),
    updates: updates.map((r) => ({
      replica: r.replica, iteration: r.iteration, childrenCount: r.children_count, meanReward: r.mean_reward, maxReward: r.max_reward,
      baselineBefore: r.baseline_before, baselineAfter: r.baseline_after, loss: r.loss, gradientNorm: r.gradient_norm,
      versionsBefore: r.parameter_versions_before, versionsAfter: r.parameter_versions_after, staleness: r.staleness,
    })),
    pushes: pushes.map((r) => ({
      replica: r.replica, iteration: r.iteration, shard: r.shard, snapshotVersion: r.snapshot_version, versionBefore: r.version_before, versionAfter: r.version_after, applied: r.applied,
    })),
    baselines: baselines.map((r) => ({ replica: r.replica, value: r.value, rewardsSeen: r.rewards_seen })),
    shards: shards.map((r) => ({
      shard: r.shard, version: r.version, adamStep: r.adam_step, accumulatedCount: r.accumulated_count,
      sha256: createHash('sha256').update(r.params).update(r.adam_m).update(r.adam_v).update(r.accumulated ?? Buffer.alloc(0)).digest('hex'),
    })),
    omega: omega ? { step: omega.step, sha256: createHash('sha256').update(omega.weights).digest('hex') } : null,
    snapshotsLeft: Number(snapshots[0].n),
  };
}

/** Where two outcomes differ, as "children[3].reward: 0.41 ≠ 0.39" lines (at most `limit`); [] when identical. */
export function outcomeDifferences(expected: SearchOutcome, actual: SearchOutcome, limit = 12): string[] {
  const out: string[] = [];
  const walk = (a: unknown, b: unknown, where: string): void => {
    if (out.length >= limit) return;
    if (Array.isArray(a) && Array.isArray(b)) {
      if (a.length !== b.length) out.push(`${where}: ${a.length} rows ≠ ${b.length} rows`);
      for (let i = 0; i < Math.min(a.length, b.length); i++) walk(a[i], b[i], `${where}[${i}]`);
    } else if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
      for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) walk((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], `${where}.${key}`);
    } else if (!Object.is(a, b)) {
      out.push(`${where}: ${JSON.stringify(a)} ≠ ${JSON.stringify(b)}`);
    }
  };
  walk(expected, actual, 'outcome');
  return out;
}

/** One line for logs: counts and the shards' hashes. */
export function outcomeLine(o: SearchOutcome): string {
  return `${o.children.length} children, ${o.updates.length} updates, baseline ${o.baselines.map((b) => b.value).join('/')}, `
    + `shards ${o.shards.map((s) => `v${s.version}:${s.sha256.slice(0, 12)}`).join(' ')}${o.omega ? `, ω step ${o.omega.step}:${o.omega.sha256.slice(0, 12)}` : ''}`;
}
