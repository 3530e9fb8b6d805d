// One controller replica of section 3.3 (Zoph & Le 2017): loops pull → sample m → train the m
// children in parallel → push its REINFORCE gradient, never waiting for other replicas. Started by
// nasSearch, which it tells of every iteration; the budget and depth schedule are global (claimed in
// Postgres by sampleArchitectures). Not the search's bookkeeping: that is nas-search.ts.
import {
  ActivityFailure, ApplicationFailure, allHandlersFinished, condition, continueAsNew, getExternalWorkflowHandle, log, patched, setHandler, workflowInfo,
} from '@temporalio/workflow';
import { parseSearchConfig } from '../config/parse';
import { type SearchConfig, type SearchConfigInput, samplesAhead } from '../config/search-config';
import { activities, type SearchActivities } from './activities';
import { checkWorkflowInput, NasReplicaInputSchema, parsedOrFail } from './input';
import { pauseSignal, type ReplicaReport, replicaReportSignal, resumeSignal, stopSignal } from './messages';
import { type SampleAhead, sampleAhead } from './sample-ahead';
import { type OmegaRoute, sharedIteration } from './weight-sharing';

export interface NasReplicaInput {
  searchId: string;
  replica: number;
  /** The nasSearch workflow to report to (by id: reports reach its latest run). */
  searchWorkflowId: string;
  config: SearchConfigInput;
  paused: boolean;
  /** Iterations per run before continueAsNew (default 100). */
  iterationsPerRun?: number;
  /** Set by continueAsNew. */
  resume?: { iteration: number; bestAccuracy: number | null };
}

export interface NasReplicaResult {
  replica: number;
  iterations: number;
  finished: 'budget' | 'stopped';
}

const ITERATIONS_PER_RUN = 100;

