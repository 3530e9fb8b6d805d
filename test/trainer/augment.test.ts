// Training-batch augmentation: crop and flip move pixels exactly as trainer/augment.ts says, on images
// worked out by hand; the same seed gives the same batch; it is off by default; and trainChild with
// it on stays deterministic for a seed, augments the training images only, and leaks no tensor. Not
// whether it helps accuracy.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadTf } from '../../backend/tf';
import { AugmentConfig, ChildTrainingConfig } from '../../config/child-training-config';
import { parseSearchConfig } from '../../config/parse';
import { mulberry32 } from '../../random/prng';
import { validateCnn } from '../../space/cnn';
import * as augmentModule from '../../trainer/augment';
import { augmentBatch, isAugmenting } from '../../trainer/augment';
import { trainChild } from '../../trainer/train-child';
import { syntheticData } from './synthetic-data';

/** A 3x3 single-channel image whose pixel (y, x) is 10y + x + 1 (so 0 means padding). */
const IMAGE = Float32Array.from({ length: 9 }, (_, i) => 10 * Math.floor(i / 3) + (i % 3) + 1);
const SHAPE = { height: 3, width: 3, channels: 1 };
const rows = (image: Float32Array) => [0, 1, 2].map((y) => [...image.subarray(3 * y, 3 * y + 3)]);
/** A generator that returns the given draws in turn. */
const draws = (...values: number[]) => () => values.shift()!;

test('flip mirrors each row when its draw is below 1/2, and not otherwise', () => {
  const flip = AugmentConfig.parse({ flip: true });
  assert.deepEqual(rows(augmentBatch(IMAGE, SHAPE, [0], flip, draws(0.49))), [[3, 2, 1], [13, 12, 11], [23, 22, 21]]);
  assert.deepEqual(rows(augmentBatch(IMAGE, SHAPE, [0], flip, draws(0.5))), [[1, 2, 3], [11, 12, 13], [21, 22, 23]]);
});

test('crop shifts the window by (dy, dx) in -pad..pad and fills what leaves the image with zeros', () => {
  const crop = AugmentConfig.parse({ cropPadding: 1 });
  // Draws map to floor(draw * 3) - 1: 0.9 → +1, 0.1 → -1, 0.5 → 0.
  assert.deepEqual(rows(augmentBatch(IMAGE, SHAPE, [0], crop, draws(0.9, 0.1))), [[0, 11, 12], [0, 21, 22], [0, 0, 0]]);
  assert.deepEqual(rows(augmentBatch(IMAGE, SHAPE, [0], crop, draws(0.5, 0.5))), [...rows(IMAGE)]);
  // Crop, then flip: the cropped image mirrored.
  const both = AugmentConfig.parse({ cropPadding: 1, flip: true });
  assert.deepEqual(rows(augmentBatch(IMAGE, SHAPE, [0], both, draws(0.9, 0.1, 0))), [[12, 11, 0], [22, 21, 0], [0, 0, 0]]);
});

test('channels move together and the batch follows the indices', () => {
  const rgb = Float32Array.from({ length: 2 * 2 * 2 * 3 }, (_, i) => i); // [2 images, 2, 2, 3]
  const out = augmentBatch(rgb, { height: 2, width: 2, channels: 3 }, [1, 0], AugmentConfig.parse({ flip: true }), draws(0, 0.9));
  // Image 1 flipped: its pixel (y, 1) comes first in each row; image 0 untouched.
  assert.deepEqual([...out.subarray(0, 12)], [15, 16, 17, 12, 13, 14, 21, 22, 23, 18, 19, 20]);
  assert.deepEqual([...out.subarray(12)], [...rgb.subarray(0, 12)]);
});

test('the same seed gives the same augmented batch; another seed another', () => {
  const images = Float32Array.from({ length: 16 * 8 * 8 }, (_, i) => Math.sin(i));
  const shape = { height: 8, width: 8, channels: 1 };
  const augment = AugmentConfig.parse({ cropPadding: 2, flip: true });
  const batch = (seed: number) => augmentBatch(images, shape, [3, 1, 4, 1, 5, 9, 2, 6], augment, mulberry32(seed));
  assert.deepEqual(batch(7), batch(7));
  assert.notDeepEqual(batch(7), batch(8));
});

