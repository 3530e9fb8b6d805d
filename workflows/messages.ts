// The messages of a running nasSearch, defined once: the CLI, tests and the Web UI use these.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';

export type SearchPhase = 'starting' | 'sampling' | 'training' | 'updating' | 'pausing' | 'paused' | 'stopping' | 'retraining' | 'completed' | 'stopped';

export interface SearchProgress {
  searchId: string;
  phase: SearchPhase;
  iteration: number;
  childrenDone: number;
  childrenBudget: number;
  bestAccuracy: number | null;
  baseline: number | null;
  currentDepth: number | null;
  lastArchitecture: string | null;
  /** Controller replicas (section 3.3): running now, and how many the search wants. */
  replicas?: { running: number; wanted: number };
}

export const progressQuery = defineQuery<SearchProgress>('progress');
/**
 * Pause after the children in flight finish (with sample-ahead: the batches begun); nothing new
 * begins training until resume. A batch may still be sampled ahead meanwhile, and waits.
 */
export const pauseSignal = defineSignal('pause');
export const resumeSignal = defineSignal('resume');
/**
 * Finish the iteration in flight (its update included), then complete with what was found. To a
 * replica, `retire` (K went down, the search goes on) also trains a batch it sampled ahead, so its
 * children stay in the budget; a plain stop gives that batch back.
 */
export const stopSignal = defineSignal<[{ retire?: boolean }?]>('stop');

/** Change K while the search runs: replicas are added at once; extra ones retire after their iteration in flight. */
export const setReplicasUpdate = defineUpdate<{ running: number; wanted: number }, [number]>('setReplicas');

/** Sent by a replica to its search after every iteration, and once when it finishes. Internal. */
export interface ReplicaReport {
  replica: number;
  /** Iterations this replica has completed (its next iteration's index). */
  iteration: number;
  /** Children trained in the iteration just completed (0 in a finishing report). */
  children: number;
  bestAccuracy: number | null;
  baseline: number | null;
  depth: number | null;
  lastArchitecture: string | null;
  /** Set when the replica parks on a pause, before beginning anything new. */
  parked?: boolean;
  /** Set on the last report: why the replica stopped. */
  finished?: 'budget' | 'stopped' | 'failed';
  error?: string;
}
export const replicaReportSignal = defineSignal<[ReplicaReport]>('replicaReport');
