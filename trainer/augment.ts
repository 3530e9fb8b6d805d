// Training-batch augmentation (Zoph & Le 2017, section 4.1): a random crop of the zero-padded image
// back to its size, then a random left-right flip, drawn image by image from a seeded generator so a
// child's training replays exactly. Pure arithmetic on typed arrays: no tensors, never on valid/test.
import type { AugmentConfig } from '../config/child-training-config';

export interface BatchShape {
  height: number;
  width: number;
  channels: number;
}

/** Whether `augment` changes anything (else the trainer keeps its plain gather path). */
export function isAugmenting(augment: AugmentConfig): boolean {
  return augment.cropPadding > 0 || augment.flip;
}

/**
 * The images at `indices` of `images` (NHWC), each augmented: with padding p, a window offset
 * (dy, dx) drawn uniformly from 0..2p, so that out(y, x) = in(y + dy - p, x + dx - p), 0 outside the
 * image; then, with flip on, mirrored (out(y, x) = cropped(y, w - 1 - x)) when a draw falls below 1/2.
 * Per image the draws are dy, dx (crop on), then the flip (flip on). Returns [indices.length, h, w, c].
 */
export function augmentBatch(images: Float32Array, shape: BatchShape, indices: ArrayLike<number>, augment: AugmentConfig, random: () => number): Float32Array {
  const { height, width, channels } = shape;
  const size = height * width * channels;
  const pad = augment.cropPadding;
  const out = new Float32Array(indices.length * size); // [batch, h, w, c], zeros where the window leaves the image
  for (let n = 0; n < indices.length; n++) {
    const source = indices[n]! * size;
    const dy = pad > 0 ? Math.floor(random() * (2 * pad + 1)) - pad : 0;
    const dx = pad > 0 ? Math.floor(random() * (2 * pad + 1)) - pad : 0;
    const mirrored = augment.flip && random() < 0.5;
    for (let y = 0; y < height; y++) {
      const fromY = y + dy;
      if (fromY < 0 || fromY >= height) continue;
      for (let x = 0; x < width; x++) {
        const fromX = (mirrored ? width - 1 - x : x) + dx;
        if (fromX < 0 || fromX >= width) continue;
        const to = n * size + (y * width + x) * channels;
        const from = source + (fromY * width + fromX) * channels;
        for (let c = 0; c < channels; c++) out[to + c] = images[from + c]!;
      }
    }
  }
  return out;
}
