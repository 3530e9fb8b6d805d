// The child section of a search config (config/search-config.ts): how each sampled CNN child is
// trained and rewarded (Zoph & Le 2017, section 4.1). The schema is the type; nothing here reads env
// or files, and the recurrent-cell child has its own section (languageModel).
import { z } from 'zod';

export const ChildTrainingConfig = z.object({
  epochs: z.number().int().positive().default(50),
  batchSize: z.number().int().positive().default(64),
  optimizer: z.enum(['sgd', 'adam']).default('sgd'),
  learningRate: z.number().positive().default(0.1),
  /** Section 4.1: Nesterov momentum 0.9 for the child networks. */
  momentum: z.number().min(0).max(1).default(0.9),
  /** Reward = (max validation accuracy over the last `rewardWindow` epochs) ^ `rewardExponent`. */
  rewardExponent: z.number().positive().default(3),
  rewardWindow: z.number().int().positive().default(5),
}).strict();
export type ChildTrainingConfig = z.infer<typeof ChildTrainingConfig>;
