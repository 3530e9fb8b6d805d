// Named starting points for a search config. `digits` is the embedded default: small enough that
// the README's first command trains 100 real children on 2 cores in under ten minutes. `paper` is
// the CNN experiment of Zoph & Le 2017 (section 4.1) on CIFAR-10, `paperSmall` its recipe sized for
// two cores. `paper` and `nb201` need a data path to be complete. `cell` searches recurrent cells
// (section 3.4) on the embedded Moby Dick text, small enough for minutes.

/** The embedded digits, their space, controller and child recipe: shared by `digits` and `sharing`. */
const DIGITS = {
  space: { kind: 'cnn', filterHeights: [1, 3, 5], filterWidths: [1, 3, 5], filters: [8, 16, 24], strides: [1], skips: true },
  controller: { learningRate: 0.01, entropyWeight: 0.0001 },
  child: { epochs: 3, batchSize: 32, optimizer: 'adam', learningRate: 0.005, rewardWindow: 5 },
  data: { source: 'mnist', trainSize: 1000, validSize: 500, testSize: 500, imageSize: 14 },
} as const;

/** Section 4.1's child recipe: SGD with Nesterov momentum, weight decay, reward max(last 5)^3. */
const PAPER_CHILD = {
  optimizer: 'sgd', learningRate: 0.1, momentum: 0.9, weightDecay: 1e-4, rewardWindow: 5, rewardExponent: 3,
} as const;

export const PRESETS = {
  /**
   * Section 4.1 on CIFAR-10 (pass the folder of the binary batches with `--set data.path=...`):
   * 45,000 train / 5,000 validation images, whitened, cropped from a 4-pixel pad and flipped; 50
   * epochs per child; depth 6, +2 every 1,600 children, up to 20 by the 12,800th; K = 100 replicas of
   * m = 8 children (800 at once), S = 20 shards. The space and controller are the schema's defaults.
   */
  paper: {
    schedule: { startLayers: 6, addLayers: 2, everyChildren: 1600, maxLayers: 20 },
    child: { ...PAPER_CHILD, epochs: 50, augment: { cropPadding: 4, flip: true } },
    data: { source: 'cifar10', trainSize: 45000, validSize: 5000, testSize: 10000, whiten: true },
    budget: { childrenPerIteration: 8, maxChildren: 12800 },
    distributed: { replicas: 100, shards: 20 },
  },
  /**
   * The paper's recipe (whitening, crop + flip, Nesterov SGD 0.1, weight decay 1e-4, reward the best
   * of the last 5 epochs cubed, +2 layers per third of the budget, K replicas × m children, S shards)
   * sized for two cores, about an hour: Fashion-MNIST (`bash setup/fashion-mnist.sh` installs it
   * here) at 14×14 with a 2-pixel pad, 6,000 train / 1,000 valid images, 10 epochs, depth 2 → 6, 120
   * children. With 2,000 / 500 images it took 18 minutes; at 28×28 with a 4-pixel pad children were
   * 2.1–2.6× slower and rewarded less (bench/results/2026-12-02-paper-small-preset.md).
   */
  paperSmall: {
    space: DIGITS.space,
    schedule: { startLayers: 2, addLayers: 2, everyChildren: 40, maxLayers: 6 },
    child: { ...PAPER_CHILD, epochs: 10, batchSize: 64, augment: { cropPadding: 2, flip: true } },
    data: { source: 'idx', path: '/usr/share/datasets/fashion-mnist', trainSize: 6000, validSize: 1000, testSize: 2000, imageSize: 14, whiten: true },
    budget: { childrenPerIteration: 4, maxChildren: 120 },
    distributed: { replicas: 2, shards: 2 },
  },
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
