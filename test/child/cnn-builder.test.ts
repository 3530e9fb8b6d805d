// Checks buildCnn over many sampled architectures (forward, backward, gradients, no leaks) and on
// hand-worked padding cases. Not training quality (test/trainer/), not the shape rules themselves.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LayersModel, Tensor } from '@tensorflow/tfjs';
import { loadTf } from '../../backend/tf';
import { buildCnn, countParams, trainableVariables } from '../../child/cnn-builder';
import { CnnSpaceConfig } from '../../config/search-config';
import { InvalidArchitectureError } from '../../errors';
import { type CnnArchitecture, type CnnLayer, validateCnn } from '../../space/cnn';
import { layerShapes, unconsumedLayers } from '../../space/cnn-graph';
import { mulberry32 } from '../../random/prng';
import { randomCnn } from './random-cnn';
import { assertSaveRoundTrip } from './save-round-trip';

const tf = loadTf('cpu');
const IMAGE = { height: 8, width: 8, channels: 1 };
const CLASSES = 3;
const BATCH = 2;

const layer = (inputs: number[], stride = 1, filters = 2, filterHeight = 3, filterWidth = 3): CnnLayer =>
  ({ filterHeight, filterWidth, filters, stride, inputs });

function inboundNames(model: LayersModel, name: string): string[] {
  return model.getLayer(name).inboundNodes[0]!.inboundLayers.map((l) => l.name);
}

/** One forward and backward pass in training mode; returns the output shape and gradient checks. */
function forwardBackward(model: LayersModel): { shape: number[]; missing: string[]; bad: string[] } {
  const variables = trainableVariables(tf, model);
  return tf.tidy(() => {
    const images = tf.randomUniform([BATCH, IMAGE.height, IMAGE.width, IMAGE.channels], 0, 1, 'float32', 5); // [batch, h, w, c]
    const targets = tf.oneHot(tf.tensor1d([0, 2], 'int32'), CLASSES); // [batch, classes]
    let shape: number[] = [];
    const { value, grads } = tf.variableGrads(() => {
      const probabilities = model.apply(images, { training: true }) as Tensor; // [batch, classes]
      shape = probabilities.shape;
      return tf.neg(tf.mean(tf.sum(tf.mul(targets, tf.log(tf.add(probabilities, 1e-7))), -1))).asScalar();
    }, variables);
    assert.ok(Number.isFinite(value.dataSync()[0]));
    const missing = variables.filter((v) => !grads[v.name]).map((v) => v.name);
    const bad = Object.entries(grads)
      .filter(([, g]) => g.size === 0 || !tf.all(tf.isFinite(g)).dataSync()[0])
      .map(([name]) => name);
    return { shape, missing, bad };
  });
}

describe('buildCnn over sampled architectures', () => {
  it('builds, runs forward and backward, gives every weight a finite gradient, and leaks nothing (200 archs)', () => {
    const space = CnnSpaceConfig.parse({ kind: 'cnn', filters: [2, 4], strides: [1, 2, 3] });
    const random = mulberry32(2017);
    buildCnn(tf, randomCnn(space, 2, random), IMAGE, CLASSES, 1).dispose(); // warm up kernels before counting
    const before = tf.memory().numTensors;
    let withSkips = 0;
    for (let n = 0; n < 200; n++) {
      const depth = 1 + (n % 8);
      const arch = randomCnn(space, depth, random);
      if (arch.layers.some((l) => l.inputs.length > 1)) withSkips++;
      const model = buildCnn(tf, arch, IMAGE, CLASSES, n);
      try {
        const { shape, missing, bad } = forwardBackward(model);
        const label = JSON.stringify(arch.layers);
        assert.deepEqual(shape, [BATCH, CLASSES], label);
        assert.deepEqual(missing, [], `no gradient for ${missing.join(', ')} in ${label}`);
        assert.deepEqual(bad, [], `empty or non-finite gradient for ${bad.join(', ')} in ${label}`);
        assert.equal(model.trainableWeights.length, 3 * depth + 2); // conv kernel, bn gamma, bn beta per layer; dense kernel, bias
      } finally {
        model.dispose();
      }
    }
    assert.ok(withSkips > 50, `only ${withSkips} sampled architectures concatenate inputs`);
    assert.equal(tf.memory().numTensors, before);
  });

  it('gives the same weights for the same seed and different ones for another', () => {
    const arch = validateCnn({ kind: 'cnn', layers: [layer([]), layer([0])] });
    const weights = (seed: number) => {
      const model = buildCnn(tf, arch, IMAGE, CLASSES, seed);
      const values = model.getLayer('layer1_conv').getWeights()[0]!.arraySync();
      model.dispose();
      return values;
    };
    assert.deepEqual(weights(3), weights(3));
    assert.notDeepEqual(weights(3), weights(4));
  });
});

