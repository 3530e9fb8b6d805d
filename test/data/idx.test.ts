// Tests for the IDX reader on tiny files written here: exact pixels and labels, gzipped variants, and
// each malformed or missing file giving the right error class with the file named in the message.
import assert from 'node:assert/strict';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadTf } from '../../backend/tf';
import type { RawDataset } from '../../data/dataset';
import { readIdx } from '../../data/idx';
import { loadDataset } from '../../data/load';
import { DatasetNotFoundError, InvalidDatasetError } from '../../errors';
import { idxImages, idxLabels, tempFolder, writeFiles } from './fixtures';

// 2x3 images; the 255 checks that a full byte becomes exactly 1.
const TRAIN = [[0, 1, 2, 3, 4, 5], [10, 11, 12, 13, 14, 15], [255, 20, 21, 22, 23, 24]];
const TRAIN_LABELS = [2, 0, 1];
const TEST = [[30, 31, 32, 33, 34, 35], [40, 41, 42, 43, 44, 45]];
const TEST_LABELS = [1, 3];

function goodFiles(suffix = ''): Record<string, Buffer> {
  return {
    [`train-images-idx3-ubyte${suffix}`]: idxImages(2, 3, TRAIN),
    [`train-labels-idx1-ubyte${suffix}`]: idxLabels(TRAIN_LABELS),
    [`t10k-images-idx3-ubyte${suffix}`]: idxImages(2, 3, TEST),
    [`t10k-labels-idx1-ubyte${suffix}`]: idxLabels(TEST_LABELS),
  };
}

/** The good files with one of them replaced (plain or .gz, by `name`). */
function replacing(name: string, bytes: Buffer): Record<string, Buffer> {
  const files = goodFiles();
  delete files[name.replace(/\.gz$/, '')];
  return { ...files, [name]: bytes };
}

async function folderWith(files: Record<string, Buffer>): Promise<string> {
  const dir = await tempFolder();
  await writeFiles(dir, files);
  return dir;
}

/** Asserts `promise` rejects with `errorClass` and a message matching every pattern. */
async function assertRejects(promise: Promise<unknown>, errorClass: typeof InvalidDatasetError, ...patterns: RegExp[]): Promise<void> {
  await assert.rejects(promise, (err: Error) => {
    assert.ok(err instanceof errorClass, `${err.name}: ${err.message}`);
    for (const pattern of patterns) assert.match(err.message, pattern);
    return true;
  });
}

test('readIdx reads the exact pixel bytes, labels and shape of the train and t10k files', async () => {
  const raw = await readIdx(await folderWith(goodFiles()));
  assert.deepEqual([raw.height, raw.width, raw.channels, raw.numClasses], [2, 3, 1, 4]);
  assert.deepEqual(raw.train.pixels, Uint8Array.from(TRAIN.flat()));
  assert.deepEqual(raw.train.labels, Int32Array.from(TRAIN_LABELS));
  assert.equal(raw.train.count, 3);
  assert.deepEqual(raw.test?.pixels, Uint8Array.from(TEST.flat()));
  assert.deepEqual(raw.test?.labels, Int32Array.from(TEST_LABELS));
});

test('gzipped files, alone or mixed with plain ones, read the same', async () => {
  const withoutSource = ({ source: _, ...rest }: RawDataset) => rest;
  const plain = withoutSource(await readIdx(await folderWith(goodFiles())));
  assert.deepEqual(withoutSource(await readIdx(await folderWith(goodFiles('.gz')))), plain);
  const mixed = replacing('train-images-idx3-ubyte.gz', idxImages(2, 3, TRAIN));
  const fromMixed = await readIdx(await folderWith(mixed));
  assert.deepEqual(fromMixed.train, plain.train);
  assert.deepEqual(fromMixed.test, plain.test);
});

test('loadDataset scales bytes by 1/255, takes train + valid from train files and test from t10k', async () => {
  const dir = await folderWith(goodFiles());
  const dataset = await loadDataset(loadTf('cpu'), { source: 'idx', path: dir, trainSize: 2, validSize: 1, testSize: 2 }, 3);
  assert.deepEqual([dataset.train.count, dataset.valid.count, dataset.test.count], [2, 1, 2]);
  assert.deepEqual([...dataset.train.labels, ...dataset.valid.labels].sort(), [0, 1, 2]);
  const expectImages = (images: number[][], labels: number[], split: typeof dataset.test) => {
    split.labels.forEach((label, j) => {
      const original = images[labels.indexOf(label)];
      assert.deepEqual(split.images.subarray(6 * j, 6 * j + 6), Float32Array.from(original, (v) => v / 255));
    });
  };
  expectImages(TRAIN, TRAIN_LABELS, dataset.train);
  expectImages(TRAIN, TRAIN_LABELS, dataset.valid);
  expectImages(TEST, TEST_LABELS, dataset.test);
  assert.ok(dataset.train.images.includes(1) || dataset.valid.images.includes(1), 'the 255 byte becomes exactly 1');
  await assertRejects(loadDataset(loadTf('cpu'), { source: 'idx', path: dir, trainSize: 3, validSize: 1, testSize: 0 }, 3),
    InvalidDatasetError, /train files of IDX folder .*: .* = 4 examples requested, but only 3 available/);
});

