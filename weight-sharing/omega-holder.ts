// The ω of each weight-sharing search this worker serves, kept in memory between activities and
// brought to the step an activity needs: from memory when it is there, else from the newest
// checkpoint, replaying the deterministic steps since. One caller at a time per search, so an
// abandoned attempt and its retry never train the same ω at once. Not SQL, not Temporal: both come
// in as functions.
import type { Tf } from '../backend/tf';
import type { SearchConfig } from '../config/search-config';
import type { ImageDataset } from '../data/dataset';
import { NotFoundError, SharedWeightsDivergedError } from '../errors';
import { mixSeed, mulberry32, permutation } from '../random/prng';
import type { CnnArchitecture } from '../space/cnn';
import { depthAt } from '../space/search-space';
import { ChildCancelledError } from '../trainer/child-cancelled-error';
import { type OmegaCheckpoint, restoreCheckpoint, takeCheckpoint } from './checkpoint';
import { createOmegaOptimizer, disposeOmegaOptimizer } from './omega-optimizer';
import { MinibatchOrder, type OmegaState, sharedAccuracy, type SplitTensors, splitTensors, trainOmegaStep } from './omega-trainer';
import { createSharedNetwork, disposeSharedNetwork, type SharedNetworkShape } from './shared-network';

export interface OmegaHolderDeps {
  tf: Tf;
  loadData: (config: SearchConfig) => Promise<ImageDataset>;
  loadCheckpoint: (searchId: string, atMost: number) => Promise<OmegaCheckpoint | null>;
  saveCheckpoint: (searchId: string, checkpoint: OmegaCheckpoint) => Promise<void>;
  /** The children ω trains on in `iteration`, one per step: drawn from the controller as it is then. */
  trainingChildren: (key: IterationKey, config: SearchConfig, count: number) => Promise<CnnArchitecture[]>;
}

/** One controller iteration of one replica (weight sharing runs one replica). */
export interface IterationKey { searchId: string; replica: number; iteration: number }

export interface Progress {
  /** After each ω step (its loss), and after each child an evaluation rewards (its index). */
  heartbeat: (details: { step: number; loss: number } | { step: number; child: number }) => void;
  cancelled: () => boolean;
}

/** `saved`: the newest step of this ω known to be in a checkpoint (restored from, or written). */
interface Held { state: OmegaState; order: MinibatchOrder; train: SplitTensors; valid: SplitTensors; saved: number | null }

/** ω at the step asked for, and the checkpoint step it was restored from in this call (null: it was in memory, or fresh). */
interface Advanced { h: Held; restoredFrom: number | null }

/** ω's shape for a search: the deepest child its budget reaches, the kernels and largest filter count of its space. */
export function omegaShape(config: SearchConfig, data: Pick<ImageDataset, 'height' | 'width' | 'channels' | 'numClasses'>): SharedNetworkShape {
  if (config.space.kind !== 'cnn') throw new NotFoundError(`weight sharing covers the CNN space, not ${config.space.kind}`);
  return {
    maxLayers: depthAt(config, config.budget.maxChildren - 1),
    filterHeights: [...config.space.filterHeights].sort((a, b) => a - b),
    filterWidths: [...config.space.filterWidths].sort((a, b) => a - b),
    maxFilters: Math.max(...config.space.filters),
    kernels: config.weightSharing.kernels,
    image: { height: data.height, width: data.width, channels: data.channels },
    numClasses: data.numClasses,
  };
}

/** ω's a worker keeps in memory at once (the worker runs one ω step at a time anyway). */
const HELD_SEARCHES = 2;

