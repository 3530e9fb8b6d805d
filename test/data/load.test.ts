// Tests for loadDataset's process cache and resize: one object per (config, seed), failures not
// cached, `imageSize` applied to every split without leaking tensors.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { loadTf } from '../../backend/tf';
import { clearDatasetCache, loadDataset } from '../../data/load';
import { DatasetNotFoundError } from '../../errors';
import { idxImages, idxLabels, tempFolder, writeFiles } from './fixtures';

const tf = loadTf('cpu');
const mnist = { source: 'mnist', trainSize: 500, validSize: 100, testSize: 100 } as const;

test('the same (config, seed) gives the same object; another seed or size a new, different split', async () => {
  const a = await loadDataset(tf, mnist, 1);
  assert.equal(await loadDataset(tf, { ...mnist }, 1), a);
  const otherSeed = await loadDataset(tf, mnist, 2);
  assert.notEqual(otherSeed, a);
  assert.notDeepEqual(otherSeed.train.labels, a.train.labels);
  assert.notEqual(await loadDataset(tf, { ...mnist, trainSize: 400 }, 1), a);
  clearDatasetCache();
  const reloaded = await loadDataset(tf, mnist, 1);
  assert.notEqual(reloaded, a);
  assert.deepEqual(reloaded, a);
});

test('imageSize resizes every split, keeps labels and leaks no tensors', async () => {
  const native = await loadDataset(tf, mnist, 3);
  const before = tf.memory().numTensors;
  const small = await loadDataset(tf, { ...mnist, imageSize: 14 }, 3);
  assert.equal(tf.memory().numTensors, before);
  assert.deepEqual([small.height, small.width, small.channels, small.numClasses], [14, 14, 1, 10]);
  for (const name of ['train', 'valid', 'test'] as const) {
    assert.equal(small[name].images.length, native[name].count * 14 * 14);
    assert.deepEqual(small[name].labels, native[name].labels);
  }
  // Halving with half-pixel centres averages 2x2 blocks: output (y, x) is the mean of rows 2y, 2y+1, cols 2x, 2x+1.
  const img = native.train.images;
  const blockMean = (y: number, x: number) => (img[56 * y + 2 * x] + img[56 * y + 2 * x + 1] + img[56 * y + 28 + 2 * x] + img[56 * y + 28 + 2 * x + 1]) / 4;
  for (const [y, x] of [[0, 0], [7, 7], [10, 4]]) assert.ok(Math.abs(small.train.images[14 * y + x] - blockMean(y, x)) < 1e-6, `pixel ${y},${x}`);
  assert.ok(small.train.images.some((v) => v > 0.5));
});

test('an imageSize equal to the native size leaves the pixels untouched', async () => {
  const native = await loadDataset(tf, mnist, 3);
  const same = await loadDataset(tf, { ...mnist, imageSize: 28 }, 3);
  assert.deepEqual(same.train, native.train);
  assert.equal(same.height, 28);
});

test('a failed load is not cached, and a relative path shares the cache entry of its absolute form', async () => {
  const dir = await tempFolder();
  const folder = join(dir, 'later');
  const config = { source: 'idx', path: folder, trainSize: 1, validSize: 1, testSize: 1 } as const;
  await assert.rejects(loadDataset(tf, config, 1), DatasetNotFoundError);
  await mkdir(folder);
  await writeFiles(folder, {
    'train-images-idx3-ubyte': idxImages(1, 1, [[0], [255]]),
    'train-labels-idx1-ubyte': idxLabels([0, 1]),
    't10k-images-idx3-ubyte.gz': idxImages(1, 1, [[51]]),
    't10k-labels-idx1-ubyte.gz': idxLabels([1]),
  });
  const loaded = await loadDataset(tf, config, 1);
  assert.deepEqual(loaded.test.images, Float32Array.of(0.2));
  assert.equal(await loadDataset(tf, { ...config, path: relative(process.cwd(), folder) }, 1), loaded);
});
