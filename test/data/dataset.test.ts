// Tests for the seeded split and the bilinear resize on hand-made pools: sizes, disjointness,
// determinism, pixels travelling with their labels, hand-computed resize values and no tensor leaks.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadTf } from '../../backend/tf';
import { type ImageSplit, type RawImages, resizeImages, splitDataset, splitDeterministically } from '../../data/dataset';
import { InvalidDatasetError } from '../../errors';

/** `count` examples of 1x2x1 pixels [i, 255 - i] with label i, so every example is identifiable. */
function pool(count: number, firstLabel = 0): RawImages {
  const pixels = new Uint8Array(count * 2);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    pixels[2 * i] = i;
    pixels[2 * i + 1] = 255 - i;
    labels[i] = firstLabel + i;
  }
  return { pixels, labels, count };
}

function assertPixelsFollowLabels(split: ImageSplit, firstLabel = 0): void {
  assert.equal(split.images.length, split.count * 2);
  assert.equal(split.labels.length, split.count);
  split.labels.forEach((label, j) => {
    const i = label - firstLabel;
    assert.equal(split.images[2 * j], Math.fround(i / 255));
    assert.equal(split.images[2 * j + 1], Math.fround((255 - i) / 255));
  });
}

const sizes = { trainSize: 5, validSize: 4, testSize: 3 };

test('splitDeterministically respects the sizes and keeps pixels with their labels', () => {
  const { train, valid, test: testSplit } = splitDeterministically(pool(20), sizes, 1);
  assert.deepEqual([train.count, valid.count, testSplit.count], [5, 4, 3]);
  for (const split of [train, valid, testSplit]) assertPixelsFollowLabels(split);
});

test('the three splits are disjoint', () => {
  const { train, valid, test: testSplit } = splitDeterministically(pool(20), sizes, 9);
  const all = [...train.labels, ...valid.labels, ...testSplit.labels];
  assert.equal(new Set(all).size, 12);
});

test('the same seed gives the same split, a different seed a different one', () => {
  const a = splitDeterministically(pool(50), sizes, 1);
  assert.deepEqual(splitDeterministically(pool(50), sizes, 1), a);
  const b = splitDeterministically(pool(50), sizes, 2);
  assert.notDeepEqual(b.train.labels, a.train.labels);
});

test('changing trainSize leaves valid and test unchanged', () => {
  const small = splitDeterministically(pool(50), sizes, 5);
  const large = splitDeterministically(pool(50), { ...sizes, trainSize: 30 }, 5);
  assert.deepEqual(large.valid, small.valid);
  assert.deepEqual(large.test, small.test);
  assert.deepEqual(large.train.labels.subarray(0, 5), small.train.labels);
});

test('using every example is allowed; one more is an InvalidDatasetError naming the numbers', () => {
  const exact = splitDeterministically(pool(12), sizes, 1);
  assert.equal(exact.train.count + exact.valid.count + exact.test.count, 12);
  assert.throws(() => splitDeterministically(pool(11), sizes, 1, 'the tiny pool'), (err: Error) => {
    assert.ok(err instanceof InvalidDatasetError);
    assert.match(err.message, /the tiny pool: .* = 12 examples requested, but only 11 available/);
    assert.match(err.message, /trainSize 5 \+ validSize 4 \+ testSize 3/);
    return true;
  });
});

test('splitDataset takes test from the test pool and train + valid from the train pool', () => {
  const raw = { train: pool(10), test: pool(6, 100), height: 1, width: 2, channels: 1, numClasses: 106, source: 'x' };
  const dataset = splitDataset(raw, { trainSize: 7, validSize: 3, testSize: 6 }, 4);
  assert.ok([...dataset.train.labels, ...dataset.valid.labels].every((label) => label < 10));
  assert.deepEqual([...dataset.test.labels].sort((a, b) => a - b), [100, 101, 102, 103, 104, 105]);
  assertPixelsFollowLabels(dataset.test, 100);
  assert.throws(() => splitDataset(raw, { trainSize: 7, validSize: 3, testSize: 7 }, 4), /test files of x: .* = 7 examples requested, but only 6 available/);
  assert.throws(() => splitDataset(raw, { trainSize: 8, validSize: 3, testSize: 0 }, 4), /train files of x: trainSize 8 \+ validSize 3 \+ testSize 0 = 11 examples requested, but only 10 available/);
});

const tf = loadTf('cpu');

test('resizeImages halves a 4x4 image into the means of its 2x2 blocks, per channel', () => {
  // Two channels: c0 = k/16 at row-major position k, c1 = 1 - c0.
  const images = new Float32Array(32);
  for (let k = 0; k < 16; k++) {
    images[2 * k] = k / 16;
    images[2 * k + 1] = 1 - k / 16;
  }
  const resized = resizeImages(tf, { images, labels: Int32Array.of(7), count: 1 }, { height: 4, width: 4, channels: 2 }, 2);
  const means = [2.5, 4.5, 10.5, 12.5].map((m) => m / 16);
  const expected = means.flatMap((m) => [m, 1 - m]);
  assert.equal(resized.images.length, 8);
  resized.images.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) < 1e-6, `value ${i}: ${v} vs ${expected[i]}`));
  assert.deepEqual(resized.labels, Int32Array.of(7));
});

test('resizeImages keeps each image its own across chunks and leaks no tensors', () => {
  const count = 1100; // more than two chunks of 512
  const images = new Float32Array(count * 4);
  for (let i = 0; i < count; i++) images.fill(i / count, 4 * i, 4 * i + 4); // constant 2x2 images
  const before = tf.memory().numTensors;
  const resized = resizeImages(tf, { images, labels: new Int32Array(count), count }, { height: 2, width: 2, channels: 1 }, 3);
  assert.equal(tf.memory().numTensors, before);
  assert.equal(resized.images.length, count * 9);
  for (let i = 0; i < count; i++) {
    for (let k = 0; k < 9; k++) assert.ok(Math.abs(resized.images[9 * i + k] - i / count) < 1e-6, `image ${i}`);
  }
});

test('resizeImages handles an empty split and rejects a split that does not match its shape', () => {
  const empty = resizeImages(tf, { images: new Float32Array(0), labels: new Int32Array(0), count: 0 }, { height: 28, width: 28, channels: 1 }, 14);
  assert.equal(empty.images.length, 0);
  assert.throws(() => resizeImages(tf, { images: new Float32Array(5), labels: new Int32Array(1), count: 1 }, { height: 2, width: 2, channels: 1 }, 3),
    InvalidDatasetError);
});
