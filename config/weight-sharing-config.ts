// The weightSharing section of a search config (config/search-config.ts): how a weight-sharing
// search (ENAS) trains its shared weights ω, rewards children under them and retrains its picks.
// The schema is the type; nothing here reads env or files.
import { z } from 'zod';

/**
 * Weight-sharing mode (ENAS, Pham et al. 2018): one set of shared weights ω holds every child of the
 * CNN space; each controller iteration trains ω on `stepsPerIteration` minibatches (a freshly sampled
 * child each), then rewards m sampled children by their accuracy under ω. See weight-sharing/.
 */
export const WeightSharingConfig = z.object({
  stepsPerIteration: z.number().int().positive().default(50),
  batchSize: z.number().int().positive().default(64),
  /** ω's optimizer: SGD with Nesterov momentum (ENAS's macro search: 0.05 at most, L2 2.5e-4), or Adam. */
  optimizer: z.enum(['sgd', 'adam']).default('sgd'),
  learningRate: z.number().positive().default(0.05),
  momentum: z.number().min(0).max(1).default(0.9),
  weightDecay: z.number().min(0).default(2.5e-4),
  /** Global-norm clip of each ω step's gradient; 0 disables. */
  gradientClip: z.number().min(0).default(5),
  /**
   * centreSlice: one largest kernel per layer and source, whose centre smaller kernels use; perShape:
   * a kernel per height × width (as ENAS keeps a weight per operation), more memory, each trained
   * less often. Measured on the digits (README): centreSlice learned twice as fast in 2,000 steps.
   */
  kernels: z.enum(['centreSlice', 'perShape']).default('centreSlice'),
  /** Validation images a child is rewarded on (the same ones for the m children of an iteration). */
  evalImages: z.number().int().positive().default(500),
  /** Reward = (shared-weight validation accuracy) ^ rewardExponent; ENAS used the accuracy itself. */
  rewardExponent: z.number().positive().default(1),
  /** ω is checkpointed to PostgreSQL every this many steps and after each iteration's training. */
  checkpointEvery: z.number().int().positive().default(25),
  /** At the end, k children by shared-weight reward and k by the controller's most likely sample are retrained from scratch (`child`). */
  retrainTopK: z.number().int().nonnegative().max(50).default(2),
  /** Where ω-holding workers take claims; each then serves its ω on a task queue of its own. */
  taskQueue: z.string().min(1).default('nas-sharing'),
  /** A claimed ω worker that does not pick up its next task within this many seconds is presumed gone. */
  workerStartSeconds: z.number().positive().default(60),
}).strict();
export type WeightSharingConfig = z.infer<typeof WeightSharingConfig>;
