// The nasSearch workflow: a search of Zoph & Le 2017 as durable steps. It creates the search, runs K
// controller replicas (workflows/replica.ts, section 3.3) and keeps their tally: progress, K, pause,
// resume, stop. Only ids, token summaries and numbers pass through history; parameters, optimizer
// slots and baselines stay in Postgres. Not the place for tensors, SQL, files, env or clocks.
import {
  ApplicationFailure, type SignalDefinition, allHandlersFinished, condition, continueAsNew, getExternalWorkflowHandle, patched, setHandler,
  startChild, upsertSearchAttributes, workflowInfo,
} from '@temporalio/workflow';
import type { SearchSummary } from '../activities';
import { parseSearchConfig, parseSearchId } from '../config/parse';
import type { SearchConfig, SearchConfigInput } from '../config/search-config';
import { activities, type SearchActivities } from './activities';
import { checkWorkflowInput, NasSearchInputSchema, parsedOrFail } from './input';
import {
  pauseSignal, progressQuery, type ReplicaReport, replicaReportSignal, resumeSignal, setReplicasUpdate, stopSignal, type SearchProgress,
} from './messages';
import { nasReplica } from './replica';
import { retrainPicks } from './weight-sharing';
import { depthAt } from '../space/search-space';
import { NasBestAccuracy, NasChildrenDone, NasSpace, NasStatus } from './search-attributes';

export interface NasSearchInput {
  /** Defaults to the workflow id. */
  searchId?: string;
  config?: SearchConfigInput;
  /** Iterations per workflow run before continueAsNew (default 100); keeps history bounded. */
  iterationsPerRun?: number;
  /** Set by continueAsNew: where the previous run stopped. */
  resume?: {
    iteration: number; childrenDone: number; bestAccuracy: number | null; baseline: number | null; paused: boolean;
    /** Absent in runs from before replicas were workflows of their own. */
    replicas?: ReplicaSet;
    stopping?: boolean;
  };
}

/** The replicas a search has started, carried across continueAsNew. */
interface ReplicaSet {
  /** Index of the next replica to start: indices are never reused, so (replica, iteration) stays unique. */
  next: number;
  /** Started and not yet reported finished. */
  live: number[];
  /** Live replicas told to stop because K went down. */
  retiring: number[];
  /** Live replicas that reported they are parked on the pause. */
  parked: number[];
  wanted: number;
  budgetSpent: boolean;
  /** What was last forwarded to the replicas. */
  forwarded: { paused: boolean; stop: boolean };
  failure: string | null;
}

export interface NasSearchResult extends SearchSummary {
  searchId: string;
  iterations: number;
  status: 'completed' | 'stopped';
}

/** Iterations per workflow run before continueAsNew, unless the input or the server says sooner. */
const ITERATIONS_PER_RUN = 100;

function parseInput(input: NasSearchInput): { searchId: string; config: SearchConfig } {
  checkWorkflowInput('nasSearch', NasSearchInputSchema, input);
  return parsedOrFail(() => ({ searchId: parseSearchId(input.searchId ?? workflowInfo().workflowId), config: parseSearchConfig(input.config) }));
}

