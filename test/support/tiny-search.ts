// The search configs workflow tests run: real embedded digits, but tiny (300 images of 8x8, 2-layer
// children with 4 or 8 filters) so a child trains in a second or two on a shared CPU; and the same
// as a weight-sharing search. Not presets anyone should search with; config/presets.ts holds those.
import type { SearchConfigInput } from '../../config/search-config';

export interface TinySearchOptions {
  trainingTaskQueue: string;
  iterations: number;
  childrenPerIteration?: number;
  seed?: number;
  epochs?: number;
  trainSize?: number;
  imageSize?: number;
  /** Short heartbeats make Temporal retry an activity of a killed worker quickly. */
  heartbeatSeconds?: number;
}

export function tinySearchConfig(options: TinySearchOptions): SearchConfigInput {
  const m = options.childrenPerIteration ?? 2;
  const heartbeat = options.heartbeatSeconds ?? 10;
  return {
    seed: options.seed ?? 7,
    space: { kind: 'cnn', filterHeights: [1, 3], filterWidths: [1, 3], filters: [4, 8], strides: [1], skips: true },
    controller: { learningRate: 0.05 },
    schedule: { startLayers: 2, addLayers: 0, everyChildren: 1000, maxLayers: 2 },
    child: { epochs: options.epochs ?? 1, batchSize: 32, optimizer: 'adam', learningRate: 0.01, rewardWindow: 2 },
    data: { source: 'mnist', trainSize: options.trainSize ?? 300, validSize: 100, testSize: 0, imageSize: options.imageSize ?? 8 },
    budget: { childrenPerIteration: m, maxChildren: m * options.iterations },
    trainingTaskQueue: options.trainingTaskQueue,
    timeouts: { childHeartbeatSeconds: heartbeat, controllerHeartbeatSeconds: heartbeat, childStartToCloseMinutes: 5, controllerStartToCloseMinutes: 2 },
  };
}

/** The tiny search in weight-sharing mode: `steps` ω minibatches an iteration, a checkpoint every `checkpointEvery`, one pick retrained. */
export function tinySharingConfig(options: TinySearchOptions & { claimQueue: string; steps: number; checkpointEvery: number }): SearchConfigInput {
  const { claimQueue, steps, checkpointEvery, ...tiny } = options;
  return {
    ...tinySearchConfig({ heartbeatSeconds: 3, trainSize: 400, imageSize: 10, ...tiny }),
    mode: 'weightSharing',
    weightSharing: { stepsPerIteration: steps, batchSize: 16, checkpointEvery, evalImages: 100, retrainTopK: 1, taskQueue: claimQueue, workerStartSeconds: 4 },
  };
}
