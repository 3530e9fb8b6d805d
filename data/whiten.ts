// Per-channel input whitening (Zoph & Le 2017, section 4.1 "whitening all the images"): every value
// of channel c becomes (x - mean_c) / std_c, with mean and std measured on the train split only, so
// nothing of the validation or test images leaks into training. Not ZCA, and not a tensor op.
import type { ImageDataset, ImageSplit } from './dataset';

/** Per channel, what whitening subtracts and divides by: what a model trained on it expects. */
export interface ChannelStatistics {
  mean: number[];
  std: number[];
}

/** A channel with no spread (std below this) is only centred: dividing by ~0 would blow it up. */
const MIN_STD = 1e-8;

/** Mean and population std of each channel over every pixel of `split` (NHWC), in float64. */
export function channelStatistics(split: ImageSplit, channels: number): ChannelStatistics {
  const sum = new Float64Array(channels);
  const squares = new Float64Array(channels);
  for (let i = 0; i < split.images.length; i++) {
    const c = i % channels;
    sum[c] += split.images[i]!;
  }
  const values = split.images.length / channels;
  const mean = Array.from(sum, (s) => (values === 0 ? 0 : s / values));
  for (let i = 0; i < split.images.length; i++) {
    const c = i % channels;
    const d = split.images[i]! - mean[c]!;
    squares[c] += d * d;
  }
  const std = Array.from(squares, (s) => (values === 0 ? 1 : Math.sqrt(s / values))).map((s) => (s < MIN_STD ? 1 : s));
  return { mean, std };
}

/** The data set with every split whitened by the train split's statistics (new arrays; `dataset` is untouched). */
export function whitenDataset(dataset: ImageDataset): ImageDataset & { whitening: ChannelStatistics } {
  const whitening = channelStatistics(dataset.train, dataset.channels);
  const apply = (split: ImageSplit): ImageSplit => {
    const images = new Float32Array(split.images.length);
    for (let i = 0; i < images.length; i++) {
      const c = i % dataset.channels;
      images[i] = (split.images[i]! - whitening.mean[c]!) / whitening.std[c]!;
    }
    return { images, labels: split.labels, count: split.count };
  };
  return { ...dataset, train: apply(dataset.train), valid: apply(dataset.valid), test: apply(dataset.test), whitening };
}