export async function nasSearch(input: NasSearchInput): Promise<NasSearchResult> {
  const { searchId, config } = parseInput(input);
  const acts = activities(config);
  const budget = config.budget.maxChildren;
  const progress: SearchProgress = {
    searchId, phase: 'starting', iteration: input.resume?.iteration ?? 0, childrenDone: input.resume?.childrenDone ?? 0,
    childrenBudget: budget, bestAccuracy: input.resume?.bestAccuracy ?? null, baseline: input.resume?.baseline ?? null,
    currentDepth: null, lastArchitecture: null,
  };
  let paused = input.resume?.paused ?? false;
  let stopRequested = input.resume?.stopping ?? false;
  let changed = false;
  setHandler(progressQuery, () => progress);
  setHandler(pauseSignal, () => { paused = true; changed = true; });
  setHandler(resumeSignal, () => { paused = false; changed = true; });
  setHandler(stopSignal, () => { stopRequested = true; changed = true; });

  if (!input.resume) await acts.controller.startSearch({ searchId, config: input.config ?? {} });
  if (!patched('replica-workflows')) return inlineSearch(acts, input, searchId, config, progress, { paused: () => paused, stopRequested: () => stopRequested });

  const replicas: ReplicaSet = input.resume?.replicas ?? {
    next: 0, live: [], retiring: [], parked: [], wanted: config.distributed.replicas, budgetSpent: false, forwarded: { paused: false, stop: false }, failure: null,
  };
  let reportsThisRun = 0;
  setHandler(replicaReportSignal, (report) => {
    tally(progress, replicas, report);
    reportsThisRun++;
    changed = true;
  });
  setHandler(setReplicasUpdate, (wanted) => {
    replicas.wanted = wanted;
    changed = true;
    return { running: replicas.live.length - replicas.retiring.length, wanted };
  }, {
    validator: (wanted) => {
      if (!Number.isInteger(wanted) || wanted < 1 || wanted > 800) throw new Error(`replicas must be an integer from 1 to 800, got ${wanted}`);
      if (config.strategy !== 'reinforce' && wanted !== 1) throw new Error(`a ${config.strategy} search runs as one replica`);
      if (config.mode === 'weightSharing' && wanted !== 1) throw new Error('a weight-sharing search runs as one replica (one ω)');
      if (stopRequested || replicas.budgetSpent) throw new Error('the search is finishing: its replicas are not changed any more');
    },
  });

  const self = workflowInfo().workflowId;
  for (;;) {
    await reconcile(acts, { searchId, self, input, replicas, paused, stopRequested, budgetLeft: progress.childrenDone < budget });
    progress.replicas = { running: replicas.live.length, wanted: replicas.wanted };
    progress.currentDepth = depthAt(config, progress.childrenDone);
    progress.phase = stopRequested || replicas.failure ? 'stopping'
      : paused ? (replicas.live.every((r) => replicas.parked.includes(r)) ? 'paused' : 'pausing') : 'training';
    publish(progress, config, paused ? 'paused' : 'running');
    if (replicas.live.length === 0) break;
    if (reportsThisRun >= (input.iterationsPerRun ?? ITERATIONS_PER_RUN) || workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      const resume = {
        iteration: progress.iteration, childrenDone: progress.childrenDone, bestAccuracy: progress.bestAccuracy,
        baseline: progress.baseline, paused, replicas, stopping: stopRequested,
      };
      return continueAsNew<typeof nasSearch>({ ...input, searchId, resume });
    }
    await condition(() => changed || workflowInfo().continueAsNewSuggested);
    changed = false;
  }

  if (replicas.failure !== null) {
    await acts.controller.setStatus({ searchId, status: 'failed' });
    throw ApplicationFailure.nonRetryable(`a controller replica of ${searchId} failed: ${replicas.failure}`, 'ReplicaFailedError');
  }
  if (config.mode === 'weightSharing' && !stopRequested) {
    publish(progress, config, 'running');
    await retrainPicks(acts, searchId, progress);
  }
  return finish(acts, searchId, config, progress, stopRequested);
}

async function finish(acts: SearchActivities, searchId: string, config: SearchConfig, progress: SearchProgress, stopped: boolean): Promise<NasSearchResult> {
  progress.phase = stopped ? 'stopped' : 'completed';
  const status = stopped ? 'stopped' : 'completed';
  publish(progress, config, status);
  await acts.controller.setStatus({ searchId, status });
  const summary = await acts.controller.summarizeSearch({ searchId });
  await condition(allHandlersFinished);
  return { searchId, iterations: progress.iteration, status, ...summary };
}

/** A replica's report, added to the search's tally. */
function tally(progress: SearchProgress, replicas: ReplicaSet, report: ReplicaReport): void {
  progress.childrenDone += report.children;
  if (report.children > 0) progress.iteration++;
  if (report.bestAccuracy !== null && (progress.bestAccuracy === null || report.bestAccuracy > progress.bestAccuracy)) progress.bestAccuracy = report.bestAccuracy;
  if (report.baseline !== null) progress.baseline = report.baseline;
  if (report.lastArchitecture !== null) progress.lastArchitecture = report.lastArchitecture;
  if (report.parked && !replicas.parked.includes(report.replica)) replicas.parked.push(report.replica);
  if (!report.finished) return;
  replicas.parked = replicas.parked.filter((r) => r !== report.replica);
  replicas.live = replicas.live.filter((r) => r !== report.replica);
  replicas.retiring = replicas.retiring.filter((r) => r !== report.replica);
  if (report.finished === 'budget') replicas.budgetSpent = true;
  if (report.finished === 'failed') replicas.failure = `replica ${report.replica}: ${report.error ?? 'failed'}`;
}

interface ReconcileState {
  searchId: string;
  self: string;
  input: NasSearchInput;
  replicas: ReplicaSet;
  paused: boolean;
  stopRequested: boolean;
  budgetLeft: boolean;
}

