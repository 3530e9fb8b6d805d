// Writes a regime's exchange folder for the side-by-side bench: its data (the embedded digits as the
// README's search splits them, or synthetic images) with trainChild's batch orders, and each child's
// initial weights as buildCnn makes them from the seed. Runs in the bench's own process, before any
// measurement; not a trainer and not a timer.
import path from 'node:path';
import type { Tf } from '../../backend/tf';
import { buildCnn } from '../../child/cnn-builder';
import { DataConfig, type TrainedDataConfig } from '../../config/search-config';
import { loadDataset } from '../../data/load';
import { syntheticData } from '../../test/trainer/synthetic-data';
import type { TrainingData } from '../../trainer/training-data';
import { writeData, writeWeights } from './exchange';
import type { Job } from './job';
import type { Regime } from './regimes';

/** The digits preset's data section (config/presets.ts), split with this seed. */
const DIGITS_DATA = { source: 'mnist', trainSize: 1000, validSize: 500, testSize: 500, imageSize: 14 } as const;
const DATA_SEED = 1;

/**
 * The regime's folder under `root`, and the children of its jobs (weights written there). With
 * `trainImages`, only the first that many training images are kept (the equivalence check's first
 * steps: one batch, so that each epoch is one step).
 */
export async function prepareRegime(
  tf: Tf, regime: Regime, root: string, seed: number, trainImages?: number,
): Promise<{ data: string; children: Job['children'] }> {
  const dir = path.join(root, `${regime.name}${trainImages === undefined ? '' : `-first-${trainImages}`}`.replace(/[^a-z0-9]+/gi, '-'));
  const data = firstImages(await regimeData(tf, regime), trainImages);
  writeData(dir, data, regime.recipe.epochs, seed);
  const children = Object.entries(regime.children).map(([name, arch], i) => {
    const weights = path.join(dir, `child-${i}`);
    const model = buildCnn(tf, arch, data, data.numClasses, seed); // what trainChild builds for this seed
    try {
      writeWeights(weights, model);
    } finally {
      model.dispose();
    }
    return { name, arch, weights };
  });
  return { data: dir, children };
}

async function regimeData(tf: Tf, regime: Regime): Promise<TrainingData> {
  if (regime.data.kind === 'digits') return loadDataset(tf, DataConfig.parse(DIGITS_DATA) as TrainedDataConfig, DATA_SEED);
  const { size, channels, train, valid } = regime.data;
  return withChannels(syntheticData({ train, valid, classes: 10, size, seed: DATA_SEED }), channels);
}

function firstImages(data: TrainingData, count: number | undefined): TrainingData {
  if (count === undefined) return data;
  const pixels = data.height * data.width * data.channels;
  return { ...data, train: { images: data.train.images.slice(0, count * pixels), labels: data.train.labels.slice(0, count), count } };
}

/** The one-channel synthetic images repeated on `channels` channels, each a little dimmer: NHWC. */
function withChannels(data: TrainingData, channels: number): TrainingData {
  const spread = (images: Float32Array): Float32Array => {
    const out = new Float32Array(images.length * channels); // [count, h, w, channels]
    images.forEach((v, p) => { for (let c = 0; c < channels; c++) out[p * channels + c] = v * (1 - 0.2 * c); });
    return out;
  };
  return {
    ...data, channels,
    train: { ...data.train, images: spread(data.train.images) },
    valid: { ...data.valid, images: spread(data.valid.images) },
  };
}
