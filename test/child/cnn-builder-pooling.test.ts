// buildCnn with pooling layers (section 3.4): sampled architectures train a step with the right
// output shape and no leak; by hand, a pool with no input takes the image, keeps its channels, and
// is padded and concatenated like a convolution. Convolution-only children: cnn-builder.test.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LayersModel, Tensor } from '@tensorflow/tfjs';
import { loadTf } from '../../backend/tf';
import { buildCnn, countParams, trainableVariables } from '../../child/cnn-builder';
import { CnnSpaceConfig } from '../../config/search-config';
import { mulberry32 } from '../../random/prng';
import { validateCnn } from '../../space/cnn';
import { layerShapes, unconsumedLayers } from '../../space/cnn-graph';
import { subgraphParamCount } from '../../weight-sharing/shared-network';
import { randomCnn } from './random-cnn';
import { assertSaveRoundTrip } from './save-round-trip';

const tf = loadTf('cpu');
const IMAGE = { height: 8, width: 8, channels: 2 };
const CLASSES = 3;
const BATCH = 2;

function inboundNames(model: LayersModel, name: string): string[] {
  return model.getLayer(name).inboundNodes[0]!.inboundLayers.map((l) => l.name);
}

/**
 * One SGD step in training mode; returns the output shape, weights without a finite gradient, and
 * the weights the step moved. Not every weight need move: a pool whose stride exceeds its window
 * skips pixels, and with them, at times, all that a layer before it contributes.
 */
function trainOneStep(model: LayersModel): { shape: number[]; bad: string[]; moved: string[] } {
  const variables = trainableVariables(tf, model);
  const before = variables.map((v) => v.clone());
  const optimizer = tf.train.sgd(0.1);
  let shape: number[] = [];
  let bad: string[] = [];
  tf.tidy(() => {
    const images = tf.randomUniform([BATCH, IMAGE.height, IMAGE.width, IMAGE.channels], 0, 1, 'float32', 5); // [batch, h, w, c]
    const targets = tf.oneHot(tf.tensor1d([0, 2], 'int32'), CLASSES); // [batch, classes]
    const { value, grads } = tf.variableGrads(() => {
      const probabilities = model.apply(images, { training: true }) as Tensor; // [batch, classes]
      shape = probabilities.shape;
      return tf.neg(tf.mean(tf.sum(tf.mul(targets, tf.log(tf.add(probabilities, 1e-7))), -1))).asScalar();
    }, variables);
    assert.ok(Number.isFinite(value.dataSync()[0]));
    bad = variables.filter((v) => !grads[v.name] || !tf.all(tf.isFinite(grads[v.name]!)).dataSync()[0]).map((v) => v.name);
    optimizer.applyGradients(grads);
  });
  const moved = variables.filter((v, k) => tf.tidy(() => tf.any(tf.notEqual(v, before[k]!)).dataSync()[0] === 1)).map((v) => v.name);
  tf.dispose(before);
  optimizer.dispose();
  return { shape, bad, moved };
}

describe('buildCnn with pooling layers', () => {
  it('builds sampled architectures, trains one step, gives [batch, classes], leaks nothing (120 archs)', () => {
    const space = CnnSpaceConfig.parse({ kind: 'cnn', layerTypes: ['conv', 'maxPool', 'avgPool'], filterHeights: [1, 2, 3], filterWidths: [1, 3], filters: [2, 3], strides: [1, 2, 3] });
    const random = mulberry32(34);
    const warmUp = buildCnn(tf, randomCnn(space, 3, random), IMAGE, CLASSES, 1);
    trainOneStep(warmUp); // kernels and backend state set up before counting
    warmUp.dispose();
    const before = tf.memory().numTensors;
    let poolFromImage = 0;
    let poolInConcat = 0;
    for (let n = 0; n < 120; n++) {
      const depth = 1 + (n % 7);
      const arch = randomCnn(space, depth, random);
      const shapes = layerShapes(arch, IMAGE);
      for (const l of arch.layers) {
        if (l.type !== undefined && l.inputs.length === 0) poolFromImage++;
        const sizes = new Set(l.inputs.map((j) => shapes[j]!.height));
        if (l.inputs.some((j) => arch.layers[j]!.type !== undefined) && sizes.size > 1) poolInConcat++;
      }
      const model = buildCnn(tf, arch, IMAGE, CLASSES, n);
      try {
        const label = JSON.stringify(arch.layers);
        const { shape, bad, moved } = trainOneStep(model);
        assert.deepEqual(shape, [BATCH, CLASSES], label);
        assert.deepEqual(bad, [], `no or a non-finite gradient for ${bad.join(', ')} in ${label}`);
        assert.ok(moved.some((name) => name.startsWith('classifier_dense/kernel')), `the step did not train the classifier of ${label}`);
        const convs = arch.layers.filter((l) => l.type === undefined).length;
        assert.equal(model.trainableWeights.length, 3 * convs + 2, label); // pools have no weights
        assert.equal(countParams(model), subgraphParamCount(arch, IMAGE.channels, CLASSES), label);
      } finally {
        model.dispose();
      }
    }
    assert.ok(poolFromImage > 30, `only ${poolFromImage} pooling layers read the image`);
    assert.ok(poolInConcat > 10, `only ${poolInConcat} concatenations of differently sized inputs include a pool`);
    assert.equal(tf.memory().numTensors, before);
  });
});

