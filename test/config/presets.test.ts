// The presets are what they claim: `paper` resolves, key by key, to section 4.1 of Zoph & Le 2017 on
// CIFAR-10; `paperSmall` keeps its recipe; and the keys added for them (weight decay, augmentation,
// whitening) leave every config written before them, the embedded digits default above all, as it was.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSearchConfig } from '../../config/parse';
import { PRESETS } from '../../config/presets';

const withPath = <P extends { data: object }>(preset: P, path: string) => ({ ...preset, data: { ...preset.data, path } });

test('the paper preset resolves to section 4.1 on CIFAR-10, key by key', () => {
  const c = parseSearchConfig(withPath(PRESETS.paper, '/data/cifar-10-batches-bin'));
  // Data: the binary batches, 45,000 / 5,000 from the training files, whitened; test_batch.bin for export.
  assert.deepEqual(c.data, { source: 'cifar10', path: '/data/cifar-10-batches-bin', trainSize: 45000, validSize: 5000, testSize: 10000, whiten: true });
  // Training: SGD, Nesterov momentum 0.9 (trainer/train-child.ts), lr 0.1, weight decay 1e-4, 50 epochs, crop + flip.
  assert.equal(c.child.optimizer, 'sgd');
  assert.equal(c.child.momentum, 0.9);
  assert.equal(c.child.learningRate, 0.1);
  assert.equal(c.child.weightDecay, 1e-4);
  assert.equal(c.child.epochs, 50);
  assert.deepEqual(c.child.augment, { cropPadding: 4, flip: true });
  // Reward: the best validation accuracy of the last 5 epochs, cubed.
  assert.equal(c.child.rewardWindow, 5);
  assert.equal(c.child.rewardExponent, 3);
  // Depth: 6, +2 every 1,600 children, up to 20 (reached by the last 1,600 of 12,800).
  assert.deepEqual(c.schedule, { startLayers: 6, addLayers: 2, everyChildren: 1600, maxLayers: 20 });
  // Distribution: K = 100 replicas × m = 8 children, S = 20 shards, 12,800 children.
  assert.equal(c.distributed.replicas, 100);
  assert.equal(c.distributed.shards, 20);
  assert.equal(c.distributed.accumulateGradients, 1);
  assert.equal(c.budget.childrenPerIteration, 8);
  assert.equal(c.budget.maxChildren, 12800);
  // Space and controller: the schema's defaults, which are the paper's (convolutions only, stride fixed at 1).
  assert.deepEqual(c.space, { kind: 'cnn', layerTypes: ['conv'], filterHeights: [1, 3, 5, 7], filterWidths: [1, 3, 5, 7], filters: [24, 36, 48, 64], strides: [1], skips: true });
  assert.deepEqual([c.controller.hiddenUnits, c.controller.lstmLayers, c.controller.learningRate], [35, 2, 6e-4]);
  assert.equal(c.mode, 'fromScratch');
  assert.equal(c.strategy, 'reinforce');
});

test('the paper preset needs its CIFAR-10 folder', () => {
  assert.throws(() => parseSearchConfig(PRESETS.paper), /data\.path/);
});

test('paperSmall keeps the recipe at a size two cores finish', () => {
  const c = parseSearchConfig(PRESETS.paperSmall);
  const { epochs, batchSize, augment, ...recipe } = c.child;
  assert.deepEqual(recipe, { optimizer: 'sgd', learningRate: 0.1, momentum: 0.9, weightDecay: 1e-4, rewardWindow: 5, rewardExponent: 3 });
  assert.ok(epochs >= c.child.rewardWindow, 'the reward window lies inside the training');
  assert.ok(batchSize > 0);
  assert.ok(augment.cropPadding > 0 && augment.flip);
  assert.ok(c.data.source === 'idx' && c.data.whiten === true);
  assert.ok(c.distributed.replicas > 1 && c.distributed.shards > 1, 'the distributed path, small');
  assert.equal(c.schedule.addLayers, 2);
});

test('configs without the new keys parse as before: no weight decay, no augmentation, no whitening', () => {
  for (const input of [{}, PRESETS.digits, PRESETS.sharing, { data: { source: 'idx', path: '/x' } }, { data: { source: 'cifar10', path: '/x' } }]) {
    const c = parseSearchConfig(input);
    assert.equal(c.child.weightDecay, 0);
    assert.deepEqual(c.child.augment, { cropPadding: 0, flip: false });
    assert.ok(!('whiten' in c.data), `${JSON.stringify(input)}: data gains no whiten key`);
  }
  // The embedded default, as README's first command runs it.
  const digits = parseSearchConfig(PRESETS.digits);
  assert.deepEqual(digits.data, { source: 'mnist', trainSize: 1000, validSize: 500, testSize: 500, imageSize: 14 });
  assert.deepEqual(digits.schedule, { startLayers: 3, addLayers: 1, everyChildren: 50, maxLayers: 6 });
  assert.deepEqual([digits.child.optimizer, digits.child.learningRate, digits.child.epochs], ['adam', 0.005, 3]);
  assert.deepEqual([digits.distributed.replicas, digits.distributed.shards], [1, 1]);
  assert.equal(parseSearchConfig({}).schedule.maxLayers, 15, 'the schema default is unchanged; only the paper preset goes to 20');
});
