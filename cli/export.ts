// `nas export`: rebuilds a searched architecture, retrains it from scratch on train + validation,
// measures it on the test split, and saves a standard tfjs LayersModel (model.json + weights) that
// loads with tf.loadLayersModel without this project. Not a serving format, not a checkpoint.
import fs from 'node:fs';
import path from 'node:path';
import type { Tf } from '../backend/tf';
import { parseSearchConfig } from '../config/parse';
import { loadDataset } from '../data/load';
import { InvalidConfigError, NotFoundError } from '../errors';
import { mixSeed } from '../random/prng';
import { bestChildren } from '../store/children';
import type { Db } from '../store/db';
import { getSearch } from '../store/searches';
import { trainChild } from '../trainer/train-child';

export interface ExportResult {
  searchId: string;
  rank: number;
  childId: number;
  epochs: number;
  searchValidationAccuracy: number | null;
  testAccuracy: number;
  testImages: number;
}

export async function exportChild(pool: Db, tf: Tf, options: { searchId: string; rank: number; out: string; epochs?: number }): Promise<ExportResult> {
  const config = parseSearchConfig((await getSearch(pool, options.searchId)).config);
  if (config.data.source === 'nb201Table') throw new InvalidConfigError(`search "${options.searchId}" is a tabular search: there is no network to export`);
  const ranked = await bestChildren(pool, options.searchId, options.rank);
  const child = ranked[options.rank - 1];
  if (!child) throw new NotFoundError(`search "${options.searchId}" has ${ranked.length} finished children, no rank ${options.rank}`);
  if (child.architecture.kind !== 'cnn') throw new InvalidConfigError(`rank ${options.rank} of "${options.searchId}" is not a CNN`);
  const data = await loadDataset(tf, config.data, config.seed);
  if (data.test.count === 0) throw new InvalidConfigError(`search "${options.searchId}" has data.testSize 0: nothing to measure the export on`);
  const epochs = options.epochs ?? config.child.epochs;
  // Train on train + validation, "validate" on test: the per-epoch accuracies are test accuracies.
  const merged = {
    ...data,
    train: concatSplits(data.train, data.valid),
    valid: data.test,
  };
  fs.mkdirSync(options.out, { recursive: true });
  const result = await trainChild(tf, {
    arch: child.architecture, data: merged, training: { ...config.child, epochs }, seed: mixSeed(config.seed, 0xe4, child.id),
    keepModel: async (model) => { await model.save(`file://${path.resolve(options.out)}`); },
  });
  if (result.status !== 'succeeded') throw new Error(`retraining rank ${options.rank} failed: ${result.error}`);
  const summary: ExportResult = {
    searchId: options.searchId, rank: options.rank, childId: child.id, epochs,
    searchValidationAccuracy: child.bestValidationAccuracy, testAccuracy: result.validationAccuracies.at(-1)!, testImages: data.test.count,
  };
  fs.writeFileSync(path.join(options.out, 'architecture.json'), `${JSON.stringify(child.architecture, null, 2)}\n`);
  // A model trained on whitened images expects them whitened the same way: the train split's statistics.
  const whitening = data.whitening ? { whitening: data.whitening } : {};
  fs.writeFileSync(path.join(options.out, 'result.json'), `${JSON.stringify({ ...summary, data: config.data, seed: config.seed, ...whitening }, null, 2)}\n`);
  return summary;
}

function concatSplits(a: { images: Float32Array; labels: Int32Array; count: number }, b: { images: Float32Array; labels: Int32Array; count: number }) {
  const images = new Float32Array(a.images.length + b.images.length);
  images.set(a.images);
  images.set(b.images, a.images.length);
  const labels = new Int32Array(a.count + b.count);
  labels.set(a.labels);
  labels.set(b.labels, a.count);
  return { images, labels, count: a.count + b.count };
}
