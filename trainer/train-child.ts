// Trains one child network and measures its reward (Zoph & Le 2017, section 4.1): the configured
// optimizer, weight decay and batch augmentation, all seeded by the child's seed. Not the activity
// around it (heartbeats, retries and storage belong to the caller, through onEpoch / shouldStop),
// and not data loading: `data` arrives in memory.
import type { LayersModel, Tensor, Tensor1D, Tensor2D, Tensor4D, Variable } from '@tensorflow/tfjs';
import type { Tf } from '../backend/tf';
import { softmaxCrossEntropy } from '../backend/native-ops';
import { buildCnn, countParams, trainableVariables } from '../child/cnn-builder';
import { trainingPass } from '../child/training-pass';
import type { AugmentConfig, ChildTrainingConfig } from '../config/child-training-config';
import { InvalidDatasetError } from '../errors';
import type { CnnArchitecture } from '../space/cnn';
import { augmentBatch, isAugmenting } from './augment';
import { ChildCancelledError } from './child-cancelled-error';
import { type FlatOptimizer, flatOptimizer } from './flat-optimizer';
import { childReward } from './reward';
import { mixSeed, mulberry32, permutation } from '../random/prng';
import type { DataSplit, TrainingData } from './training-data';
import { decayedKernels } from './weight-decay';

export interface TrainChildOptions {
  arch: CnnArchitecture;
  data: TrainingData;
  training: ChildTrainingConfig;
  seed: number;
  /** Awaited after every epoch; `epoch` indexes validationAccuracies, `loss` is the epoch's mean. */
  onEpoch?: (epoch: number, validationAccuracy: number, loss: number) => void | Promise<void>;
  /** Polled between batches; true aborts with ChildCancelledError. */
  shouldStop?: () => boolean;
  /** Called with the trained model before it is disposed (export saves it here); not on failure. */
  keepModel?: (model: LayersModel) => Promise<void>;
}

export interface ChildResult {
  status: 'succeeded' | 'failed';
  validationAccuracies: number[];
  reward: number;
  paramCount: number;
  seconds: number;
  error?: string;
}

/** Validation batches are larger than training ones: no gradients are kept. */
const EVAL_BATCH = 256;

/** Draws for augmentation come from their own stream: turning it on leaves the batch order as it was. */
const AUGMENT_STREAM = 0xa6;

/** Tensors of one split, built once per call and sliced per batch. */
interface SplitTensors { images: Tensor4D; labels: Tensor1D; count: number }

/** The training split as batches: labels as one tensor, images gathered (or augmented) per batch. */
interface TrainBatches { labels: Tensor1D; count: number; images: (batch: Int32Array, index: Tensor1D) => Tensor4D }

interface Training {
  tf: Tf;
  model: LayersModel;
  /** The model's training-mode forward pass to logits (child/training-pass.ts). */
  logits: (images: Tensor4D) => Tensor2D;
  optimizer: FlatOptimizer;
  variables: Variable[];
  numClasses: number;
  batchSize: number;
  shouldStop?: () => boolean;
}

/**
 * Trains `arch` on `data.train` for `training.epochs` epochs and validates on `data.valid` after
 * each. A non-finite loss ends training with status 'failed' and reward 0 (it does not throw).
 * Throws InvalidArchitectureError (cannot build), InvalidDatasetError, or ChildCancelledError.
 */
export async function trainChild(tf: Tf, options: TrainChildOptions): Promise<ChildResult> {
  const { arch, data, training, seed } = options;
  const started = performance.now();
  checkSplit(data, data.train, 'train');
  checkSplit(data, data.valid, 'valid');
  const model = buildCnn(tf, arch, data, data.numClasses, seed);
  const variables = trainableVariables(tf, model);
  const optimizer = childOptimizer(tf, variables, training.weightDecay > 0 ? decayedKernels(tf, model) : [], training);
  const tensors: Tensor[] = [];
  try {
    const train = trainBatches(tf, data, training.augment, mulberry32(mixSeed(seed, AUGMENT_STREAM)), tensors);
    const valid = splitTensors(tf, data, data.valid, tensors);
    const run: Training = {
      tf, model, logits: trainingPass(tf, model, arch, data), optimizer, variables,
      numClasses: data.numClasses, batchSize: training.batchSize, shouldStop: options.shouldStop,
    };
    const random = mulberry32(seed);
    const validationAccuracies: number[] = [];
    const result = (status: ChildResult['status'], reward: number, error?: string): ChildResult => ({
      status, validationAccuracies, reward, paramCount: countParams(model),
      seconds: (performance.now() - started) / 1000, ...(error === undefined ? {} : { error }),
    });
    for (let epoch = 0; epoch < training.epochs; epoch++) {
      const loss = await trainEpoch(run, train, permutation(train.count, random));
      if (!Number.isFinite(loss.value)) {
        return result('failed', 0, `non-finite training loss (${loss.value}) at epoch ${epoch}, batch ${loss.batches - 1}`);
      }
      const accuracy = validationAccuracy(run, valid);
      validationAccuracies.push(accuracy);
      await options.onEpoch?.(epoch, accuracy, loss.value);
    }
    await options.keepModel?.(model);
    return result('succeeded', childReward(validationAccuracies, training.rewardWindow, training.rewardExponent));
  } finally {
    model.dispose();
    optimizer.dispose();
    tf.dispose(tensors);
  }
}

