// The IDX reader for MNIST-layout folders (MNIST, Fashion-MNIST): the four standard files, each
// optionally gzipped, checked field by field. It reads only unsigned-byte images and labels (not the
// other IDX element types) and does not split: train + valid come from `train-*`, test from `t10k-*`.
import { resolve } from 'node:path';
import { InvalidDatasetError } from '../errors';
import type { RawDataset, RawImages } from './dataset';
import { type DataFile, readFirstOf, requireFolder } from './files';

/** Unsigned bytes, 3 dimensions: [count, rows, cols]. */
const IMAGES_MAGIC = 0x00000803;
/** Unsigned bytes, 1 dimension: [count]. */
const LABELS_MAGIC = 0x00000801;
const IMAGES_HEADER = 16;
const LABELS_HEADER = 8;

/** The file names looked for, with `.gz` tried after each plain name. */
export const IDX_FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

interface IdxImages {
  path: string;
  pixels: Uint8Array;
  count: number;
  rows: number;
  cols: number;
}

/**
 * Reads an IDX folder. Test examples come from the t10k files, so the data set's own test set is never
 * trained or validated on; train and valid are both drawn from the train files. `numClasses` is the
 * largest label found plus one (10 for MNIST and Fashion-MNIST).
 */
export async function readIdx(folder: string): Promise<RawDataset> {
  const dir = resolve(folder);
  await requireFolder(dir, 'IDX');
  const train = await readPair(dir, IDX_FILES.trainImages, IDX_FILES.trainLabels);
  const test = await readPair(dir, IDX_FILES.testImages, IDX_FILES.testLabels);
  if (test.rows !== train.rows || test.cols !== train.cols) {
    throw new InvalidDatasetError(`${test.path}: images are ${test.rows}x${test.cols} but the train images are ${train.rows}x${train.cols}`);
  }
  const numClasses = Math.max(largestLabel(train.labels), largestLabel(test.labels)) + 1;
  return {
    train: { pixels: train.pixels, labels: train.labels, count: train.count },
    test: { pixels: test.pixels, labels: test.labels, count: test.count },
    height: train.rows,
    width: train.cols,
    channels: 1,
    numClasses,
    source: `IDX folder ${dir}`,
  };
}

async function readPair(dir: string, imagesName: string, labelsName: string): Promise<IdxImages & RawImages> {
  const images = parseImages(await readFirstOf(dir, [imagesName, `${imagesName}.gz`]));
  const labelsFile = await readFirstOf(dir, [labelsName, `${labelsName}.gz`]);
  const labels = parseLabels(labelsFile);
  if (labels.length !== images.count) {
    throw new InvalidDatasetError(`${labelsFile.path} has ${labels.length} labels but ${images.path} has ${images.count} images`);
  }
  return { ...images, labels };
}

function parseImages(file: DataFile): IdxImages {
  const header = readHeader(file, IMAGES_MAGIC, IMAGES_HEADER, 'images, 3 dimensions');
  const [count, rows, cols] = [header.getUint32(4), header.getUint32(8), header.getUint32(12)];
  if (rows === 0 || cols === 0) throw new InvalidDatasetError(`${file.path}: images of ${rows}x${cols} pixels`);
  checkLength(file, IMAGES_HEADER + count * rows * cols, `${count} images of ${rows}x${cols}`);
  return { path: file.path, pixels: new Uint8Array(file.bytes.subarray(IMAGES_HEADER)), count, rows, cols };
}

function parseLabels(file: DataFile): Int32Array {
  const header = readHeader(file, LABELS_MAGIC, LABELS_HEADER, 'labels, 1 dimension');
  const count = header.getUint32(4);
  checkLength(file, LABELS_HEADER + count, `${count} labels`);
  return Int32Array.from(file.bytes.subarray(LABELS_HEADER));
}

/** Checks the header length and magic number; returns a big-endian view of the header. */
function readHeader(file: DataFile, magic: number, headerSize: number, what: string): DataView {
  const { path, bytes } = file;
  const expected = `0x${hex(magic)} (IDX unsigned-byte ${what})`;
  if (bytes.length < headerSize) {
    throw new InvalidDatasetError(`${path}: truncated: ${bytes.length} bytes, shorter than the ${headerSize}-byte header of ${expected}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, headerSize);
  const found = view.getUint32(0);
  if (found !== magic) {
    const gzipped = bytes[0] === 0x1f && bytes[1] === 0x8b ? '; the file looks gzipped, so name it .gz' : '';
    throw new InvalidDatasetError(`${path}: bad magic number 0x${hex(found)}, expected ${expected}${gzipped}`);
  }
  return view;
}

function checkLength(file: DataFile, expected: number, promised: string): void {
  const found = file.bytes.length;
  if (found < expected) throw new InvalidDatasetError(`${file.path}: truncated: the header promises ${promised} (${expected} bytes) but the file has ${found} bytes`);
  if (found > expected) throw new InvalidDatasetError(`${file.path}: ${found - expected} unexpected trailing bytes after ${promised} (${expected} bytes)`);
}

function largestLabel(labels: Int32Array): number {
  return labels.reduce((largest, label) => Math.max(largest, label), -1);
}

function hex(n: number): string {
  return n.toString(16).padStart(8, '0');
}
