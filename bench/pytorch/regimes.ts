// What the side-by-side bench (bench/pytorch/side-by-side.ts) trains: the fixed architectures and
// recipes of its two regimes, the README's digits default and issue 11's paper-size children. Plain
// values only; no data, no timing, no processes.
import type { ChildTrainingConfig } from '../../config/child-training-config';
import { type CnnArchitecture, type CnnLayer, validateCnn } from '../../space/cnn';
import { DIGITS_CHILD, FIXED_CHILDREN } from '../../test/support/launches-per-step';

const conv = (size: number, filters: number, inputs: number[]): CnnLayer =>
  ({ filterHeight: size, filterWidth: size, filters, stride: 1, inputs });

/** The recipe keys both trainers follow; the rest of ChildTrainingConfig keeps its defaults (no augmentation). */
export type Recipe = Pick<ChildTrainingConfig, 'epochs' | 'batchSize' | 'optimizer' | 'learningRate' | 'momentum' | 'weightDecay'>;

export interface Regime {
  name: string;
  /** Where the images come from: the embedded digits as the README's search splits them, or synthetic. */
  data: { kind: 'digits' } | { kind: 'synthetic'; size: number; channels: number; train: number; valid: number };
  recipe: Recipe;
  children: Record<string, CnnArchitecture>;
}

/**
 * The README's default search (config/presets.ts `digits`): 1,000 / 500 real digits at 14×14×1, 3
 * epochs of Adam at 0.005, batch 32; children of its space (kernels {1,3,5}², filters {8,16,24},
 * stride 1, skips), 3 to 6 layers as its schedule grows them.
 */
export const DIGITS_DEFAULT: Regime = {
  name: 'digits default',
  data: { kind: 'digits' },
  recipe: { ...DIGITS_CHILD, epochs: 3, momentum: 0.9, weightDecay: 0 },
  children: {
    '3 layers, chain': validateCnn({ kind: 'cnn', layers: [conv(5, 16, []), conv(3, 24, [0]), conv(3, 8, [1])] }),
    ...FIXED_CHILDREN,
    '5 layers, skips': validateCnn({
      kind: 'cnn', layers: [conv(5, 24, []), conv(3, 8, [0]), conv(1, 24, [0, 1]), conv(5, 16, [2]), conv(3, 24, [1, 3])],
    }),
  },
};

/**
 * Issue 11's paper-size children: 32×32×3 images (synthetic: only the speed is compared here), six
 * layers of the paper's space (kernels {1,3,5,7}², filters {24,36,48,64}), batch 64, section 4.1's
 * Nesterov SGD at 0.1 with weight decay 1e-4, without augmentation (neither side augments).
 */
export const PAPER_SIZE: Regime = {
  name: 'paper-size',
  data: { kind: 'synthetic', size: 32, channels: 3, train: 192, valid: 64 },
  recipe: { epochs: 3, batchSize: 64, optimizer: 'sgd', learningRate: 0.1, momentum: 0.9, weightDecay: 1e-4 },
  children: {
    '6 layers, chain': validateCnn({
      kind: 'cnn', layers: [conv(3, 36, []), conv(3, 48, [0]), conv(5, 36, [1]), conv(3, 64, [2]), conv(1, 48, [3]), conv(3, 24, [4])],
    }),
    '6 layers, skips': validateCnn({
      kind: 'cnn', layers: [conv(3, 24, []), conv(5, 36, [0]), conv(3, 48, [0, 1]), conv(7, 24, [1]), conv(3, 64, [2, 3]), conv(1, 36, [0, 4])],
    }),
  },
};

/**
 * For the equivalence check only: one child that takes every shape rule buildCnn has on the digits
 * images (stride 2, an even kernel, max and average pools with uneven 'same' padding, and merges of
 * different sizes zero-padded), none of which the stride-1, odd-kernel children above exercise.
 */
export const SHAPE_RULES_CHILD: CnnArchitecture = validateCnn({
  kind: 'cnn',
  layers: [
    { filterHeight: 3, filterWidth: 3, filters: 16, stride: 2, inputs: [] }, // 7×7×16
    { type: 'maxPool', filterHeight: 3, filterWidth: 3, stride: 1, inputs: [] }, // 14×14×1
    { filterHeight: 4, filterWidth: 2, filters: 8, stride: 1, inputs: [0] }, // 7×7×8, padded (1, 2) × (0, 1)
    { type: 'avgPool', filterHeight: 3, filterWidth: 3, stride: 2, inputs: [1] }, // 7×7×1, padded (0, 1) × (0, 1)
    { filterHeight: 5, filterWidth: 5, filters: 16, stride: 1, inputs: [1, 2] }, // 14×14×16 from 14×14×1 + 7×7×8 padded
    { filterHeight: 3, filterWidth: 3, filters: 8, stride: 2, inputs: [3, 4] }, // 7×7×8 from 7×7×1 padded + 14×14×16
  ],
});