/** One pass over `order`; returns the mean loss, or the first non-finite batch loss. */
async function trainEpoch(run: Training, train: TrainBatches, order: Int32Array): Promise<{ value: number; batches: number }> {
  const { tf, optimizer, variables, numClasses, batchSize } = run;
  let total = 0;
  let batches = 0;
  for (let start = 0; start < order.length; start += batchSize) {
    if (run.shouldStop?.()) throw new ChildCancelledError(`child training cancelled after ${batches} batches of this epoch`);
    const batch = order.subarray(start, start + batchSize);
    const cost = tf.tidy(() => {
      const index = tf.tensor1d(batch, 'int32'); // [batch]
      const images = train.images(batch, index); // [batch, h, w, c]
      const targets = tf.oneHot(tf.gather(train.labels, index), numClasses, 1, 0, 'float32') as Tensor2D; // [batch, classes]
      const { value, grads } = tf.variableGrads(() => softmaxCrossEntropy(tf, run.logits(images), targets), variables); // []
      // Weight decay's gradient is added in the optimizer; the reported loss is what is minimised, L2 term included.
      const penalty = optimizer.apply(variables.map((v) => grads[v.name]!));
      if (!penalty) return value;
      const total = tf.add(value, penalty); // []
      penalty.dispose();
      return total;
    });
    const value = cost.dataSync()[0]!;
    cost.dispose();
    batches++;
    if (!Number.isFinite(value)) return { value, batches };
    total += value * batch.length;
    // Let the event loop run between batches: heartbeats flush and cancellation can arrive.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return { value: total / order.length, batches };
}

/** Fraction of the validation split classified correctly, batch norm in inference mode. */
function validationAccuracy(run: Training, valid: SplitTensors): number {
  const { tf, model } = run;
  let correct = 0;
  for (let start = 0; start < valid.count; start += EVAL_BATCH) {
    const size = Math.min(EVAL_BATCH, valid.count - start);
    const hits = tf.tidy(() => {
      const images = tf.slice(valid.images, [start, 0, 0, 0], [size, -1, -1, -1]); // [size, h, w, c]
      const predicted = tf.argMax(forward(tf, model, images), -1); // [size]
      const labels = tf.slice(valid.labels, [start], [size]); // [size]
      return tf.sum(tf.cast(tf.equal(predicted, labels), 'int32')); // []
    });
    correct += hits.dataSync()[0]!;
    hits.dispose();
  }
  return correct / valid.count;
}

/** The model's probabilities, batch norm in inference mode: what is saved and exported. */
function forward(tf: Tf, model: LayersModel, images: Tensor): Tensor {
  const output = model.apply(images, { training: false });
  if (output instanceof tf.Tensor) return output; // [batch, classes]
  throw new Error('the child model must have one tensor output');
}

/** The child's optimizer over all its weights at once (trainer/flat-optimizer.ts); section 4.1's is Nesterov momentum. */
function childOptimizer(tf: Tf, variables: readonly Variable[], decayed: readonly Variable[], training: ChildTrainingConfig): FlatOptimizer {
  const decay = { rate: training.weightDecay, decayed: variables.map((v) => decayed.includes(v)) };
  return training.optimizer === 'adam'
    ? flatOptimizer(tf, variables, { kind: 'adam', learningRate: training.learningRate }, decay)
    : flatOptimizer(tf, variables, { kind: 'nesterov', learningRate: training.learningRate, momentum: training.momentum }, decay);
}

/**
 * Without augmentation, each batch is gathered from one tensor of the training images; with it, each
 * is copied, cropped and flipped from the typed array (trainer/augment.ts), and the split is never
 * one whole tensor. `random` feeds the augmentation only.
 */
function trainBatches(tf: Tf, data: TrainingData, augment: AugmentConfig, random: () => number, keep: Tensor[]): TrainBatches {
  const { count } = data.train;
  const labels = tf.tensor1d(data.train.labels, 'int32'); // [count]
  keep.push(labels);
  if (!isAugmenting(augment)) {
    const images = tf.tensor4d(data.train.images, [count, data.height, data.width, data.channels]); // [count, h, w, c]
    keep.push(images);
    return { labels, count, images: (_batch, index) => tf.gather(images, index) }; // [batch, h, w, c]
  }
  return {
    labels, count,
    images: (batch) => tf.tensor4d(augmentBatch(data.train.images, data, batch, augment, random), [batch.length, data.height, data.width, data.channels]),
  };
}

function splitTensors(tf: Tf, data: TrainingData, split: DataSplit, keep: Tensor[]): SplitTensors {
  const images = tf.tensor4d(split.images, [split.count, data.height, data.width, data.channels]); // [count, h, w, c]
  keep.push(images);
  const labels = tf.tensor1d(split.labels, 'int32'); // [count]
  keep.push(labels);
  return { images, labels, count: split.count };
}

function checkSplit(data: TrainingData, split: DataSplit, name: string): void {
  const pixels = data.height * data.width * data.channels;
  if (!Number.isInteger(split.count) || split.count < 1) throw new InvalidDatasetError(`${name} split has ${split.count} images; need at least 1`);
  if (split.images.length !== split.count * pixels) {
    throw new InvalidDatasetError(`${name} split: ${split.images.length} pixel values for ${split.count} images of ${data.height}x${data.width}x${data.channels}`);
  }
  if (split.labels.length !== split.count) throw new InvalidDatasetError(`${name} split: ${split.labels.length} labels for ${split.count} images`);
  const bad = split.labels.findIndex((label) => label < 0 || label >= data.numClasses);
  if (bad >= 0) throw new InvalidDatasetError(`${name} split: label ${split.labels[bad]} at ${bad} is outside 0..${data.numClasses - 1}`);
}
