// Checks that a child run through the shared weights ω is exactly the from-scratch child with the same
// weights (same layers, inputs, padding, head), and that the weights a child does not use get no
// gradient. Not training (omega-trainer.test.ts), not checkpoints.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Tensor, Tensor4D } from '@tensorflow/tfjs';
import { loadTf } from '../../backend/tf';
import { buildCnn, countParams } from '../../child/cnn-builder';
import { InvalidArchitectureError } from '../../errors';
import { type CnnArchitecture, type CnnLayer, convLayer, validateCnn } from '../../space/cnn';
import { layerSources, unconsumedLayers } from '../../space/cnn-graph';
import {
  createSharedNetwork, disposeSharedNetwork, kernelSlice, type SharedNetwork, sharedForward, subgraphParamCount,
} from '../../weight-sharing/shared-network';

const tf = loadTf('cpu');
const IMAGE = { height: 8, width: 8, channels: 2 };
const PER_SHAPE = { maxLayers: 5, filterHeights: [1, 3, 5], filterWidths: [1, 3, 5], maxFilters: 6, image: IMAGE, numClasses: 3, kernels: 'perShape' as const };
const CENTRE = { ...PER_SHAPE, kernels: 'centreSlice' as const };

const layer = (inputs: number[], filterHeight: number, filterWidth: number, filters: number, stride = 1): CnnLayer =>
  ({ filterHeight, filterWidth, filters, stride, inputs });

/** Hand-written children: a chain, skips into one layer, a second image reader, strides that need padding. */
const ARCHITECTURES: Record<string, CnnArchitecture> = {
  chain: validateCnn({ kind: 'cnn', layers: [layer([], 3, 3, 4), layer([0], 5, 1, 6), layer([1], 1, 3, 2)] }),
  skips: validateCnn({ kind: 'cnn', layers: [layer([], 5, 5, 3), layer([0], 3, 3, 5), layer([0, 1], 1, 1, 4), layer([0, 2], 3, 5, 6)] }),
  twoImageReaders: validateCnn({ kind: 'cnn', layers: [layer([], 3, 3, 4), layer([], 1, 5, 2), layer([0, 1], 3, 3, 3)] }),
  strides: validateCnn({ kind: 'cnn', layers: [layer([], 3, 3, 4, 2), layer([], 3, 3, 3), layer([0, 1], 3, 1, 5, 2), layer([1], 5, 3, 2, 1), layer([0, 3], 3, 3, 4)] }),
};

/** The blocks (of each source: 0 = image, j + 1 = layer j) each layer of `arch` reads, and the layers feeding the head. */
function used(net: SharedNetwork, arch: CnnArchitecture): Set<string> {
  const names = new Set<string>(['omega/head/bias']);
  layerSources(arch).forEach((source, i) => {
    for (const s of source.kind === 'image' ? [0] : source.layers.map((j) => j + 1)) names.add(kernelSlice(net, arch, i, s).name);
    names.add(`omega/layer${i}/bn_gamma`);
    names.add(`omega/layer${i}/bn_beta`);
  });
  for (const j of unconsumedLayers(arch)) names.add(`omega/head/from_layer${j}`);
  return names;
}

/** Copies the slices of ω that `arch` uses into the from-scratch child's weights. */
function fromScratchWithSharedWeights(net: SharedNetwork, arch: CnnArchitecture) {
  const model = buildCnn(tf, arch, IMAGE, PER_SHAPE.numClasses, 7);
  tf.tidy(() => {
    layerSources(arch).forEach((source, i) => {
      const sources = source.kind === 'image' ? [0] : source.layers.map((j) => j + 1);
      const blocks = sources.map((s) => { const { block, begin, size } = kernelSlice(net, arch, i, s); return tf.slice(block, begin, size); });
      model.getLayer(`layer${i}_conv`).setWeights([tf.concat(blocks, 2)]);
      const f = convLayer(arch, i).filters;
      const bn = model.getLayer(`layer${i}_bn`);
      bn.setWeights([tf.slice(net.gammas[i]!, [0], [f]), tf.slice(net.betas[i]!, [0], [f]), ...bn.getWeights().slice(2)]);
    });
    const head = unconsumedLayers(arch).map((j) => tf.slice(net.head[j]!, [0, 0], [convLayer(arch, j).filters, -1]));
    model.getLayer('classifier_dense').setWeights([tf.concat(head, 0), net.headBias]);
  });
  return model;
}

/** Random, non-trivial BN parameters so that a mix-up of slices shows. */
function randomizeNormalization(net: SharedNetwork): void {
  net.gammas.forEach((g, i) => g.assign(tf.randomUniform(g.shape, 0.5, 1.5, 'float32', 100 + i)));
  net.betas.forEach((b, i) => b.assign(tf.randomUniform(b.shape, -0.5, 0.5, 'float32', 200 + i)));
  net.headBias.assign(tf.randomUniform(net.headBias.shape, -0.5, 0.5, 'float32', 300));
}

