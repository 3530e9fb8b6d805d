// The child network's training-mode forward pass, computed on the weights of the model buildCnn made
// (issue 11): conv → fused batch norm + ReLU (backend/native-ops.ts), pools, zero-pad + concat
// merges, global average pooling, and the classifier's logits (no softmax: the loss takes logits).
// It launches a handful of kernels a layer where the layers API's call launches tens. The model stays
// what is saved and what validation and `nas export` run (probabilities); this pass only trains it,
// and updates its batch-norm moving statistics as the layer's training call would.
import type { LayersModel, Tensor, Tensor1D, Tensor2D, Tensor4D, Variable } from '@tensorflow/tfjs';
import { batchNormReluTraining } from '../backend/native-ops';
import type { Tf } from '../backend/tf';
import type { CnnArchitecture, ConvLayer, PoolLayer } from '../space/cnn';
import { concatPadding, layerShapes, layerSources, type SpatialShape, unconsumedLayers } from '../space/cnn-graph';
import type { ImageShape } from './cnn-builder';

/** Layer options buildCnn gives its batch-norm layers, read back from the model. */
interface BatchNormLayerConfig { epsilon: number; momentum: number }

/**
 * A function from training images [batch, h, w, c] to logits [batch, classes] that runs `model`
 * (built by buildCnn for `arch` and `input`) in training mode and writes its layers' batch-norm
 * moving statistics. Call it inside a gradient tape (tf.variableGrads) over the model's weights.
 */
export function trainingPass(tf: Tf, model: LayersModel, arch: CnnArchitecture, input: ImageShape): (images: Tensor4D) => Tensor2D {
  const weight = (layer: string, name: string): Variable => {
    const found = model.getLayer(layer).weights.find((w) => w.originalName === `${layer}/${name}`);
    const value = found?.read();
    if (!(value instanceof tf.Variable)) throw new Error(`the child model has no variable ${layer}/${name}`);
    return value;
  };
  const shapes = layerShapes(arch, input);
  const sources = layerSources(arch);
  const convBlock = (i: number, layer: ConvLayer, x: Tensor4D): Tensor4D => {
    const bn = model.getLayer(`layer${i}_bn`).getConfig() as unknown as BatchNormLayerConfig;
    const conv = tf.conv2d(x, weight(`layer${i}_conv`, 'kernel') as Tensor4D, layer.stride, 'same'); // [batch, ceil(h/stride), ceil(w/stride), filters]
    const moving = { movingMean: weight(`layer${i}_bn`, 'moving_mean'), movingVariance: weight(`layer${i}_bn`, 'moving_variance') };
    return batchNormReluTraining(tf, conv, weight(`layer${i}_bn`, 'gamma') as Tensor as Tensor1D, weight(`layer${i}_bn`, 'beta') as Tensor as Tensor1D,
      moving, bn.epsilon, 1 - bn.momentum); // same shape as conv
  };
  const pool = (layer: PoolLayer, x: Tensor4D): Tensor4D => {
    const window: [number, number] = [layer.filterHeight, layer.filterWidth];
    return layer.type === 'maxPool'
      ? tf.maxPool(x, window, layer.stride, 'same')
      : tf.avgPool(x, window, layer.stride, 'same'); // [batch, ceil(h/stride), ceil(w/stride), channels of x]
  };
  return (images) => {
    const outputs: Tensor4D[] = [];
    sources.forEach((source, i) => {
      const layer = arch.layers[i]!;
      const x = source.kind === 'image' ? images : merge(tf, source.layers.map((j) => ({ tensor: outputs[j]!, shape: shapes[j]! })));
      outputs.push(layer.type === undefined ? convBlock(i, layer, x) : pool(layer, x));
    });
    const features = merge(tf, unconsumedLayers(arch).map((j) => ({ tensor: outputs[j]!, shape: shapes[j]! }))); // [batch, maxH, maxW, channels]
    const pooled = tf.mean(features, [1, 2]) as Tensor2D; // [batch, channels]
    return tf.fused.matMul({
      a: pooled, b: weight('classifier_dense', 'kernel') as Tensor2D, bias: weight('classifier_dense', 'bias') as Tensor,
    }) as Tensor2D; // [batch, classes]
  };
}

/** Section 3.3, as buildCnn's merge: zero-pad to the largest input, then concatenate on channels. */
function merge(tf: Tf, inputs: readonly { tensor: Tensor4D; shape: SpatialShape }[]): Tensor4D {
  if (inputs.length === 1) return inputs[0]!.tensor;
  const { paddings } = concatPadding(inputs.map((input) => input.shape));
  const padded = inputs.map((input, k) => {
    const padding = paddings[k]!;
    return padding.flat().every((p) => p === 0) ? input.tensor : tf.pad(input.tensor, [[0, 0], padding[0], padding[1], [0, 0]]);
  });
  return tf.concat(padded, -1); // [batch, targetH, targetW, sum of channels]
}
