// Tests for the CIFAR-10 binary reader on records written here: planar RGB turned into NHWC exactly,
// any subset of data batches, and the record-size, label and missing-file errors.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadTf } from '../../backend/tf';
import { readCifar10 } from '../../data/cifar10';
import { loadDataset } from '../../data/load';
import { DatasetNotFoundError, InvalidDatasetError } from '../../errors';
import { cifarRecord, tempFolder, writeFiles } from './fixtures';

/** A pixel pattern that differs by record, channel, row and column. */
const pattern = (record: number) => (c: number, y: number, x: number) => (record * 50 + c * 80 + y * 3 + x) % 256;

async function folderWith(files: Record<string, Buffer>): Promise<string> {
  const dir = await tempFolder();
  await writeFiles(dir, files);
  return dir;
}

const testBatch = { 'test_batch.bin': Buffer.concat([cifarRecord(9, pattern(7)), cifarRecord(0, pattern(8))]) };

async function assertRejects(promise: Promise<unknown>, errorClass: typeof InvalidDatasetError, ...patterns: RegExp[]): Promise<void> {
  await assert.rejects(promise, (err: Error) => {
    assert.ok(err instanceof errorClass, `${err.name}: ${err.message}`);
    for (const p of patterns) assert.match(err.message, p);
    return true;
  });
}

test('a record of solid planes becomes NHWC pixels [R, G, B] at every position', async () => {
  const solid = cifarRecord(4, (c) => [255, 0, 128][c]);
  const raw = await readCifar10(await folderWith({ 'data_batch_1.bin': solid, ...testBatch }));
  assert.deepEqual([raw.height, raw.width, raw.channels, raw.numClasses], [32, 32, 3, 10]);
  assert.equal(raw.train.count, 1);
  assert.deepEqual(raw.train.labels, Int32Array.of(4));
  for (let p = 0; p < 1024; p++) assert.deepEqual([...raw.train.pixels.subarray(3 * p, 3 * p + 3)], [255, 0, 128]);
});

test('every pixel lands at [record, y, x, channel] and batches are read in order', async () => {
  const dir = await folderWith({
    'data_batch_2.bin': Buffer.concat([cifarRecord(3, pattern(0)), cifarRecord(5, pattern(1))]),
    'data_batch_4.bin': cifarRecord(1, pattern(2)),
    ...testBatch,
  });
  const raw = await readCifar10(dir);
  assert.equal(raw.train.count, 3);
  assert.deepEqual(raw.train.labels, Int32Array.of(3, 5, 1));
  assert.deepEqual(raw.test?.labels, Int32Array.of(9, 0));
  const check = (pixels: Uint8Array, records: number[]) => records.forEach((record, r) => {
    for (let y = 0; y < 32; y++) {
      for (let x = 0; x < 32; x++) {
        for (let c = 0; c < 3; c++) assert.equal(pixels[((r * 32 + y) * 32 + x) * 3 + c], pattern(record)(c, y, x));
      }
    }
  });
  check(raw.train.pixels, [0, 1, 2]);
  check(raw.test?.pixels ?? new Uint8Array(0), [7, 8]);
});

test('loadDataset splits the batches, scales by 1/255 and resizes on request', async () => {
  const dir = await folderWith({ 'data_batch_5.bin': Buffer.concat([0, 1, 2, 3].map((i) => cifarRecord(i, () => 51 * i))), ...testBatch });
  const tf = loadTf('cpu');
  const config = { source: 'cifar10', path: dir, trainSize: 3, validSize: 1, testSize: 1 } as const;
  const dataset = await loadDataset(tf, config, 11);
  assert.deepEqual([...dataset.train.labels, ...dataset.valid.labels].sort(), [0, 1, 2, 3]);
  dataset.train.labels.forEach((label, j) => {
    assert.ok(dataset.train.images.subarray(j * 3072, (j + 1) * 3072).every((v) => v === Math.fround((51 * label) / 255)));
  });
  const before = tf.memory().numTensors;
  const small = await loadDataset(tf, { ...config, imageSize: 8 }, 11);
  assert.equal(tf.memory().numTensors, before);
  assert.deepEqual([small.height, small.width, small.channels], [8, 8, 3]);
  assert.equal(small.train.images.length, 3 * 8 * 8 * 3);
  assert.deepEqual(small.train.labels, dataset.train.labels);
  small.train.labels.forEach((label, j) => {
    assert.ok(small.train.images.subarray(j * 192, (j + 1) * 192).every((v) => Math.abs(v - (51 * label) / 255) < 1e-6));
  });
});

test('no data batch at all is a DatasetNotFoundError naming the folder and the expected files', async () => {
  const dir = await folderWith(testBatch);
  await assertRejects(readCifar10(dir), DatasetNotFoundError, new RegExp(dir), /data_batch_1\.bin/, /cifar-10-batches-bin/);
  await assertRejects(readCifar10(join(dir, 'missing')), DatasetNotFoundError, /CIFAR-10 data folder .*missing does not exist/);
});

test('a missing test_batch.bin is a DatasetNotFoundError naming it', async () => {
  const dir = await folderWith({ 'data_batch_1.bin': cifarRecord(0, pattern(0)) });
  await assertRejects(readCifar10(dir), DatasetNotFoundError, /no test_batch\.bin/);
});

test('a length that is not a whole number of records is an InvalidDatasetError naming the file', async () => {
  const records = Buffer.concat([cifarRecord(0, pattern(0)), cifarRecord(1, pattern(1))]);
  const cut = await folderWith({ 'data_batch_3.bin': records.subarray(0, records.length - 1), ...testBatch });
  await assertRejects(readCifar10(cut), InvalidDatasetError, /data_batch_3\.bin: 6145 bytes/, /3073-byte records/);
  const empty = await folderWith({ 'data_batch_1.bin': cifarRecord(0, pattern(0)), 'test_batch.bin': Buffer.alloc(0) });
  await assertRejects(readCifar10(empty), InvalidDatasetError, /test_batch\.bin: 0 bytes/);
});

test('a label outside 0..9 is an InvalidDatasetError naming the file and record', async () => {
  const dir = await folderWith({ 'data_batch_1.bin': Buffer.concat([cifarRecord(2, pattern(0)), cifarRecord(10, pattern(1))]), ...testBatch });
  await assertRejects(readCifar10(dir), InvalidDatasetError, /data_batch_1\.bin: record 1 has label 10, outside 0\.\.9/);
});

test('batches that hold fewer images than train + valid needs: a DatasetNotFoundError naming the missing ones', async () => {
  const dir = await folderWith({ 'data_batch_1.bin': cifarRecord(0, pattern(0)), 'data_batch_3.bin': cifarRecord(1, pattern(1)), ...testBatch });
  await assertRejects(readCifar10(dir, 3), DatasetNotFoundError, new RegExp(dir), /is 3 images/, /present hold 2/,
    /missing: data_batch_2\.bin, data_batch_4\.bin, data_batch_5\.bin$/);
  assert.equal((await readCifar10(dir, 2)).train.count, 2, 'enough images: the missing batches are not needed');
  // The paper preset's split (45,000 + 5,000) through the loader names them too.
  const tf = loadTf('cpu');
  await assertRejects(loadDataset(tf, { source: 'cifar10', path: dir, trainSize: 45000, validSize: 5000, testSize: 0 }, 1),
    DatasetNotFoundError, /trainSize \+ validSize is 50000 images/, /data_batch_2\.bin, data_batch_4\.bin, data_batch_5\.bin/);
});