export async function nasReplica(input: NasReplicaInput): Promise<NasReplicaResult> {
  checkWorkflowInput('nasReplica', NasReplicaInputSchema, input);
  const config = parsedOrFail(() => parseSearchConfig(input.config));
  const acts = activities(config);
  let paused = input.paused;
  let stopRequested = false;
  setHandler(pauseSignal, () => { paused = true; });
  setHandler(resumeSignal, () => { paused = false; });
  let retiring = false;
  // A plain stop (the search's) overrides a retirement asked before it.
  setHandler(stopSignal, (how) => { stopRequested = true; retiring = how?.retire === true; });
  const search = getExternalWorkflowHandle(input.searchWorkflowId);
  const report: ReplicaReport = {
    replica: input.replica, iteration: input.resume?.iteration ?? 0, children: 0,
    bestAccuracy: input.resume?.bestAccuracy ?? null, baseline: null, depth: null, lastArchitecture: null,
  };
  const tell = async (r: ReplicaReport): Promise<boolean> => {
    try {
      await search.signal(replicaReportSignal, r);
      return true;
    } catch (err) {
      // The search is gone (terminated, or finished without us): a replica has no one to work for.
      log.warn('replica cannot reach its search; stopping', { replica: input.replica, error: String(err) });
      return false;
    }
  };

  const omega: OmegaRoute = { taskQueue: null, lost: 0 };
  let iterationsThisRun = 0;
  let finished: NasReplicaResult['finished'] = 'stopped';
  // Runs begun before sample-ahead existed replay without it (the patch marker is not in their history).
  const pipeline = samplesAhead(config) && patched('sample-ahead') ? sampleAhead(acts, config, input.searchId, input.replica, report) : null;
  /**
   * Batches begun finish with their updates. The one sampled ahead waits (pause, a new run). After a
   * stop nothing more is sampled: a retiring replica trains what it drew, a stopping one gives it back.
   * Ends 'spent' (nothing left to train), 'held' (a batch waits), or 'gone' (the search is).
   */
  const settle = async (p: SampleAhead): Promise<'spent' | 'held' | 'gone'> => {
    const finishing = () => stopRequested && retiring && !paused;
    for (;;) {
      const trained = await p.advance(() => !finishing(), () => stopRequested);
      if (typeof trained !== 'number') {
        if (stopRequested && !retiring) await p.release();
        return trained;
      }
      iterationsThisRun++;
      if (!(await tell({ ...report, children: trained }))) return 'gone';
    }
  };
  const dueForNewRun = () => iterationsThisRun >= (input.iterationsPerRun ?? ITERATIONS_PER_RUN) || workflowInfo().continueAsNewSuggested;
  try {
    for (;;) {
      if (pipeline && (paused || stopRequested || dueForNewRun())) {
        const settled = await settle(pipeline);
        if (settled === 'gone') break;
        // The budget was spent while settling for a new run: nothing is left for one.
        if (settled === 'spent' && !stopRequested && !paused) { finished = 'budget'; break; }
      }
      if (paused) {
        await tell({ ...report, children: 0, parked: true });
        // A replica retiring with a batch sampled ahead stays parked until the resume, then trains it.
        await condition(() => !paused || (stopRequested && !(retiring && pipeline?.holding())));
        // Stopped while parked: what was sampled ahead is trained (retiring) or given back.
        if (pipeline && stopRequested && (await settle(pipeline)) === 'gone') break;
      }
      if (stopRequested) break;
      if (dueForNewRun()) {
        await condition(allHandlersFinished);
        // Updates land in order, so report.iteration is the first without one; with sample-ahead the next
        // run's first sample finds the batch sampled ahead there (sampling is idempotent).
        return continueAsNew<typeof nasReplica>({
          ...input, paused, resume: { iteration: report.iteration, bestAccuracy: report.bestAccuracy },
        });
      }
      const advanced = pipeline ? await pipeline.advance(() => paused || stopRequested, () => stopRequested) : undefined;
      // Held: a pause or stop came while nothing ran; the top of the loop deals with it.
      if (advanced === 'held') continue;
      const trained = advanced !== undefined ? (advanced === 'spent' ? 0 : advanced)
        : config.mode === 'weightSharing'
          ? await sharedIteration(acts, config, { searchId: input.searchId, replica: input.replica, iteration: report.iteration }, report, omega)
          : await runIteration(acts, config, input.searchId, input.replica, report);
      if (trained === 0) {
        finished = 'budget';
        break;
      }
      iterationsThisRun++;
      if (!(await tell({ ...report, children: trained }))) break;
    }
  } catch (err) {
    await tell({ ...report, children: 0, finished: 'failed', error: failureText(err) });
    throw err;
  }
  await tell({ ...report, children: 0, finished });
  await condition(allHandlersFinished);
  return { replica: input.replica, iterations: report.iteration, finished };
}

/** What failed, not the wrapper: an activity's failure carries the activity's own error as its cause. */
function failureText(err: unknown): string {
  const cause = err instanceof ActivityFailure && err.cause ? err.cause : err;
  if (cause instanceof ApplicationFailure) return `${cause.type ?? 'Error'}: ${cause.message}`;
  return cause instanceof Error ? cause.message : String(cause);
}

/** One iteration of section 3.2 on this replica; returns the number of children trained (0: budget spent). */
async function runIteration(acts: SearchActivities, config: SearchConfig, searchId: string, replica: number, report: ReplicaReport): Promise<number> {
  const key = { searchId, replica, iteration: report.iteration };
  const batch = await acts.controller.sampleArchitectures({ ...key, count: config.budget.childrenPerIteration });
  if (batch.children.length === 0) return 0;
  report.depth = batch.numLayers;
  await Promise.all(batch.children.map(async (child) => {
    const outcome = await acts.training.trainChild({ ...key, childIndex: child.childIndex });
    if (outcome.bestAccuracy !== null && (report.bestAccuracy === null || outcome.bestAccuracy > report.bestAccuracy)) {
      report.bestAccuracy = outcome.bestAccuracy;
    }
    report.lastArchitecture = child.summary;
  }));
  if (config.strategy === 'reinforce') report.baseline = (await acts.controller.applyReinforceUpdate(key)).baselineAfter;
  report.iteration++;
  return batch.children.length;
}
