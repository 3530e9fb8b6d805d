// The in-memory shape of a data set — plain typed arrays (NHWC floats in [0, 1], integer labels) that a
// process caches and the trainer turns into tensors — plus the seeded split and the bilinear resize.
// It reads no files and holds no tensors: the format readers are idx.ts, cifar10.ts, mnist-embedded.ts.
import type { Tf } from '../backend/tf';
import { InvalidDatasetError } from '../errors';
import { mulberry32, permutation } from '../random/prng';
import type { ChannelStatistics } from './whiten';

/** One split, ready for the trainer. Treat it as read-only: loaded data sets are shared per process. */
export interface ImageSplit {
  /** [count, height, width, channels] row-major (NHWC), values in [0, 1], or whitened when data.whiten is on (data/whiten.ts). */
  images: Float32Array;
  /** [count], class ids in 0..numClasses-1. */
  labels: Int32Array;
  count: number;
}

export interface ImageShape {
  height: number;
  width: number;
  channels: number;
}

export interface ImageDataset extends ImageShape {
  train: ImageSplit;
  valid: ImageSplit;
  test: ImageSplit;
  numClasses: number;
  /** Set when data.whiten is on: what was subtracted and divided per channel (a saved model expects it). */
  whitening?: ChannelStatistics;
}

/** Examples as a reader found them: pixel bytes 0..255 in NHWC order (a quarter of the floats' size). */
export interface RawImages {
  /** [count, height, width, channels] row-major. */
  pixels: Uint8Array;
  labels: Int32Array;
  count: number;
}

/** A reader's output: the format's own training examples and, if the format ships them, its test ones. */
export interface RawDataset extends ImageShape {
  train: RawImages;
  /** When present, `test` comes from here and train + valid from `train` only. */
  test?: RawImages;
  numClasses: number;
  /** Names the source in error messages (a folder, or "the embedded mnist digits"). */
  source: string;
}

export interface SplitSizes {
  trainSize: number;
  validSize: number;
  testSize: number;
}

export interface Splits {
  train: ImageSplit;
  valid: ImageSplit;
  test: ImageSplit;
}

/**
 * Shuffles the example indices of `all` with `seed` and takes the three splits from that permutation,
 * disjoint. Valid and test are taken first, then train, so that changing `trainSize` (a budget knob)
 * never changes the examples the reward is measured on. `source` names the pool in errors.
 */
export function splitDeterministically(all: RawImages, sizes: SplitSizes, seed: number, source = 'the data set'): Splits {
  const { trainSize, validSize, testSize } = sizes;
  for (const [name, size] of [['trainSize', trainSize], ['validSize', validSize], ['testSize', testSize]] as const) {
    if (!Number.isInteger(size) || size < 0) throw new InvalidDatasetError(`${name} must be a non-negative integer, got ${size}`);
  }
  const requested = trainSize + validSize + testSize;
  if (requested > all.count) {
    throw new InvalidDatasetError(`${source}: trainSize ${trainSize} + validSize ${validSize} + testSize ${testSize} `
      + `= ${requested} examples requested, but only ${all.count} available`);
  }
  const order = permutation(all.count, mulberry32(seed));
  return {
    valid: gather(all, order.subarray(0, validSize)),
    test: gather(all, order.subarray(validSize, validSize + testSize)),
    train: gather(all, order.subarray(validSize + testSize, requested)),
  };
}

/**
 * Splits a reader's output. With a single pool (the embedded mnist) all three splits come from it; when
 * the format ships its own test files, train + valid come from its train files and test from its test files.
 */
export function splitDataset(raw: RawDataset, sizes: SplitSizes, seed: number): ImageDataset {
  const { height, width, channels, numClasses } = raw;
  if (!raw.test) return { ...splitDeterministically(raw.train, sizes, seed, raw.source), height, width, channels, numClasses };
  const { train, valid } = splitDeterministically(raw.train, { ...sizes, testSize: 0 }, seed, `the train files of ${raw.source}`);
  const { test } = splitDeterministically(raw.test, { trainSize: 0, validSize: 0, testSize: sizes.testSize }, seed, `the test files of ${raw.source}`);
  return { train, valid, test, height, width, channels, numClasses };
}

/** Copies the chosen examples out of the byte pool, scaling pixels to [0, 1]. */
function gather(all: RawImages, indices: Int32Array): ImageSplit {
  const exampleSize = all.count === 0 ? 0 : all.pixels.length / all.count;
  if (!Number.isInteger(exampleSize) || all.labels.length !== all.count) {
    throw new InvalidDatasetError(`inconsistent pool: ${all.pixels.length} pixels and ${all.labels.length} labels for ${all.count} examples`);
  }
  const images = new Float32Array(indices.length * exampleSize);
  const labels = new Int32Array(indices.length);
  indices.forEach((from, to) => {
    labels[to] = all.labels[from];
    const source = all.pixels.subarray(from * exampleSize, (from + 1) * exampleSize);
    for (let k = 0; k < exampleSize; k++) images[to * exampleSize + k] = source[k] / 255;
  });
  return { images, labels, count: indices.length };
}

/** Images per resize call: bounds the size of the temporary tensors for large splits. */
const RESIZE_CHUNK = 512;

/**
 * Bilinear resize of every image in `split` (of shape `from`) to size x size, returned as typed arrays.
 * Half-pixel centres, as in TF2 and PIL: without them, halving an image drops every other pixel and
 * shifts it by half a pixel instead of averaging. Each chunk runs in `tf.tidy`, so no tensor outlives the call.
 */
export function resizeImages(tf: Tf, split: ImageSplit, from: ImageShape, size: number): ImageSplit {
  const { height, width, channels } = from;
  const inSize = height * width * channels;
  const outSize = size * size * channels;
  if (split.images.length !== split.count * inSize) {
    throw new InvalidDatasetError(`cannot resize: ${split.images.length} values do not hold ${split.count} images of ${height}x${width}x${channels}`);
  }
  const images = new Float32Array(split.count * outSize);
  for (let start = 0; start < split.count; start += RESIZE_CHUNK) {
    const n = Math.min(RESIZE_CHUNK, split.count - start);
    tf.tidy(() => {
      const batch = tf.tensor4d(split.images.subarray(start * inSize, (start + n) * inSize), [n, height, width, channels]);
      const resized = tf.image.resizeBilinear(batch, [size, size], false, true); // [n, size, size, channels]
      images.set(resized.dataSync(), start * outSize);
    });
  }
  return { images, labels: split.labels, count: split.count };
}
