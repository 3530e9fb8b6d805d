// The messages of a running nasSearch, defined once: the CLI, tests and the Web UI use these.
import { defineQuery, defineSignal } from '@temporalio/workflow';

export type SearchPhase = 'starting' | 'sampling' | 'training' | 'updating' | 'paused' | 'stopping' | 'completed' | 'stopped';

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
}

export const progressQuery = defineQuery<SearchProgress>('progress');
/** Pause after the children in flight finish; nothing new is sampled until resume. */
export const pauseSignal = defineSignal('pause');
export const resumeSignal = defineSignal('resume');
/** Finish the iteration in flight (its update included), then complete with what was found. */
export const stopSignal = defineSignal('stop');
