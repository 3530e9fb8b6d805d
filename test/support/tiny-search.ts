// The search config workflow tests run: real embedded digits, but tiny (300 images of 8x8, 2-layer
// children with 4 or 8 filters) so a child trains in a second or two on a shared CPU. Not a preset
// anyone should search with; config/presets.ts holds those.
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
