// A controller iteration of a weight-sharing search (ENAS, Pham et al. 2018, section 2.2) and the
// end of such a search: sample m children, train the shared weights ω on this iteration's minibatches,
// reward the m children under ω, apply the same REINFORCE update; at the end retrain the top picks
// from scratch. ω lives in one worker's memory: its work goes to that worker's own task queue, and
// when the worker is gone the search claims another, which resumes from ω's newest checkpoint.
// Not the place for tensors, SQL, files, env or clocks.
import { ActivityFailure, TimeoutFailure, log } from '@temporalio/workflow';
import type { SearchConfig } from '../config/search-config';
import type { SearchActivities } from './activities';
import type { ReplicaReport, SearchProgress } from './messages';

/** The ω worker this replica sends its ω work to, and how many in a row were lost. */
export interface OmegaRoute { taskQueue: string | null; lost: number }

/** Workers lost in a row before the search gives up (each loss waits for a timeout first). */
const MAX_LOST_IN_A_ROW = 10;

type Sharing = ReturnType<SearchActivities['sharing']>;

async function onOmegaWorker<T>(acts: SearchActivities, searchId: string, route: OmegaRoute, work: (sharing: Sharing) => Promise<T>): Promise<T> {
  for (;;) {
    route.taskQueue ??= (await acts.claim.claimSharedWeights({ searchId })).taskQueue;
    try {
      const result = await work(acts.sharing(route.taskQueue));
      route.lost = 0;
      return result;
    } catch (err) {
      // Timed out (no heartbeat, or never picked up): the worker died or left. Any other failure is real.
      const lost = err instanceof ActivityFailure && err.cause instanceof TimeoutFailure;
      if (!lost || ++route.lost > MAX_LOST_IN_A_ROW) throw err;
      log.warn('ω worker lost; claiming another', { searchId, taskQueue: route.taskQueue, lostInARow: route.lost });
      route.taskQueue = null;
    }
  }
}

/** One iteration; returns the number of children rewarded (0: the budget is spent). */
export async function sharedIteration(
  acts: SearchActivities, config: SearchConfig, key: { searchId: string; replica: number; iteration: number }, report: ReplicaReport, route: OmegaRoute,
): Promise<number> {
  const batch = await acts.controller.sampleArchitectures({ ...key, count: config.budget.childrenPerIteration });
  if (batch.children.length === 0) return 0;
  report.depth = batch.numLayers;
  await onOmegaWorker(acts, key.searchId, route, (sharing) => sharing.trainSharedWeights(key));
  const evaluation = await onOmegaWorker(acts, key.searchId, route, (sharing) => sharing.evaluateSharedChildren(key));
  for (const child of evaluation.children) {
    if (report.bestAccuracy === null || child.sharedAccuracy > report.bestAccuracy) report.bestAccuracy = child.sharedAccuracy;
  }
  report.lastArchitecture = batch.children[batch.children.length - 1]!.summary;
  report.baseline = (await acts.controller.applyReinforceUpdate(key)).baselineAfter;
  report.iteration++;
  return batch.children.length;
}

/** The answer of a weight-sharing search: its picks retrained from scratch as ordinary children. */
export async function retrainPicks(acts: SearchActivities, searchId: string, progress: SearchProgress): Promise<void> {
  progress.phase = 'retraining';
  const keys = await acts.controller.prepareRetrain({ searchId });
  // One pick that cannot be trained (its attempts spent) does not undo the others: the search keeps them.
  const settled = await Promise.allSettled(keys.map((key) => acts.training.trainChild(key)));
  const outcomes = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  if (outcomes.length === 0 && settled.length > 0) throw (settled[0] as PromiseRejectedResult).reason;
  const best = outcomes.map((o) => o.bestAccuracy).filter((a): a is number => a !== null);
  // From here on the search's best is a from-scratch accuracy, as nas best shows it.
  if (best.length > 0) progress.bestAccuracy = Math.max(...best);
}
