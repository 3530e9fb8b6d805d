// The entry point the trainer calls: reads the configured source, splits it with the search seed,
// resizes and whitens it if asked, caching the result per (config, seed) for the life of the process
// so a training worker loads once and trains many children. It does not validate the config (done
// once at the edge).
import { resolve } from 'node:path';
import type { Tf } from '../backend/tf';
import { type ImageDataConfig, isTextData, type TrainedDataConfig } from '../config/search-config';
import { InvalidConfigError } from '../errors';
import { readCifar10 } from './cifar10';
import { type ImageDataset, type RawDataset, resizeImages, splitDataset } from './dataset';
import { readIdx } from './idx';
import { loadCache } from './load-cache';
import { readEmbeddedMnist } from './mnist-embedded';
import { whitenDataset } from './whiten';

const cache = loadCache<ImageDataset>();

/**
 * The data set for `config` split with `seed`. Every call with the same (config, seed) in this process
 * gets the same object, so callers must treat its arrays as read-only. A failed load is not cached:
 * fixing the folder and retrying works without restarting the worker.
 */
export function loadDataset(tf: Tf, config: TrainedDataConfig, seed: number): Promise<ImageDataset> {
  if (isTextData(config)) return Promise.reject(new InvalidConfigError(`data.source "${config.source}" is text, not images (data/text-load.ts reads it)`));
  const key = cacheKey(config, seed);
  return cache.get(key, () => load(tf, config, seed));
}

/** Forgets every loaded data set (their memory is freed once no caller holds them). */
export function clearDatasetCache(): void {
  cache.clear();
}

async function load(tf: Tf, config: ImageDataConfig, seed: number): Promise<ImageDataset> {
  const dataset = resized(tf, splitDataset(await readSource(config), config, seed), config.imageSize);
  return config.whiten ? whitenDataset(dataset) : dataset;
}

function resized(tf: Tf, dataset: ImageDataset, size: number | undefined): ImageDataset {
  if (size === undefined || (size === dataset.height && size === dataset.width)) return dataset;
  return {
    ...dataset,
    train: resizeImages(tf, dataset.train, dataset, size),
    valid: resizeImages(tf, dataset.valid, dataset, size),
    test: resizeImages(tf, dataset.test, dataset, size),
    height: size,
    width: size,
  };
}

async function readSource(config: ImageDataConfig): Promise<RawDataset> {
  switch (config.source) {
    case 'mnist': return readEmbeddedMnist();
    case 'idx': return readIdx(config.path);
    // Train + valid must fit in the batches present: missing ones are named, not just counted.
    case 'cifar10': return readCifar10(config.path, config.trainSize + config.validSize);
  }
}

/** Everything that changes the result; relative paths are resolved so two spellings share an entry. */
function cacheKey(config: ImageDataConfig, seed: number): string {
  const path = config.source === 'mnist' ? null : resolve(config.path);
  return JSON.stringify([config.source, path, config.trainSize, config.validSize, config.testSize, config.imageSize ?? null, config.whiten === true, seed]);
}
