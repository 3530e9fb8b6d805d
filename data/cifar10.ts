// The CIFAR-10 binary-version reader: whichever of `data_batch_1.bin`..`data_batch_5.bin` exist, plus
// `test_batch.bin`, each a run of 3,073-byte records turned from planar RGB into NHWC bytes. It does not
// read the Python or MATLAB versions, nor CIFAR-100 (two label bytes per record), and it does not split.
import { resolve } from 'node:path';
import { DatasetNotFoundError, InvalidDatasetError } from '../errors';
import type { RawDataset, RawImages } from './dataset';
import { type DataFile, readFirstOf, readIfExists, requireFolder } from './files';

const SIDE = 32;
const CHANNELS = 3;
const PLANE = SIDE * SIDE;
/** One label byte, then the red plane, the green plane and the blue plane, each 32x32 row-major. */
const RECORD = 1 + CHANNELS * PLANE;
const NUM_CLASSES = 10;

export const CIFAR10_TRAIN_FILES: readonly string[] = [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`);
export const CIFAR10_TEST_FILE = 'test_batch.bin';

/**
 * Reads a CIFAR-10 binary folder. Train + valid come from the data batches present (at least one),
 * in batch order; test comes from `test_batch.bin`, which is required. `needed` (train + valid
 * images): when the batches present hold fewer and some are absent, a DatasetNotFoundError names them.
 */
export async function readCifar10(folder: string, needed = 0): Promise<RawDataset> {
  const dir = resolve(folder);
  await requireFolder(dir, 'CIFAR-10');
  const found = await Promise.all(CIFAR10_TRAIN_FILES.map((name) => readIfExists(dir, name)));
  const batches = found.filter((file): file is DataFile => file !== undefined);
  if (batches.length === 0) {
    throw new DatasetNotFoundError(`${dir}: no CIFAR-10 training batches (${CIFAR10_TRAIN_FILES.join(', ')}) in this folder; `
      + 'the archive extracts them into cifar-10-batches-bin/');
  }
  const present = new Map(CIFAR10_TRAIN_FILES.flatMap((name, i) => (found[i] ? [[name, found[i].bytes.length] as const] : [])));
  const shortfall = missingBatches(dir, present, needed);
  if (shortfall) throw shortfall;
  const train = concatenate(batches.map(parseRecords));
  const test = parseRecords(await readFirstOf(dir, [CIFAR10_TEST_FILE]));
  return { train, test, height: SIDE, width: SIDE, channels: CHANNELS, numClasses: NUM_CLASSES, source: `CIFAR-10 folder ${dir}` };
}

/**
 * When the training batches present (name → size in bytes) hold fewer than `needed` images and some
 * are absent: the DatasetNotFoundError naming the absent ones. Sizes only, so the CLI's pre-start
 * check (cli/data-path.ts) can ask it without reading the files.
 */
export function missingBatches(folder: string, present: ReadonlyMap<string, number>, needed: number): DatasetNotFoundError | undefined {
  const held = [...present.values()].reduce((sum, bytes) => sum + Math.floor(bytes / RECORD), 0);
  const absent = CIFAR10_TRAIN_FILES.filter((name) => !present.has(name));
  if (held >= needed || absent.length === 0) return undefined;
  return new DatasetNotFoundError(`${folder}: trainSize + validSize is ${needed} images, but the CIFAR-10 training batches `
    + `present hold ${held}; missing: ${absent.join(', ')}`);
}

/** Validates the records of one batch file and reorders each image from planar RGB to NHWC. */
function parseRecords(file: DataFile): RawImages {
  const { path, bytes } = file;
  if (bytes.length === 0 || bytes.length % RECORD !== 0) {
    throw new InvalidDatasetError(`${path}: ${bytes.length} bytes is not a whole, non-zero number of ${RECORD}-byte records `
      + `(1 label byte + ${CHANNELS * PLANE} pixel bytes)`);
  }
  const count = bytes.length / RECORD;
  const labels = new Int32Array(count);
  const pixels = new Uint8Array(count * CHANNELS * PLANE);
  for (let r = 0; r < count; r++) {
    const record = bytes.subarray(r * RECORD, (r + 1) * RECORD);
    if (record[0] >= NUM_CLASSES) throw new InvalidDatasetError(`${path}: record ${r} has label ${record[0]}, outside 0..${NUM_CLASSES - 1}`);
    labels[r] = record[0];
    const image = pixels.subarray(r * CHANNELS * PLANE, (r + 1) * CHANNELS * PLANE); // [32, 32, 3]
    for (let c = 0; c < CHANNELS; c++) {
      const plane = record.subarray(1 + c * PLANE, 1 + (c + 1) * PLANE); // [32, 32]
      for (let p = 0; p < PLANE; p++) image[p * CHANNELS + c] = plane[p];
    }
  }
  return { pixels, labels, count };
}

function concatenate(parts: RawImages[]): RawImages {
  const count = parts.reduce((sum, part) => sum + part.count, 0);
  const pixels = new Uint8Array(count * CHANNELS * PLANE);
  const labels = new Int32Array(count);
  let offset = 0;
  for (const part of parts) {
    pixels.set(part.pixels, offset * CHANNELS * PLANE);
    labels.set(part.labels, offset);
    offset += part.count;
  }
  return { pixels, labels, count };
}
