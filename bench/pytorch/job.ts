// One measurement process of the side-by-side bench, either side: the job it is given (JSON, as
// its first argument) and the one JSON line it prints. bench/pytorch/child.py reads and prints the
// same shapes. Not the timing policy (side-by-side.ts) nor the file formats (exchange.ts).
import { z } from 'zod';
import { CnnArchitecture, validateCnn } from '../../space/cnn';

export const ChildJob = z.object({
  name: z.string(),
  arch: CnnArchitecture.transform((arch) => validateCnn(arch)), // the immutable CnnArchitecture type
  /** Path of the initial weights without extension (exchange.ts writeWeights); PyTorch loads them, tfjs rebuilds them from `seed`. */
  weights: z.string(),
}).strict();

export const Job = z.object({
  /** A data folder written by exchange.ts writeData. */
  data: z.string(),
  recipe: z.object({
    epochs: z.number().int().positive(),
    batchSize: z.number().int().positive(),
    optimizer: z.enum(['adam', 'sgd']),
    learningRate: z.number().positive(),
    momentum: z.number().min(0).max(1),
    weightDecay: z.number().min(0),
  }).strict(),
  /** The child's seed: its initial weights (tfjs) and its batch orders (both, through the data folder). */
  seed: z.number().int().nonnegative(),
  /** Threads of the process (TF intra/inter-op and OMP threads; torch.set_num_threads). */
  threads: z.number().int().positive(),
  /** First train the first child for one epoch, untimed, so that start-up costs fall outside the figures. */
  warmup: z.boolean(),
  /** PyTorch only: the model and images in channels-last memory (tfjs is NHWC already); off is PyTorch's default layout. */
  channelsLast: z.boolean().default(false),
  children: z.array(ChildJob).min(1),
}).strict();
export type Job = z.infer<typeof Job>;

export const ChildOutcome = z.object({
  name: z.string(),
  /** Wall seconds of the whole child: build, every epoch, every validation. */
  seconds: z.number(),
  /** CPU seconds of the process (all its threads) over the same span: what the child cost, whatever else the machine ran. */
  cpuSeconds: z.number(),
  /** Training images per second from the end of epoch 1 to the end of the last epoch (validation included). */
  steadyImagesPerSecond: z.number(),
  validationAccuracies: z.array(z.number()),
  /** Mean training loss of each epoch. */
  losses: z.array(z.number()),
});
export type ChildOutcome = z.infer<typeof ChildOutcome>;

export const Outcome = z.object({ side: z.enum(['tfjs', 'pytorch']), version: z.string(), children: z.array(ChildOutcome) });
export type Outcome = z.infer<typeof Outcome>;
