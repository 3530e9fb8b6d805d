// Training and evaluating the shared weights ω (ENAS, Pham et al. 2018, section 2.2): each minibatch
// trains ω on a freshly sampled child; a child's reward is its accuracy under ω on validation
// minibatches. Every minibatch is a pure function of the global ω step, so a run resumed from a
// checkpoint at step s repeats exactly what the lost run did after s. Not sampling (the caller
// passes the child of each step), not storage, not Temporal.
import type { Tensor1D, Tensor4D, Variable } from '@tensorflow/tfjs';
import type { Tf } from '../backend/tf';
import { InvalidDatasetError } from '../errors';
import { mulberry32, permutation } from '../random/prng';
import type { CnnArchitecture } from '../space/cnn';
import type { DataSplit, TrainingData } from '../trainer/training-data';
import { applyOmegaGradients, type OmegaOptimizer } from './omega-optimizer';
import { type SharedNetwork, sharedForward } from './shared-network';

/** ω, its optimizer, and how many minibatches it has been trained on. */
export interface OmegaState {
  net: SharedNetwork;
  optimizer: OmegaOptimizer;
  step: number;
}

/** A data split as tensors, built once and gathered per minibatch. */
export interface SplitTensors { images: Tensor4D; labels: Tensor1D; count: number }

export function splitTensors(tf: Tf, data: TrainingData, split: DataSplit): SplitTensors {
  return {
    images: tf.tensor4d(split.images, [split.count, data.height, data.width, data.channels]), // [count, h, w, c]
    labels: tf.tensor1d(split.labels, 'int32'), // [count]
    count: split.count,
  };
}

/**
 * The images of ω step `step`: epoch e = ⌊step / batchesPerEpoch⌋ shuffles the split with a seed
 * of its own, and the step takes its slot of that order (the last partial batch of an epoch is dropped).
 */
export class MinibatchOrder {
  private epoch = -1;
  private order: Int32Array = new Int32Array(0);
  constructor(private readonly count: number, private readonly batchSize: number, private readonly seed: number) {
    if (count < batchSize) throw new InvalidDatasetError(`${count} training images are fewer than one minibatch of ${batchSize}`);
  }

  indices(step: number): Int32Array {
    const perEpoch = Math.floor(this.count / this.batchSize);
    const epoch = Math.floor(step / perEpoch);
    if (epoch !== this.epoch) {
      this.order = permutation(this.count, mulberry32((this.seed * 7919 + epoch) >>> 0));
      this.epoch = epoch;
    }
    const start = (step % perEpoch) * this.batchSize;
    return this.order.subarray(start, start + this.batchSize);
  }
}

/** Trains ω on one minibatch of child `arch`; returns the loss (non-finite losses are the caller's to judge). */
export function trainOmegaStep(tf: Tf, state: OmegaState, arch: CnnArchitecture, train: SplitTensors, indices: Int32Array): number {
  const variables = variableMap(state.net);
  const loss = tf.tidy(() => {
    const index = tf.tensor1d(indices, 'int32'); // [batch]
    const images = tf.gather(train.images, index) as Tensor4D; // [batch, h, w, c]
    const targets = tf.oneHot(tf.gather(train.labels, index), state.net.shape.numClasses); // [batch, classes]
    const { value, grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(targets, sharedForward(tf, state.net, arch, images)).asScalar(), state.net.variables);
    applyOmegaGradients(tf, state.optimizer, variables, grads);
    return value.dataSync()[0]!;
  });
  state.step++;
  return loss;
}

/** Fraction of `indices` of `split` that child `arch` classifies correctly under ω. */
export function sharedAccuracy(tf: Tf, net: SharedNetwork, arch: CnnArchitecture, split: SplitTensors, indices: Int32Array): number {
  const hits = tf.tidy(() => {
    const index = tf.tensor1d(indices, 'int32'); // [batch]
    const predicted = tf.argMax(sharedForward(tf, net, arch, tf.gather(split.images, index) as Tensor4D), -1); // [batch]
    return tf.sum(tf.cast(tf.equal(predicted, tf.gather(split.labels, index)), 'int32')).dataSync()[0]!;
  });
  return hits / indices.length;
}

const maps = new WeakMap<SharedNetwork, Map<string, Variable>>();

function variableMap(net: SharedNetwork): Map<string, Variable> {
  let map = maps.get(net);
  if (!map) {
    map = new Map(net.variables.map((v) => [v.name, v]));
    maps.set(net, map);
  }
  return map;
}
