// The child network builder: a CnnArchitecture becomes a tfjs functional LayersModel (saveable with
// model.save, reloadable with tf.loadLayersModel). Not the shape rules (space/cnn-graph.ts decides
// them and this file only follows them), nor training (trainer/).
import type { LayersModel, SymbolicTensor, Variable, layers } from '@tensorflow/tfjs';
import type { Tf } from '../backend/tf';
import { InvalidArchitectureError, NasError } from '../errors';
import { type CnnArchitecture, type ConvLayer, type PoolLayer, validateCnn } from '../space/cnn';
import { concatPadding, layerShapes, layerSources, type SpatialShape, unconsumedLayers } from '../space/cnn-graph';

export interface ImageShape { height: number; width: number; channels: number }

/**
 * Batch-norm moving-average momentum. Keras' 0.99 needs hundreds of steps before the moving
 * statistics used at validation time are right; children here train for as few as ~50 steps.
 */
const BN_MOMENTUM = 0.9;

/**
 * Builds the child network of `arch`: per layer conv (no bias) → batch norm → ReLU, or a max / average
 * pool (section 3.4; no weights, no batch norm), its inputs padded and concatenated per section 3.3;
 * the unconsumed outputs feed global average pooling and a softmax classifier. Layer names are stable
 * (`layer3_conv`, `layer4_pool`, `layer3_pad1`, `classifier_dense`). Weights are glorot-initialised
 * from `seed`, so equal seeds give equal networks.
 */
export function buildCnn(tf: Tf, arch: CnnArchitecture, input: ImageShape, numClasses: number, seed: number): LayersModel {
  const checked = validateCnn(arch);
  checkInput(input, numClasses, seed);
  const created: layers.Layer[] = [];
  const add = <L extends layers.Layer>(layer: L): L => { created.push(layer); return layer; };
  try {
    const image = tf.input({ shape: [input.height, input.width, input.channels], name: 'image' }); // [batch, h, w, c]
    const shapes = layerShapes(checked, input);
    const outputs: SymbolicTensor[] = [];
    layerSources(checked).forEach((source, i) => {
      const layer = checked.layers[i]!;
      const x = source.kind === 'image'
        ? image
        : merge(tf, `layer${i}`, source.layers.map((j) => ({ from: j, tensor: outputs[j]!, shape: shapes[j]! })), add);
      outputs.push(layer.type === undefined ? convBlock(tf, i, layer, x, seed, add) : pool(tf, i, layer, x, add));
    });
    // [batch, maxH, maxW, sum of unconsumed channels]
    const features = merge(tf, 'classifier', unconsumedLayers(checked).map((j) => ({ from: j, tensor: outputs[j]!, shape: shapes[j]! })), add);
    const pooled = symbolic(tf, add(tf.layers.globalAveragePooling2d({ name: 'classifier_pool' })).apply(features), 'classifier_pool'); // [batch, channels]
    const probabilities = symbolic(tf, add(tf.layers.dense({
      name: 'classifier_dense',
      units: numClasses,
      activation: 'softmax',
      kernelInitializer: tf.initializers.glorotUniform({ seed: derivedSeed(seed, checked.layers.length) }),
    })).apply(pooled), 'classifier_dense'); // [batch, numClasses]
    return tf.model({ inputs: image, outputs: probabilities, name: 'child' });
  } catch (err) {
    disposeBuilt(created);
    if (err instanceof NasError) throw err;
    throw new InvalidArchitectureError(`cannot build the child network: ${(err as Error).message}`);
  }
}

type Add = <L extends layers.Layer>(l: L) => L;

/** Layer i as conv (no bias) → batch norm → ReLU. */
function convBlock(tf: Tf, i: number, layer: ConvLayer, x: SymbolicTensor, seed: number, add: Add): SymbolicTensor {
  const conv = symbolic(tf, add(tf.layers.conv2d({
    name: `layer${i}_conv`,
    filters: layer.filters,
    kernelSize: [layer.filterHeight, layer.filterWidth],
    strides: layer.stride,
    padding: 'same',
    useBias: false, // batch norm's beta is the bias
    kernelInitializer: tf.initializers.glorotUniform({ seed: derivedSeed(seed, i) }),
  })).apply(x), `layer${i}_conv`); // [batch, ceil(h/stride), ceil(w/stride), filters]
  const normed = symbolic(tf, add(tf.layers.batchNormalization({ name: `layer${i}_bn`, axis: -1, momentum: BN_MOMENTUM })).apply(conv), `layer${i}_bn`); // same shape
  return symbolic(tf, add(tf.layers.activation({ name: `layer${i}_relu`, activation: 'relu' })).apply(normed), `layer${i}_relu`); // same shape
}

