// The nasSearch workflow: the controller loop of Zoph & Le 2017 as durable steps.
//   sampleArchitectures → m × trainChild (training queue, in parallel) → applyReinforceUpdate
// Only ids, token summaries and numbers pass through history; parameters, optimizer slots and
// the baseline stay in Postgres. Not the place for tensors, SQL, files, env or clocks.
import {
  ApplicationFailure, type RetryPolicy, allHandlersFinished, condition, continueAsNew, patched, proxyActivities, setHandler,
  upsertSearchAttributes, workflowInfo,
} from '@temporalio/workflow';
import type { ControllerActivities, SearchSummary, TrainingActivities } from '../activities';
import { parseSearchConfig, parseSearchId } from '../config/parse';
import type { SearchConfig, SearchConfigInput } from '../config/search-config';
import { NON_RETRYABLE_ERROR_TYPES } from '../errors';
import { pauseSignal, progressQuery, resumeSignal, stopSignal, type SearchProgress } from './messages';
import { NasBestAccuracy, NasChildrenDone, NasSpace, NasStatus } from './search-attributes';

export interface NasSearchInput {
  /** Defaults to the workflow id. */
  searchId?: string;
  config?: SearchConfigInput;
  /** Iterations per workflow run before continueAsNew (default 100); keeps history bounded. */
  iterationsPerRun?: number;
  /** Set by continueAsNew: where the previous run stopped. */
  resume?: { iteration: number; childrenDone: number; bestAccuracy: number | null; baseline: number | null; paused: boolean };
}

export interface NasSearchResult extends SearchSummary {
  searchId: string;
  iterations: number;
  status: 'completed' | 'stopped';
}

/** Iterations per workflow run before continueAsNew, unless the input or the server says sooner. */
const ITERATIONS_PER_RUN = 100;

function activities(config: SearchConfig) {
  const retry: RetryPolicy = { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', nonRetryableErrorTypes: [...NON_RETRYABLE_ERROR_TYPES] };
  const controller = proxyActivities<ControllerActivities>({
    startToCloseTimeout: `${config.timeouts.controllerStartToCloseMinutes}m`,
    heartbeatTimeout: `${config.timeouts.controllerHeartbeatSeconds}s`,
    retry,
  });
  const training = proxyActivities<TrainingActivities>({
    taskQueue: config.trainingTaskQueue,
    startToCloseTimeout: `${config.timeouts.childStartToCloseMinutes}m`,
    heartbeatTimeout: `${config.timeouts.childHeartbeatSeconds}s`,
    retry: { ...retry, maximumAttempts: 20 },
  });
  // Activity proxies are Proxy objects: they cannot be spread into one object.
  return { controller, training };
}

function parseInput(input: NasSearchInput): { searchId: string; config: SearchConfig } {
  try {
    return { searchId: parseSearchId(input.searchId ?? workflowInfo().workflowId), config: parseSearchConfig(input.config) };
  } catch (err) {
    throw ApplicationFailure.nonRetryable((err as Error).message, 'InvalidConfigError');
  }
}

export async function nasSearch(input: NasSearchInput): Promise<NasSearchResult> {
  const { searchId, config } = parseInput(input);
  const acts = activities(config);
  const m = config.budget.childrenPerIteration;
  const budget = config.budget.maxChildren;
  const progress: SearchProgress = {
    searchId, phase: 'starting', iteration: input.resume?.iteration ?? 0, childrenDone: input.resume?.childrenDone ?? 0,
    childrenBudget: budget, bestAccuracy: input.resume?.bestAccuracy ?? null, baseline: input.resume?.baseline ?? null,
    currentDepth: null, lastArchitecture: null,
  };
  let paused = input.resume?.paused ?? false;
  let stopRequested = false;
  setHandler(progressQuery, () => progress);
  setHandler(pauseSignal, () => { paused = true; });
  setHandler(resumeSignal, () => { paused = false; });
  setHandler(stopSignal, () => { stopRequested = true; });

  if (!input.resume) await acts.controller.startSearch({ searchId, config: input.config ?? {} });
  let iterationsThisRun = 0;
  while (progress.childrenDone < budget && !stopRequested) {
    if (paused) {
      progress.phase = 'paused';
      await acts.controller.setStatus({ searchId, status: 'paused' });
      await condition(() => !paused || stopRequested);
      if (stopRequested) break;
      await acts.controller.setStatus({ searchId, status: 'running' });
    }
    if (iterationsThisRun >= (input.iterationsPerRun ?? ITERATIONS_PER_RUN) || workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      const resume = { iteration: progress.iteration, childrenDone: progress.childrenDone, bestAccuracy: progress.bestAccuracy, baseline: progress.baseline, paused };
      return continueAsNew<typeof nasSearch>({ ...input, searchId, resume });
    }
    await runIteration(acts, searchId, config.strategy, Math.min(m, budget - progress.childrenDone), progress);
    publish(progress, config, 'running');
    iterationsThisRun++;
  }

  progress.phase = stopRequested ? 'stopped' : 'completed';
  const status = stopRequested ? 'stopped' : 'completed';
  publish(progress, config, status);
  await acts.controller.setStatus({ searchId, status });
  const summary = await acts.controller.summarizeSearch({ searchId });
  await condition(allHandlersFinished);
  return { searchId, iterations: progress.iteration, status, ...summary };
}

/**
 * Progress as typed search attributes, for the Web UI's list and filters. Added after histories
 * were recorded without it, hence the patch: old runs replay without the upserts.
 */
function publish(progress: SearchProgress, config: SearchConfig, status: string): void {
  if (!patched('nas-search-attributes')) return;
  upsertSearchAttributes([
    { key: NasChildrenDone, value: progress.childrenDone },
    { key: NasSpace, value: config.space.kind },
    { key: NasStatus, value: status },
    ...(progress.bestAccuracy === null ? [] : [{ key: NasBestAccuracy, value: progress.bestAccuracy }]),
  ]);
}

/** One controller iteration (section 3.2): sample m children, train them in parallel, update (REINFORCE only). */
async function runIteration(acts: ReturnType<typeof activities>, searchId: string, strategy: SearchConfig['strategy'], count: number, progress: SearchProgress): Promise<void> {
  const key = { searchId, replica: 0, iteration: progress.iteration };
  progress.phase = 'sampling';
  const batch = await acts.controller.sampleArchitectures({ ...key, count, childrenBefore: progress.childrenDone });
  progress.currentDepth = batch.numLayers;
  progress.phase = 'training';
  const outcomes = await Promise.all(batch.children.map(async (child) => {
    const outcome = await acts.training.trainChild({ ...key, childIndex: child.childIndex });
    if (outcome.bestAccuracy !== null && (progress.bestAccuracy === null || outcome.bestAccuracy > progress.bestAccuracy)) {
      progress.bestAccuracy = outcome.bestAccuracy;
    }
    progress.lastArchitecture = child.summary;
    return outcome;
  }));
  if (strategy === 'reinforce') {
    progress.phase = 'updating';
    const update = await acts.controller.applyReinforceUpdate(key);
    progress.baseline = update.baselineAfter;
  }
  progress.childrenDone += outcomes.length;
  progress.iteration++;
}