export function createOmegaHolder(deps: OmegaHolderDeps) {
  const { tf } = deps;
  const held = new Map<string, Held>();
  const queues = new Map<string, Promise<unknown>>();

  /** Runs `work` after every earlier call for the same search has settled. */
  function serial<T>(searchId: string, work: () => Promise<T>): Promise<T> {
    const previous = queues.get(searchId) ?? Promise.resolve();
    const next = previous.then(work, work);
    queues.set(searchId, next.catch(() => undefined));
    return next;
  }

  async function load(searchId: string, config: SearchConfig, from: number, target: number): Promise<Advanced> {
    const current = held.get(searchId);
    if (current && current.state.step >= from && current.state.step <= target) {
      held.delete(searchId); // re-inserted: the map's order is the order of last use
      held.set(searchId, current);
      return { h: current, restoredFrom: null };
    }
    const data = await deps.loadData(config);
    const shape = omegaShape(config, data);
    const ws = config.weightSharing;
    const optimizer = { optimizer: ws.optimizer, learningRate: ws.learningRate, momentum: ws.momentum, weightDecay: ws.weightDecay, gradientClip: ws.gradientClip };
    const checkpoint = await deps.loadCheckpoint(searchId, target);
    if (!checkpoint && from > 0) throw new NotFoundError(`search ${searchId} has no ω checkpoint at or before step ${target}`);
    if (checkpoint && checkpoint.step < from) {
      throw new NotFoundError(`the newest ω checkpoint of ${searchId} (step ${checkpoint.step}) predates this iteration's first step ${from}: the children of the steps between cannot be drawn again`);
    }
    const state = checkpoint
      ? restoreCheckpoint(tf, checkpoint, shape, optimizer)
      : { net: createSharedNetwork(tf, shape, mixSeed(config.seed, 0x03e6a)), optimizer: createOmegaOptimizer(optimizer), step: 0 };
    if (current) release(current);
    const next: Held = {
      state, train: splitTensors(tf, data, data.train), valid: splitTensors(tf, data, data.valid),
      order: new MinibatchOrder(data.train.count, ws.batchSize, mixSeed(config.seed, 0x0b47c)), saved: checkpoint?.step ?? null,
    };
    held.set(searchId, next);
    // A long-lived worker serves search after search: the least recently used ω beyond the newest
    // HELD_SEARCHES goes (it is in its checkpoint; a search that comes back restores it).
    for (const [other, h] of held) {
      if (held.size <= HELD_SEARCHES) break;
      if (other === searchId) continue;
      held.delete(other);
      release(h);
    }
    return { h: next, restoredFrom: checkpoint?.step ?? null };
  }

  function release(h: Held): void {
    disposeSharedNetwork(h.state.net);
    disposeOmegaOptimizer(h.state.optimizer);
    tf.dispose([h.train.images, h.train.labels, h.valid.images, h.valid.labels]);
  }

  /** Brings ω to step (iteration + 1) · stepsPerIteration, checkpointing on the way; returns it. */
  async function advance(key: IterationKey, config: SearchConfig, progress: Progress): Promise<Advanced> {
    const { searchId, iteration } = key;
    const n = config.weightSharing.stepsPerIteration;
    const from = iteration * n;
    const target = from + n;
    const loaded = await load(searchId, config, from, target);
    const { h } = loaded;
    const save = async () => {
      await deps.saveCheckpoint(searchId, takeCheckpoint(h.state));
      h.saved = h.state.step;
    };
    try {
      if (h.state.step < target) {
        const children = await deps.trainingChildren(key, config, n);
        while (h.state.step < target) {
          if (progress.cancelled()) throw new ChildCancelledError(`ω training of ${searchId} cancelled at step ${h.state.step}`);
          const step = h.state.step;
          const loss = trainOmegaStep(tf, h.state, children[step - from]!, h.train, h.order.indices(step));
          if (!Number.isFinite(loss)) throw new SharedWeightsDivergedError(`ω diverged at step ${step} of ${searchId} (loss ${loss}); lower weightSharing.learningRate`);
          progress.heartbeat({ step: h.state.step, loss });
          if (h.state.step % config.weightSharing.checkpointEvery === 0 && h.state.step < target) await save();
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
      }
      // The iteration's last step is always in a checkpoint before this returns (the next iteration's
      // steps cannot be replayed from before it); a save that failed is made again by the retry.
      if (h.saved !== target) await save();
    } catch (err) {
      // Between steps ω is whole (a cancellation lands there); any other failure may have left a step
      // half-applied, so the retry starts again from the newest checkpoint rather than from memory.
      if (!(err instanceof ChildCancelledError)) {
        held.delete(searchId);
        release(h);
      }
      throw err;
    }
    return loaded;
  }

  return {
    /** Trains ω through `iteration`'s steps; returns the step it reached and where it resumed from. */
    train: (key: IterationKey, config: SearchConfig, progress: Progress) => serial(key.searchId, async () => {
      const { h, restoredFrom } = await advance(key, config, progress);
      return { step: h.state.step, restoredFrom };
    }),

    /** The shared-weight validation accuracy of each child, at ω after `iteration`'s steps, on the same images. */
    evaluate: (key: IterationKey, config: SearchConfig, children: readonly CnnArchitecture[], progress: Progress) => serial(key.searchId, async () => {
      const { h } = await advance(key, config, progress);
      const order = permutation(h.valid.count, mulberry32(mixSeed(config.seed, 0x0e7a1, key.iteration)));
      const images = order.subarray(0, Math.min(config.weightSharing.evalImages, h.valid.count));
      const accuracies: number[] = [];
      for (const [child, arch] of children.entries()) {
        if (progress.cancelled()) throw new ChildCancelledError(`evaluation of ${key.searchId} iteration ${key.iteration} cancelled at child ${child}`);
        accuracies.push(sharedAccuracy(tf, h.state.net, arch, h.valid, images));
        // Each child is synchronous tensor work: the heartbeat goes out once the event loop turns.
        progress.heartbeat({ step: h.state.step, child });
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      return { step: h.state.step, accuracies };
    }),

    /** Frees every ω this worker holds (worker shutdown, tests). */
    dispose: () => { for (const h of held.values()) release(h); held.clear(); },
  };
}

export type OmegaHolder = ReturnType<typeof createOmegaHolder>;