describe('buildCnn by hand', () => {
  // 7x7 image; layer 0 keeps 7x7 with 2 filters, layer 1 (from 0) has stride 2 → ceil(7/2) = 4x4 with
  // 3 filters; layer 2 takes both: layer 1 is padded by 7 - 4 = 3, split [1, 2] on each axis, and the
  // concatenation is 7x7 with 2 + 3 = 5 channels.
  const arch = validateCnn({ kind: 'cnn', layers: [layer([], 1, 2), layer([0], 2, 3), layer([0, 1], 1, 4)] });
  const image = { height: 7, width: 7, channels: 1 };

  it('pads a strided input and concatenates on channels', () => {
    const model = buildCnn(tf, arch, image, CLASSES, 1);
    try {
      assert.deepEqual(model.getLayer('layer1_conv').outputShape, [null, 4, 4, 3]);
      assert.deepEqual(model.getLayer('layer2_pad1').getConfig()['padding'], [[1, 2], [1, 2]]);
      assert.deepEqual(model.getLayer('layer2_pad1').outputShape, [null, 7, 7, 3]);
      assert.throws(() => model.getLayer('layer2_pad0')); // already 7x7: no padding layer
      assert.deepEqual(inboundNames(model, 'layer2_concat'), ['layer0_relu', 'layer2_pad1']);
      assert.deepEqual(model.getLayer('layer2_concat').outputShape, [null, 7, 7, 5]);
      assert.deepEqual(model.getLayer('layer2_conv').outputShape, [null, 7, 7, 4]);
      // Only layer 2 is unconsumed: the classifier pools it directly, without a concat.
      assert.deepEqual(inboundNames(model, 'classifier_pool'), ['layer2_relu']);
      // params: 3*3*1*2 + 3*3*2*3 + 3*3*5*4 convs, 2*(2+3+4) bn, 4*3+3 dense
      assert.equal(countParams(model), 18 + 54 + 180 + 18 + 15);
    } finally {
      model.dispose();
    }
  });

  it('sends every unconsumed output to the classifier, padded to the largest', () => {
    // Layer 1 (stride 2, 4x4) and layer 3 (stride 3 from the image, 3x3) are never consumed; layer 2
    // consumes layer 0. Classifier: 7x7 from layer 2, layer 1 padded [1,2], layer 3 padded [2,2].
    const wide = validateCnn({ kind: 'cnn', layers: [layer([]), layer([], 2, 3), layer([0], 1, 4), layer([], 3, 5)] });
    assert.deepEqual(unconsumedLayers(wide), [1, 2, 3]);
    assert.deepEqual(layerShapes(wide, image).map((s) => s.height), [7, 4, 7, 3]);
    const model = buildCnn(tf, wide, image, CLASSES, 1);
    try {
      assert.deepEqual(inboundNames(model, 'classifier_concat'), ['classifier_pad1', 'layer2_relu', 'classifier_pad3']);
      assert.deepEqual(model.getLayer('classifier_pad1').getConfig()['padding'], [[1, 2], [1, 2]]);
      assert.deepEqual(model.getLayer('classifier_pad3').getConfig()['padding'], [[2, 2], [2, 2]]);
      assert.deepEqual(model.getLayer('classifier_concat').outputShape, [null, 7, 7, 3 + 4 + 5]);
      assert.deepEqual(model.getLayer('classifier_dense').outputShape, [null, CLASSES]);
    } finally {
      model.dispose();
    }
  });

  it('round-trips through model.save and tf.loadLayersModel', async () => {
    await assertSaveRoundTrip(tf, buildCnn(tf, arch, image, CLASSES, 1), tf.randomUniform([2, 7, 7, 1], 0, 1, 'float32', 9));
  });

  it('rejects what cannot be built with InvalidArchitectureError', () => {
    const before = tf.memory().numTensors;
    const forward = { kind: 'cnn', layers: [layer([1]), layer([])] } as unknown as CnnArchitecture;
    assert.throws(() => buildCnn(tf, forward, IMAGE, CLASSES, 1), InvalidArchitectureError);
    assert.throws(() => buildCnn(tf, arch, { height: 0, width: 8, channels: 1 }, CLASSES, 1), InvalidArchitectureError);
    assert.throws(() => buildCnn(tf, arch, IMAGE, 1, 1), InvalidArchitectureError);
    assert.equal(tf.memory().numTensors, before);
  });
});