describe('shared network ω', () => {
  for (const [name, arch, SHAPE] of Object.entries(ARCHITECTURES).flatMap(([n, a]) => [[`${n} (a block per kernel shape)`, a, PER_SHAPE], [`${n} (centre of one kernel)`, a, CENTRE]] as const)) {
    it(`${name}: the subgraph computes the from-scratch child with the same weights`, () => {
      const net = createSharedNetwork(tf, SHAPE, 3);
      randomizeNormalization(net);
      const model = fromScratchWithSharedWeights(net, arch);
      try {
        const before = tf.memory().numTensors;
        const [shared, scratch] = tf.tidy(() => {
          const images = tf.randomUniform([4, IMAGE.height, IMAGE.width, IMAGE.channels], 0, 1, 'float32', 11) as Tensor4D; // [batch, h, w, c]
          const probabilities = tf.softmax(sharedForward(tf, net, arch, images)); // [batch, classes]
          return [probabilities.arraySync() as number[][], (model.apply(images, { training: true }) as Tensor).arraySync() as number[][]];
        });
        assert.equal(tf.memory().numTensors, before, 'the forward pass leaks no tensor');
        assert.equal(subgraphParamCount(arch, IMAGE.channels, SHAPE.numClasses), countParams(model), 'the subgraph has the child\'s parameter count');
        shared.flat().forEach((p, k) => assert.ok(Math.abs(p - scratch.flat()[k]!) < 1e-5, `output ${k}: shared ${p} vs from scratch ${scratch.flat()[k]}`));
      } finally {
        model.dispose();
        disposeSharedNetwork(net);
      }
    });

    it(`${name}: exactly the used blocks get a gradient, and only inside the used slice`, () => {
      const net = createSharedNetwork(tf, SHAPE, 4);
      try {
        const expected = used(net, arch);
        tf.tidy(() => {
          const images = tf.randomUniform([3, IMAGE.height, IMAGE.width, IMAGE.channels], 0, 1, 'float32', 12) as Tensor4D; // [batch, h, w, c]
          const labels = tf.oneHot(tf.tensor1d([0, 1, 2], 'int32'), SHAPE.numClasses); // [batch, classes]
          const { grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(labels, sharedForward(tf, net, arch, images)).asScalar(), net.variables);
          assert.deepEqual(new Set(Object.keys(grads).map((n) => n.slice(net.prefix.length))), expected);
          layerSources(arch).forEach((source, i) => {
            for (const s of source.kind === 'image' ? [0] : source.layers.map((j) => j + 1)) {
              const { name: block, begin, size } = kernelSlice(net, arch, i, s);
              const grad = grads[net.prefix + block]!;
              const slice = tf.slice(grad, begin, size);
              const outside = tf.sub(grad, tf.pad(slice, begin.map((b, d) => [b, grad.shape[d]! - b - size[d]!] as [number, number])));
              assert.ok(tf.max(tf.abs(slice)).dataSync()[0]! > 0, `${block}: the used slice has a gradient`);
              assert.equal(tf.max(tf.abs(outside)).dataSync()[0], 0, `${block}: nothing outside the used slice has a gradient`);
            }
            const f = convLayer(arch, i).filters;
            const gamma = grads[`${net.prefix}omega/layer${i}/bn_gamma`]!.dataSync();
            assert.ok(Array.from(gamma).slice(f).every((g) => g === 0), `layer ${i}: BN past its ${f} filters gets no gradient`);
          });
        });
      } finally {
        disposeSharedNetwork(net);
      }
    });
  }

  it('refuses a child deeper or wider than ω, or with a pooling layer', () => {
    const net = createSharedNetwork(tf, PER_SHAPE, 5);
    try {
      const images = tf.zeros([1, IMAGE.height, IMAGE.width, IMAGE.channels]) as Tensor4D;
      const wide = validateCnn({ kind: 'cnn', layers: [layer([], 7, 3, 4)] });
      const deep = validateCnn({ kind: 'cnn', layers: Array.from({ length: 6 }, (_, i) => layer(i === 0 ? [] : [i - 1], 3, 3, 2)) });
      assert.throws(() => sharedForward(tf, net, wide, images), /kernel 7x3 is not one of the shared network's/);
      assert.throws(() => sharedForward(tf, net, deep, images), /6 layers; the shared network has 5/);
      // ω shares convolutions only (the config refuses pooling with mode weightSharing).
      const pooled = validateCnn({ kind: 'cnn', layers: [layer([], 3, 3, 2), { type: 'maxPool', filterHeight: 3, filterWidth: 3, stride: 1, inputs: [0] }] });
      assert.throws(() => sharedForward(tf, net, pooled, images), (e: Error) => e instanceof InvalidArchitectureError && /layer 1 is a maxPool layer, not a convolution/.test(e.message));
      images.dispose();
    } finally {
      disposeSharedNetwork(net);
    }
  });
});