/** Layer i as a filterHeight × filterWidth max or average pool with the layer's stride, 'same' padding. */
function pool(tf: Tf, i: number, layer: PoolLayer, x: SymbolicTensor, add: Add): SymbolicTensor {
  const name = `layer${i}_pool`;
  const args = {
    name,
    poolSize: [layer.filterHeight, layer.filterWidth] as [number, number],
    strides: [layer.stride, layer.stride] as [number, number], // given: tfjs defaults a pool's strides to its window
    padding: 'same' as const,
  };
  const pooling = layer.type === 'maxPool' ? tf.layers.maxPooling2d(args) : tf.layers.averagePooling2d(args);
  return symbolic(tf, add(pooling).apply(x), name); // [batch, ceil(h/stride), ceil(w/stride), channels of x]
}

/** Trainable parameters (batch-norm moving statistics are not counted). */
export function countParams(model: LayersModel): number {
  return model.trainableWeights.reduce((n, w) => n + w.read().size, 0);
}

/** The tf.Variables behind the model's trainable weights: the varList of a gradient step. */
export function trainableVariables(tf: Tf, model: LayersModel): Variable[] {
  return model.trainableWeights.map((w) => {
    const value = w.read();
    if (!(value instanceof tf.Variable)) throw new InvalidArchitectureError(`weight ${w.name} is not a variable`);
    return value;
  });
}

interface MergeInput { from: number; tensor: SymbolicTensor; shape: SpatialShape }

/** Section 3.3: inputs of different sizes are zero-padded to the largest, then concatenated on channels. */
function merge(tf: Tf, name: string, inputs: readonly MergeInput[], add: Add): SymbolicTensor {
  if (inputs.length === 1) return inputs[0]!.tensor;
  const { paddings } = concatPadding(inputs.map((input) => input.shape));
  const padded = inputs.map((input, k) => {
    const padding = paddings[k]!;
    if (padding.flat().every((p) => p === 0)) return input.tensor;
    const padName = `${name}_pad${input.from}`;
    return symbolic(tf, add(tf.layers.zeroPadding2d({ name: padName, padding })).apply(input.tensor), padName); // [batch, targetH, targetW, channels_k]
  });
  return symbolic(tf, add(tf.layers.concatenate({ name: `${name}_concat`, axis: -1 })).apply(padded), `${name}_concat`); // [batch, targetH, targetW, sum channels_k]
}

function symbolic(tf: Tf, output: unknown, name: string): SymbolicTensor {
  if (output instanceof tf.SymbolicTensor) return output;
  throw new InvalidArchitectureError(`${name} did not produce a single symbolic tensor`);
}

/** tfjs treats seed 0 as "unseeded", so every derived seed is at least 1. */
function derivedSeed(seed: number, index: number): number {
  return seed * 1000 + index + 1;
}

function checkInput(input: ImageShape, numClasses: number, seed: number): void {
  const dims = [input.height, input.width, input.channels];
  if (!dims.every((d) => Number.isInteger(d) && d > 0)) {
    throw new InvalidArchitectureError(`input shape ${dims.join('x')} must be positive integers`);
  }
  if (!Number.isInteger(numClasses) || numClasses < 2) throw new InvalidArchitectureError(`numClasses ${numClasses} must be an integer >= 2`);
  if (!Number.isInteger(seed) || seed < 0) throw new InvalidArchitectureError(`seed ${seed} must be a non-negative integer`);
}

/** After a failed build, frees the weights of the layers that were already built. */
function disposeBuilt(created: readonly layers.Layer[]): void {
  for (const layer of created) {
    if (!layer.built) continue;
    try {
      layer.dispose();
    } catch {
      for (const weight of layer.weights) weight.dispose(); // built but never attached to a graph node
    }
  }
}
