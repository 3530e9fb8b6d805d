// The child section of a search config (config/search-config.ts): how each sampled CNN child is
// trained and rewarded (Zoph & Le 2017, section 4.1). The schema is the type; nothing here reads env
// or files, and the recurrent-cell child has its own section (languageModel).
import { z } from 'zod';

/**
 * Section 4.1: "we upsample each image then choose a random 32x32 crop of this upsampled image.
 * Finally, we use random horizontal flips", read as the usual pad-and-crop. Training batches only;
 * drawn from the child's seed, so a child's training stays deterministic. Off by default.
 */
export const AugmentConfig = z.object({
  /** Pad each side with this many zeros, then take a random window of the original size (0 = no crop). */
  cropPadding: z.number().int().nonnegative().default(0),
  /** Mirror each image left-right with probability 1/2. */
  flip: z.boolean().default(false),
}).strict();
export type AugmentConfig = z.infer<typeof AugmentConfig>;

export const ChildTrainingConfig = z.object({
  epochs: z.number().int().positive().default(50),
  batchSize: z.number().int().positive().default(64),
  optimizer: z.enum(['sgd', 'adam']).default('sgd'),
  learningRate: z.number().positive().default(0.1),
  /** Section 4.1: Nesterov momentum 0.9 for the child networks. */
  momentum: z.number().min(0).max(1).default(0.9),
  /**
   * Section 4.1: weight decay 1e-4, as an L2 term (weightDecay / 2) * sum of squared conv and dense
   * kernels added to the loss (so SGD's step gains lr * weightDecay * w); batch-norm weights and
   * biases are not decayed. 0 = off.
   */
  weightDecay: z.number().min(0).default(0),
  augment: AugmentConfig.prefault({}),
  /** Reward = (max validation accuracy over the last `rewardWindow` epochs) ^ `rewardExponent`. */
  rewardExponent: z.number().positive().default(3),
  rewardWindow: z.number().int().positive().default(5),
}).strict();
export type ChildTrainingConfig = z.infer<typeof ChildTrainingConfig>;
