// Test helper: a tiny, linearly separable image set (class k lights up horizontal band k, plus
// noise), built from a seeded PRNG. Not a stand-in for real digits; only big enough to learn.
import type { DataSplit, TrainingData } from '../../trainer/training-data';
import { mulberry32 } from '../../random/prng';

export function syntheticData(options: { train: number; valid: number; classes: number; size: number; seed: number }): TrainingData {
  const { classes, size } = options;
  const random = mulberry32(options.seed);
  const split = (count: number): DataSplit => {
    const images = new Float32Array(count * size * size); // [count, size, size, 1]
    const labels = new Int32Array(count);
    const band = Math.floor(size / classes);
    for (let n = 0; n < count; n++) {
      const label = Math.floor(random() * classes);
      labels[n] = label;
      for (let y = 0; y < size; y++) {
        const lit = y >= label * band && y < (label + 1) * band;
        for (let x = 0; x < size; x++) images[(n * size + y) * size + x] = (lit ? 0.6 : 0) + 0.4 * random();
      }
    }
    return { images, labels, count };
  };
  return { train: split(options.train), valid: split(options.valid), numClasses: classes, height: size, width: size, channels: 1 };
}
