// Named starting points for a search config. `digits` is the embedded default: small enough that
// the README's first command trains 100 real children on 2 cores in under ten minutes. `paper` is
// the schema's own defaults (Zoph & Le 2017, section 4.1). `nb201` needs a table path to be complete.
// `cell` searches recurrent cells (section 3.4) on the embedded Moby Dick text, small enough for minutes.

/** The embedded digits, their space, controller and child recipe: shared by `digits` and `sharing`. */
const DIGITS = {
  space: { kind: 'cnn', filterHeights: [1, 3, 5], filterWidths: [1, 3, 5], filters: [8, 16, 24], strides: [1], skips: true },
  controller: { learningRate: 0.01, entropyWeight: 0.0001 },
  child: { epochs: 3, batchSize: 32, optimizer: 'adam', learningRate: 0.005, rewardWindow: 5 },
  data: { source: 'mnist', trainSize: 1000, validSize: 500, testSize: 500, imageSize: 14 },
} as const;

export const PRESETS = {
  paper: {},
  digits: {
    ...DIGITS,
    schedule: { startLayers: 3, addLayers: 1, everyChildren: 50, maxLayers: 6 },
    budget: { childrenPerIteration: 4, maxChildren: 100 },
  },
  /**
   * Weight sharing (ENAS, Pham et al. 2018) on the embedded digits: the digits space at 6 layers, 400
   * children rewarded under one set of shared weights (2,000 ω steps) instead of 100 trained from
   * scratch, and the best 2 by reward and 2 by likelihood retrained from scratch at the end (digits'
   * `child` recipe). SGD at 0.1 (README's measurement of ω on this space).
   * For Fashion-MNIST: `--set data.source=idx --set data.path=<folder of the idx files>`.
   */
  sharing: {
    ...DIGITS,
    mode: 'weightSharing',
    schedule: { startLayers: 6, addLayers: 0, everyChildren: 1000, maxLayers: 6 },
    budget: { childrenPerIteration: 8, maxChildren: 400 },
    weightSharing: { stepsPerIteration: 40, batchSize: 32, learningRate: 0.1, evalImages: 500, checkpointEvery: 20, retrainTopK: 2 },
  },
  /**
   * NAS-Bench-201 (Dong & Yang 2020) answered from a table: pass its path with
   * `--set data.path=...`. The reward is valid_acc_12ep itself (exponent 1), as the benchmark's
   * algorithms used; the budget counts queries.
   */
  nb201: {
    space: { kind: 'nb201' },
    controller: { learningRate: 0.01, baselineDecay: 0.9, entropyWeight: 0 },
    child: { rewardExponent: 1 },
    data: { source: 'nb201Table' },
    budget: { childrenPerIteration: 4, maxChildren: 300 },
  },
  /**
   * Recurrent-cell search (section 3.4) with the paper's base-8 tree on the embedded Moby Dick text:
   * tiny language models (32 units, one layer, 12,000 words once) so that 24 children take minutes
   * on two busy cores. For PTB pass `--set data.source=ptb --set data.path=...`.
   */
  cell: {
    space: { kind: 'rnnCell', base: 8 },
    controller: { learningRate: 0.01, entropyWeight: 0.0001 },
    languageModel: {
      embeddingSize: 32, hiddenSize: 32, layers: 1, bptt: 20, batchSize: 20, dropout: 0.1, epochs: 1,
      optimizer: 'adam', learningRate: 0.005, clipNorm: 1, maxTrainTokens: 12000, maxValidTokens: 3000,
    },
    data: { source: 'mobyDick', vocabularySize: 5000 },
    budget: { childrenPerIteration: 4, maxChildren: 24 },
  },
} satisfies Record<string, unknown>;

export type PresetName = keyof typeof PRESETS;
