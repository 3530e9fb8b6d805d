// Weight decay in one step of trainChild: from the same initial weights and the same batch, the run
// with decay ends each conv and dense kernel lr·wd·w0 lower than the run without (times 1 + momentum
// on a Nesterov step), and leaves batch norm and biases alone. Not whether decay helps accuracy.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadTf } from '../../backend/tf';
import { buildCnn } from '../../child/cnn-builder';
import { ChildTrainingConfig } from '../../config/child-training-config';
import { validateCnn } from '../../space/cnn';
import { trainChild } from '../../trainer/train-child';
import { decayedKernels } from '../../trainer/weight-decay';
import { syntheticData } from './synthetic-data';

const tf = loadTf('cpu');
const data = syntheticData({ train: 32, valid: 16, classes: 3, size: 8, seed: 4 });
const arch = validateCnn({
  kind: 'cnn',
  layers: [
    { filterHeight: 3, filterWidth: 3, filters: 4, stride: 1, inputs: [] },
    { filterHeight: 1, filterWidth: 3, filters: 4, stride: 1, inputs: [0] },
  ],
});
const SEED = 3;
const LR = 0.1;
const WD = 0.01;

/** Every trainable weight after one SGD step on the whole train split (one batch), by layer/weight name. */
async function afterOneStep(weightDecay: number, momentum: number): Promise<Map<string, Float32Array>> {
  const training = ChildTrainingConfig.parse({ epochs: 1, batchSize: data.train.count, learningRate: LR, momentum, weightDecay, rewardWindow: 1 });
  const weights = new Map<string, Float32Array>();
  const before = tf.memory().numTensors;
  const result = await trainChild(tf, {
    arch, data, training, seed: SEED,
    keepModel: async (model) => { for (const w of model.trainableWeights) weights.set(w.originalName, w.read().dataSync() as Float32Array); },
  });
  assert.equal(result.status, 'succeeded', result.error);
  assert.equal(tf.memory().numTensors, before, 'no tensor outlives the call');
  return weights;
}

function initialWeights(): Map<string, Float32Array> {
  const model = buildCnn(tf, arch, data, data.numClasses, SEED);
  const weights = new Map(model.trainableWeights.map((w) => [w.originalName, w.read().dataSync() as Float32Array]));
  model.dispose();
  return weights;
}

for (const momentum of [0, 0.9]) {
  test(`one step with momentum ${momentum}: kernels shrink by ${momentum > 0 ? '(1 + momentum)·' : ''}lr·wd·w0 more than without decay; the rest does not`, async () => {
    const w0 = initialWeights();
    const plain = await afterOneStep(0, momentum);
    const decayed = await afterOneStep(WD, momentum);
    // Nesterov's first step is lr·(1 + momentum)·g (accumulator g, step g + momentum·g); the L2 term adds wd·w0 to g.
    const factor = LR * WD * (1 + momentum);
    const kernels = [...w0.keys()].filter((name) => name.endsWith('/kernel'));
    assert.deepEqual(kernels, ['layer0_conv/kernel', 'layer1_conv/kernel', 'classifier_dense/kernel']);
    for (const [name, initial] of w0) {
      const difference = decayed.get(name)!.map((v, i) => v - plain.get(name)![i]!);
      const expected = initial.map((v) => (kernels.includes(name) ? -factor * v : 0));
      difference.forEach((d, i) => assert.ok(Math.abs(d - expected[i]!) < 2e-6, `${name}[${i}]: ${d} vs ${expected[i]}`));
    }
  });
}

test('the decayed variables are the conv and dense kernels only', () => {
  const model = buildCnn(tf, arch, data, data.numClasses, SEED);
  const kernels = decayedKernels(tf, model);
  assert.deepEqual(kernels.map((k) => k.shape.length), [4, 4, 2]);
  // Variable names carry a per-model suffix: layer0_conv/kernel_6.
  assert.deepEqual(kernels.map((k) => k.name.replace(/_\d+$/, '')), ['layer0_conv/kernel', 'layer1_conv/kernel', 'classifier_dense/kernel']);
  model.dispose();
});
