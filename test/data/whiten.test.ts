// Per-channel whitening: the train split comes out with mean ≈ 0 and std ≈ 1 in every channel,
// valid and test are moved by the train split's statistics (never their own), the loaded data set
// is left untouched, and loadDataset whitens only when data.whiten is on. Not ZCA.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadTf } from '../../backend/tf';
import type { ImageDataset, ImageSplit } from '../../data/dataset';
import { loadDataset } from '../../data/load';
import { channelStatistics, whitenDataset } from '../../data/whiten';
import { mulberry32 } from '../../random/prng';

/** `count` images of 4x4x3 whose channel c is uniform noise around 0.2 + 0.3c with spread 0.1(c + 1). */
function split(count: number, seed: number): ImageSplit {
  const random = mulberry32(seed);
  const images = Float32Array.from({ length: count * 48 }, (_, i) => 0.2 + 0.3 * (i % 3) + 0.1 * ((i % 3) + 1) * (random() - 0.5));
  return { images, labels: new Int32Array(count), count };
}

const dataset: ImageDataset = { train: split(50, 1), valid: split(20, 2), test: split(10, 3), height: 4, width: 4, channels: 3, numClasses: 2 };

test('the train split comes out with per-channel mean ≈ 0 and std ≈ 1', () => {
  const whitened = whitenDataset(dataset);
  const { mean, std } = channelStatistics(whitened.train, 3);
  mean.forEach((m, c) => assert.ok(Math.abs(m) < 1e-5, `channel ${c} mean ${m}`));
  std.forEach((s, c) => assert.ok(Math.abs(s - 1) < 1e-4, `channel ${c} std ${s}`));
  // The statistics removed were the train split's, per channel (means near 0.2, 0.5, 0.8).
  whitened.whitening.mean.forEach((m, c) => assert.ok(Math.abs(m - (0.2 + 0.3 * c)) < 0.02, `channel ${c} mean ${m}`));
});

test("valid and test are moved by the train split's statistics, and the input is untouched", () => {
  const original = dataset.valid.images.slice();
  const whitened = whitenDataset(dataset);
  const { mean, std } = whitened.whitening;
  whitened.valid.images.forEach((v, i) => assert.ok(Math.abs(v - (original[i]! - mean[i % 3]!) / std[i % 3]!) < 1e-5));
  assert.deepEqual(dataset.valid.images, original, 'the cached data set is shared: whitening copies');
  assert.equal(whitened.test.count, 10);
  assert.equal(whitened.train.labels, dataset.train.labels);
});

test('a constant channel is centred, not divided by zero', () => {
  const flat: ImageSplit = { images: new Float32Array(2 * 48).fill(0.5), labels: new Int32Array(2), count: 2 };
  const whitened = whitenDataset({ ...dataset, train: flat });
  assert.deepEqual(whitened.whitening.std, [1, 1, 1]);
  assert.ok(whitened.train.images.every((v) => v === 0));
});

test('loadDataset whitens only when data.whiten is on, and caches the two apart', async () => {
  const tf = loadTf('cpu');
  const config = { source: 'mnist', trainSize: 300, validSize: 100, testSize: 100, imageSize: 14 } as const;
  const plain = await loadDataset(tf, config, 5);
  assert.equal(plain.whitening, undefined);
  assert.ok(plain.train.images.every((v) => v >= 0 && v <= 1));
  const whitened = await loadDataset(tf, { ...config, whiten: true }, 5);
  const { mean, std } = channelStatistics(whitened.train, 1);
  assert.ok(Math.abs(mean[0]!) < 1e-5 && Math.abs(std[0]! - 1) < 1e-4, `mean ${mean[0]} std ${std[0]}`);
  assert.deepEqual(whitened.train.labels, plain.train.labels, 'same split');
  assert.ok(plain.train.images.every((v) => v >= 0 && v <= 1), 'the plain entry is not whitened in place');
});
