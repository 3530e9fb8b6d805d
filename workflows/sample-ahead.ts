// A replica's iterations with the next batch sampled while the current one trains (issue 11: no idle
// training slots). Without it every slot waits at the end of an iteration for the slowest child, the
// update and the next sample. With it, batch j+1 waits sampled, and the first slot a child of batch j
// frees begins it; update j runs while j+1 trains. At most m children of a replica train at once.
//
// Decisions stay a function of the seed, whatever the timing, pauses or kills: batch j+1 is sampled
// once update j−1 has landed and batch j has begun, and update j waits until that sample is drawn. So
// sample j+1 always reads the parameters after updates 0..j−1, and batch j's gradient, taken at the
// parameters it was sampled with, is applied one update later (staleness 1, as two of the paper's
// asynchronous replicas would see). A batch begins only when not held (pause, stop, a new run next);
// a held batch keeps its place and begins on resume, or is given back when the replica stops.
import { condition } from '@temporalio/workflow';
import type { SearchConfig } from '../config/search-config';
import type { SearchActivities } from './activities';
import type { ReplicaReport } from './messages';

interface Batch { iteration: number; numLayers: number; children: { childIndex: number; summary: string }[] }
interface Running { iteration: number; done: Promise<number>; drawn: () => void }

export interface SampleAhead {
  /**
   * Samples and begins batches as the rule allows (begins none while `held()`; samples no more once
   * `noMore()`), until an update lands; returns its children. When nothing runs: 'spent' (the budget
   * is, or sampling ended), or 'held' (the next batch is).
   */
  advance(held: () => boolean, noMore: () => boolean): Promise<number | 'held' | 'spent'>;
  /** Gives back the batch sampled ahead, if any, untrained (the replica stops). */
  release(): Promise<void>;
  /** A batch is sampled ahead and not begun. */
  holding(): boolean;
}

/** m training slots; children take them in the order they asked, so a replay hands them out alike. */
function slots(count: number) {
  let free = count;
  const waiting: (() => void)[] = [];
  return {
    free: () => free,
    acquire: (): Promise<void> => {
      if (free > 0) { free--; return Promise.resolve(); }
      return new Promise((resolve) => { waiting.push(resolve); });
    },
    release: (): void => {
      const next = waiting.shift();
      if (next) next();
      else free++;
    },
  };
}

export function sampleAhead(acts: SearchActivities, config: SearchConfig, searchId: string, replica: number, report: ReplicaReport): SampleAhead {
  const m = config.budget.childrenPerIteration;
  const window = slots(m);
  let next = report.iteration;
  let ahead: Batch | null = null;
  const running: Running[] = [];
  let spent = false;

  const sample = async (): Promise<void> => {
    const iteration = next++;
    const batch = await acts.controller.sampleArchitectures({ searchId, replica, iteration, count: m });
    if (batch.children.length === 0) {
      spent = true;
      next = iteration; // nothing was drawn: the iteration stays free
    } else {
      ahead = { iteration, ...batch };
    }
    // The batch running now may take its update: the sample after it is drawn.
    running.at(-1)?.drawn();
  };

  const begin = (batch: Batch): void => {
    const key = { searchId, replica, iteration: batch.iteration };
    let drawn!: () => void;
    const sampledAfter = new Promise<void>((resolve) => { drawn = resolve; });
    if (spent) drawn();
    // Updates land in iteration order even when sampling ended early (a retiring replica's last two).
    const before = running.at(-1)?.done;
    report.depth = batch.numLayers;
    const done = (async () => {
      await Promise.all(batch.children.map(async (child) => {
        await window.acquire();
        try {
          const outcome = await acts.training.trainChild({ ...key, childIndex: child.childIndex });
          if (outcome.bestAccuracy !== null && (report.bestAccuracy === null || outcome.bestAccuracy > report.bestAccuracy)) {
            report.bestAccuracy = outcome.bestAccuracy;
          }
          report.lastArchitecture = child.summary;
        } finally {
          window.release();
        }
      }));
      await sampledAfter;
      await before?.catch(() => undefined); // its failure is advance's to report
      if (config.strategy === 'reinforce') report.baseline = (await acts.controller.applyReinforceUpdate(key)).baselineAfter;
      report.iteration = batch.iteration + 1;
      return batch.children.length;
    })();
    // Awaited by advance once it is the oldest; until then a failure must not count as unhandled.
    done.catch(() => undefined);
    running.push({ iteration: batch.iteration, done, drawn });
  };

  const sampleNoMore = (): void => {
    spent = true;
    running.at(-1)?.drawn();
  };

  return {
    async advance(held, noMore) {
      for (;;) {
        if (noMore() && !spent) sampleNoMore();
        // Sample j+1 once update j−1 has landed and batch j has begun (or nothing runs: a first sample).
        if (!ahead && !spent && running.length <= 1) await sample();
        if (ahead && !held() && (running.length === 0 || (running.length === 1 && window.free() > 0))) {
          begin(ahead);
          ahead = null;
          continue;
        }
        const oldest = running[0];
        if (!oldest) return ahead ? 'held' : 'spent';
        // The oldest batch's update, or a free slot the batch sampled ahead may begin in (a slot freed,
        // or a pause ended while slots were free): Temporal re-checks the condition after every event.
        let landed = false;
        oldest.done.then(() => { landed = true; }, () => { landed = true; });
        await condition(() => landed || (ahead !== null && running.length === 1 && !held() && window.free() > 0));
        if (landed) {
          running.shift();
          return oldest.done;
        }
      }
    },
    async release() {
      if (!ahead) return;
      await acts.controller.releaseBatch({ searchId, replica, iteration: ahead.iteration });
      next = ahead.iteration;
      ahead = null;
    },
    holding: () => ahead !== null,
  };
}