describe('buildCnn with pooling layers, by hand', () => {
  // 7x7x1 image. Layer 0: 3x3 max pool, stride 2, no input → the image → 4x4x1. Layer 1: conv from
  // the image, 7x7x3. Layer 2: avg pool of [0, 1] → layer 0 padded [1, 2] to 7x7, concatenated → 7x7x4.
  // Layer 3: conv stride 3 from the image → 3x3x2. Unconsumed: 2 (7x7x4) and 3 (padded [2, 2]).
  const image = { height: 7, width: 7, channels: 1 };
  const arch = validateCnn({ kind: 'cnn', layers: [
    { type: 'maxPool', filterHeight: 3, filterWidth: 3, stride: 2, inputs: [] },
    { filterHeight: 3, filterWidth: 3, filters: 3, stride: 1, inputs: [] },
    { type: 'avgPool', filterHeight: 2, filterWidth: 3, stride: 1, inputs: [0, 1] },
    { filterHeight: 1, filterWidth: 1, filters: 2, stride: 3, inputs: [] },
  ] });

  it('pools the image, keeps channels, pads and concatenates pools like convolutions', () => {
    const before = tf.memory().numTensors;
    const model = buildCnn(tf, arch, image, CLASSES, 1);
    try {
      assert.equal(model.getLayer('layer0_pool').getClassName(), 'MaxPooling2D');
      assert.equal(model.getLayer('layer2_pool').getClassName(), 'AveragePooling2D');
      assert.deepEqual(inboundNames(model, 'layer0_pool'), ['image']);
      assert.deepEqual(model.getLayer('layer0_pool').outputShape, [null, 4, 4, 1]);
      assert.deepEqual(model.getLayer('layer2_pad0').getConfig()['padding'], [[1, 2], [1, 2]]);
      assert.deepEqual(inboundNames(model, 'layer2_concat'), ['layer2_pad0', 'layer1_relu']);
      assert.deepEqual(model.getLayer('layer2_pool').outputShape, [null, 7, 7, 4]);
      assert.throws(() => model.getLayer('layer0_conv'));
      assert.deepEqual(unconsumedLayers(arch), [2, 3]);
      assert.deepEqual(inboundNames(model, 'classifier_concat'), ['layer2_pool', 'classifier_pad3']);
      assert.deepEqual(model.getLayer('classifier_pad3').getConfig()['padding'], [[2, 2], [2, 2]]);
      assert.deepEqual(model.getLayer('classifier_concat').outputShape, [null, 7, 7, 4 + 2]);
      // params: 3*3*1*3 + 1*1*1*2 convs, 2*(3+2) bn, 6*3+3 dense; the pools have none
      assert.equal(countParams(model), 27 + 2 + 10 + 21);
      assert.equal(subgraphParamCount(arch, image.channels, CLASSES), countParams(model));
    } finally {
      model.dispose();
    }
    assert.equal(tf.memory().numTensors, before);
  });

  it('max and average pools compute what they say', () => {
    const single = (type: 'maxPool' | 'avgPool') => validateCnn({ kind: 'cnn', layers: [{ type, filterHeight: 2, filterWidth: 2, stride: 2, inputs: [] }] });
    for (const [type, expected] of [['maxPool', [4]], ['avgPool', [2.5]]] as const) {
      const model = buildCnn(tf, single(type), { height: 2, width: 2, channels: 1 }, CLASSES, 1);
      const input = tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]);
      const pooled = tf.model({ inputs: model.inputs, outputs: model.getLayer('layer0_pool').output }).predict(input) as Tensor; // [1, 1, 1, 1]
      assert.deepEqual(Array.from(pooled.dataSync()), expected);
      tf.dispose([input, pooled]);
      model.dispose();
    }
  });

  it('round-trips through model.save and tf.loadLayersModel', async () => {
    await assertSaveRoundTrip(tf, buildCnn(tf, arch, image, CLASSES, 1), tf.randomUniform([2, 7, 7, 1], 0, 1, 'float32', 9));
  });
});