/** Brings the running replicas in line with K, pause and stop: starts, retires and tells them. */
async function reconcile(acts: SearchActivities, s: ReconcileState): Promise<void> {
  const { replicas } = s;
  const stopping = s.stopRequested || replicas.failure !== null;
  const active = () => replicas.live.filter((r) => !replicas.retiring.includes(r));
  const missing = !stopping && !replicas.budgetSpent && s.budgetLeft ? Math.max(0, replicas.wanted - active().length) : 0;
  const starting = Array.from({ length: missing }, () => replicas.next++);
  // Live before their starts are confirmed: a replica may run, finish and report while another's start
  // is still unconfirmed, and its report must find it in the list (pushed after, it stayed live for good
  // and the search waited forever: seen at K = 49, when one start was confirmed only at the end).
  replicas.live.push(...starting);
  // Started together (K = 100 is 100 round trips otherwise); the commands keep this order on replay.
  await Promise.all(starting.map((replica) => startChild(nasReplica, {
    workflowId: `${s.self}/replica-${replica}`,
    args: [{ searchId: s.searchId, replica, searchWorkflowId: s.self, config: s.input.config ?? {}, paused: s.paused, iterationsPerRun: s.input.iterationsPerRun }],
    // Replicas outlive a continueAsNew of the search; they report to it by workflow id.
    parentClosePolicy: 'ABANDON',
  })));
  // K went down: the newest replicas finish their iteration in flight, then stop.
  for (const replica of active().sort((a, b) => b - a).slice(0, Math.max(0, active().length - replicas.wanted))) {
    replicas.retiring.push(replica);
    // Since sample-ahead, a retiring replica is told so: it trains what it drew (runs from before: a plain stop).
    await tellReplica(s.self, replica, stopSignal, ...(patched('retire-trains-sampled') ? [{ retire: true }] : []));
  }
  if (s.paused !== replicas.forwarded.paused) {
    replicas.forwarded.paused = s.paused;
    replicas.parked = [];
    for (const replica of replicas.live) await tellReplica(s.self, replica, s.paused ? pauseSignal : resumeSignal);
    await acts.controller.setStatus({ searchId: s.searchId, status: s.paused ? 'paused' : 'running' });
  }
  if (stopping && !replicas.forwarded.stop) {
    replicas.forwarded.stop = true;
    for (const replica of replicas.live) await tellReplica(s.self, replica, stopSignal);
  }
}

async function tellReplica<Args extends unknown[]>(self: string, replica: number, signal: SignalDefinition<Args>, ...args: Args): Promise<void> {
  try {
    await getExternalWorkflowHandle(`${self}/replica-${replica}`).signal(signal, ...args);
  } catch {
    // It finished meanwhile; its last report is on its way.
  }
}

/** Before replicas were workflows of their own: histories recorded then replay through this loop. */
async function inlineSearch(
  acts: SearchActivities, input: NasSearchInput, searchId: string, config: SearchConfig, progress: SearchProgress,
  flags: { paused: () => boolean; stopRequested: () => boolean },
): Promise<NasSearchResult> {
  const m = config.budget.childrenPerIteration;
  const budget = config.budget.maxChildren;
  let iterationsThisRun = 0;
  while (progress.childrenDone < budget && !flags.stopRequested()) {
    if (flags.paused()) {
      progress.phase = 'paused';
      await acts.controller.setStatus({ searchId, status: 'paused' });
      await condition(() => !flags.paused() || flags.stopRequested());
      if (flags.stopRequested()) break;
      await acts.controller.setStatus({ searchId, status: 'running' });
    }
    if (iterationsThisRun >= (input.iterationsPerRun ?? ITERATIONS_PER_RUN) || workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      const resume = { iteration: progress.iteration, childrenDone: progress.childrenDone, bestAccuracy: progress.bestAccuracy, baseline: progress.baseline, paused: flags.paused() };
      return continueAsNew<typeof nasSearch>({ ...input, searchId, resume });
    }
    await runIteration(acts, searchId, config.strategy, Math.min(m, budget - progress.childrenDone), progress);
    publish(progress, config, 'running');
    iterationsThisRun++;
  }
  return finish(acts, searchId, config, progress, flags.stopRequested());
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
async function runIteration(acts: SearchActivities, searchId: string, strategy: SearchConfig['strategy'], count: number, progress: SearchProgress): Promise<void> {
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