test('augmentation is off by default', () => {
  assert.deepEqual(ChildTrainingConfig.parse({}).augment, { cropPadding: 0, flip: false });
  assert.equal(isAugmenting(parseSearchConfig({}).child.augment), false);
  assert.deepEqual(augmentBatch(IMAGE, SHAPE, [0], AugmentConfig.parse({}), () => assert.fail('no draws when off')), IMAGE);
});

test('trainChild with crop, flip and weight decay: deterministic for its seed, differs from no augmentation, no leak', async () => {
  const tf = loadTf('cpu');
  const data = syntheticData({ train: 96, valid: 48, classes: 3, size: 8, seed: 11 });
  const arch = validateCnn({ kind: 'cnn', layers: [{ filterHeight: 3, filterWidth: 3, filters: 4, stride: 1, inputs: [] }] });
  const plain = ChildTrainingConfig.parse({ epochs: 2, batchSize: 16, learningRate: 0.05, rewardWindow: 2 });
  const augmented = { ...plain, weightDecay: 1e-3, augment: { cropPadding: 2, flip: true } };
  const run = async (training: ChildTrainingConfig, seed: number) => {
    const losses: number[] = [];
    const result = await trainChild(tf, { arch, data, training, seed, onEpoch: (_e, _a, loss) => { losses.push(loss); } });
    assert.equal(result.status, 'succeeded', result.error);
    return { accuracies: result.validationAccuracies, losses };
  };
  const before = tf.memory().numTensors;
  const first = await run(augmented, 5);
  assert.equal(tf.memory().numTensors, before, 'no tensor outlives the call');
  assert.deepEqual(await run(augmented, 5), first);
  assert.notDeepEqual((await run(augmented, 6)).losses, first.losses);
  assert.notDeepEqual((await run(plain, 5)).losses, first.losses);
  assert.equal(tf.memory().numTensors, before);
});

test('trainChild augments the training images only, each once an epoch; validation images are never augmented', async () => {
  const tf = loadTf('cpu');
  const data = syntheticData({ train: 40, valid: 24, classes: 3, size: 6, seed: 12 });
  const arch = validateCnn({ kind: 'cnn', layers: [{ filterHeight: 3, filterWidth: 3, filters: 2, stride: 1, inputs: [] }] });
  const training = { ...ChildTrainingConfig.parse({ epochs: 2, batchSize: 16, learningRate: 0.05, rewardWindow: 2 }), augment: { cropPadding: 1, flip: true } };
  const seen: { images: Float32Array; batch: number[] }[] = [];
  // The named import is a live binding to the module's export: keep the function itself to call and restore.
  const module = augmentModule as { augmentBatch: typeof augmentBatch };
  const original = module.augmentBatch;
  module.augmentBatch = (images, shape, batch, augment, random) => {
    seen.push({ images, batch: Array.from(batch) });
    return original(images, shape, batch, augment, random);
  };
  try {
    const result = await trainChild(tf, { arch, data, training, seed: 3 });
    assert.equal(result.status, 'succeeded', result.error);
    assert.equal(result.validationAccuracies.length, 2);
  } finally {
    module.augmentBatch = original;
  }
  assert.ok(seen.length > 0, 'the training batches went through augmentBatch');
  assert.ok(seen.every((call) => call.images === data.train.images), 'only the training images are augmented');
  const indices = seen.flatMap((call) => call.batch);
  const everyImage = Array.from({ length: data.train.count }, (_, i) => i);
  assert.equal(indices.length, 2 * data.train.count, 'two epochs of training images');
  for (const epoch of [indices.slice(0, data.train.count), indices.slice(data.train.count)]) {
    assert.deepEqual([...epoch].sort((a, b) => a - b), everyImage, 'each training image once an epoch');
  }
});
