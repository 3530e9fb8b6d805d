// The files the tfjs and PyTorch sides of the side-by-side bench both read, written once by the tfjs
// side: a data folder (images NHWC float32, labels int32, and the per-epoch batch orders trainChild
// draws from the child's seed) and a child's initial weights (float32, tfjs layouts, JSON manifest).
// bench/pytorch/child.py reads the same formats. Not a general model format: the bench's only.
import fs from 'node:fs';
import path from 'node:path';
import type { LayersModel } from '@tensorflow/tfjs';
import { mulberry32, permutation } from '../../random/prng';
import type { DataSplit, TrainingData } from '../../trainer/training-data';

/** data.json: shapes and counts of the binaries beside it. */
interface DataManifest {
  height: number; width: number; channels: number; numClasses: number;
  train: number; valid: number;
  /** orders.i32 holds `epochs` permutations of 0..train-1, epoch after epoch. */
  epochs: number;
  seed: number;
}

/** A weights file's manifest: every weight of the model by its tfjs name, and the batch-norm options. */
export interface WeightsManifest {
  /** Layer options buildCnn gives its batch-norm layers (epsilon; momentum of the moving averages). */
  batchNorm: { epsilon: number; momentum: number };
  /** tfjs layouts: conv kernels [h, w, in, out], dense kernel [in, out]; `offset` in float32s. */
  tensors: { name: string; shape: number[]; offset: number }[];
}

const write = (file: string, array: Float32Array | Int32Array): void =>
  fs.writeFileSync(file, new Uint8Array(array.buffer, array.byteOffset, array.byteLength));

function read<T extends Float32Array | Int32Array>(file: string, make: new (b: ArrayBuffer) => T): T {
  const bytes = fs.readFileSync(file);
  return new make(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
}

/**
 * Writes `data` into `dir` with the batch orders of `epochs` epochs as trainChild draws them for
 * `seed` (one mulberry32 stream, a permutation per epoch): PyTorch then sees the same batches.
 */
export function writeData(dir: string, data: TrainingData, epochs: number, seed: number): void {
  fs.mkdirSync(dir, { recursive: true });
  const random = mulberry32(seed);
  const orders = new Int32Array(epochs * data.train.count); // [epochs, train]
  for (let e = 0; e < epochs; e++) orders.set(permutation(data.train.count, random), e * data.train.count);
  const manifest: DataManifest = {
    height: data.height, width: data.width, channels: data.channels, numClasses: data.numClasses,
    train: data.train.count, valid: data.valid.count, epochs, seed,
  };
  fs.writeFileSync(path.join(dir, 'data.json'), JSON.stringify(manifest));
  for (const [name, split] of [['train', data.train], ['valid', data.valid]] as const) {
    write(path.join(dir, `${name}-images.f32`), split.images);
    write(path.join(dir, `${name}-labels.i32`), split.labels);
  }
  write(path.join(dir, 'orders.i32'), orders);
}

/** The data folder `writeData` made, as the trainer takes it. */
export function readData(dir: string): TrainingData {
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'data.json'), 'utf8')) as DataManifest;
  const split = (name: string, count: number): DataSplit => ({
    images: read(path.join(dir, `${name}-images.f32`), Float32Array),
    labels: read(path.join(dir, `${name}-labels.i32`), Int32Array),
    count,
  });
  const { height, width, channels, numClasses } = manifest;
  return { train: split('train', manifest.train), valid: split('valid', manifest.valid), numClasses, height, width, channels };
}

/** Writes every weight of `model` (trainable and moving statistics) to `<file>.f32` and its manifest to `<file>.json`. */
export function writeWeights(file: string, model: LayersModel): void {
  const tensors: WeightsManifest['tensors'] = [];
  const values: Float32Array[] = [];
  let offset = 0;
  for (const weight of model.weights) {
    const value = weight.read().dataSync() as Float32Array;
    tensors.push({ name: weight.originalName, shape: [...weight.shape] as number[], offset });
    values.push(value);
    offset += value.length;
  }
  const flat = new Float32Array(offset);
  values.forEach((v, i) => flat.set(v, tensors[i]!.offset));
  const bn = model.layers.find((l) => l.getClassName() === 'BatchNormalization')?.getConfig() as { epsilon: number; momentum: number } | undefined;
  const manifest: WeightsManifest = { batchNorm: { epsilon: bn?.epsilon ?? 1e-3, momentum: bn?.momentum ?? 0.9 }, tensors };
  write(`${file}.f32`, flat);
  fs.writeFileSync(`${file}.json`, JSON.stringify(manifest));
}
