// Named starting points for a search config. `digits` is the embedded default: small enough that
// the README's first command trains 100 real children on 2 cores in under ten minutes. `paper` is
// the schema's own defaults (Zoph & Le 2017, section 4.1).
import type { SearchConfigInput } from './search-config';

export const PRESETS = {
  paper: {},
  digits: {
    space: { kind: 'cnn', filterHeights: [1, 3, 5], filterWidths: [1, 3, 5], filters: [8, 16, 24], strides: [1], skips: true },
    controller: { learningRate: 0.01, entropyWeight: 0.0001 },
    schedule: { startLayers: 3, addLayers: 1, everyChildren: 50, maxLayers: 6 },
    child: { epochs: 3, batchSize: 32, optimizer: 'adam', learningRate: 0.005, rewardWindow: 5 },
    data: { source: 'mnist', trainSize: 1000, validSize: 500, testSize: 500, imageSize: 14 },
    budget: { childrenPerIteration: 4, maxChildren: 100 },
  },
} satisfies Record<string, SearchConfigInput>;

export type PresetName = keyof typeof PRESETS;