test('a bad magic number is an InvalidDatasetError naming the file and both numbers', async () => {
  const dir = await folderWith(replacing('train-images-idx3-ubyte', idxImages(2, 3, TRAIN, 0x00000801)));
  await assertRejects(readIdx(dir), InvalidDatasetError, /train-images-idx3-ubyte/, /0x00000801/, /0x00000803/);
  const labels = await folderWith(replacing('t10k-labels-idx1-ubyte', idxLabels(TEST_LABELS, 0x00000803)));
  await assertRejects(readIdx(labels), InvalidDatasetError, /t10k-labels-idx1-ubyte: bad magic number 0x00000803, expected 0x00000801/);
});

test('a gzipped file without .gz is reported as such', async () => {
  const dir = await folderWith(goodFiles());
  await writeFiles(dir, { 'x.gz': idxLabels(TRAIN_LABELS) });
  await rename(join(dir, 'x.gz'), join(dir, 'train-labels-idx1-ubyte'));
  assert.equal((await readFile(join(dir, 'train-labels-idx1-ubyte')))[0], 0x1f);
  await assertRejects(readIdx(dir), InvalidDatasetError, /train-labels-idx1-ubyte: bad magic number 0x1f8b/, /name it \.gz/);
});

test('truncated and over-long files are InvalidDatasetErrors naming the file and the byte counts', async () => {
  const images = idxImages(2, 3, TRAIN);
  const truncated = await folderWith(replacing('train-images-idx3-ubyte', images.subarray(0, images.length - 1)));
  await assertRejects(readIdx(truncated), InvalidDatasetError, /train-images-idx3-ubyte: truncated/, /3 images of 2x3 \(34 bytes\)/, /33 bytes/);
  const shortHeader = await folderWith(replacing('t10k-labels-idx1-ubyte.gz', Buffer.from([0, 0, 8, 1, 0])));
  await assertRejects(readIdx(shortHeader), InvalidDatasetError, /t10k-labels-idx1-ubyte\.gz: truncated: 5 bytes/);
  const long = await folderWith(replacing('train-labels-idx1-ubyte', Buffer.concat([idxLabels(TRAIN_LABELS), Buffer.from([1])])));
  await assertRejects(readIdx(long), InvalidDatasetError, /train-labels-idx1-ubyte: 1 unexpected trailing bytes/);
});

test('mismatched counts or image sizes are InvalidDatasetErrors naming the files', async () => {
  const counts = await folderWith(replacing('train-labels-idx1-ubyte', idxLabels([0, 1])));
  await assertRejects(readIdx(counts), InvalidDatasetError, /train-labels-idx1-ubyte has 2 labels but .*train-images-idx3-ubyte has 3 images/);
  const sizes = await folderWith(replacing('t10k-images-idx3-ubyte', idxImages(3, 2, TEST)));
  await assertRejects(readIdx(sizes), InvalidDatasetError, /t10k-images-idx3-ubyte: images are 3x2 but the train images are 2x3/);
});

test('a corrupt .gz is an InvalidDatasetError naming the file', async () => {
  const dir = await folderWith(goodFiles());
  await writeFile(join(dir, 't10k-images-idx3-ubyte.gz'), Buffer.from([0x1f, 0x8b, 8, 0, 1, 2, 3]));
  await rm(join(dir, 't10k-images-idx3-ubyte'));
  await assertRejects(readIdx(dir), InvalidDatasetError, /t10k-images-idx3-ubyte\.gz: not a valid gzip file/);
});

test('a missing folder, a file instead of a folder, or a missing file is a DatasetNotFoundError naming the path', async () => {
  const dir = await tempFolder();
  const missing = join(dir, 'no-such-folder');
  await assertRejects(readIdx(missing), DatasetNotFoundError, new RegExp(`IDX data folder ${missing} does not exist`));
  await writeFiles(dir, { 'plain-file': Buffer.from([1]) });
  await assertRejects(readIdx(join(dir, 'plain-file')), DatasetNotFoundError, /plain-file is not a folder/);
  const files = goodFiles();
  delete files['t10k-labels-idx1-ubyte'];
  const partial = await folderWith(files);
  await assertRejects(readIdx(partial), DatasetNotFoundError, new RegExp(`${partial}: no t10k-labels-idx1-ubyte or t10k-labels-idx1-ubyte\\.gz`));
});
