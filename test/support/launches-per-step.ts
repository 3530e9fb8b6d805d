// Kernel launches of one child training step, measured through trainChild itself: the launches of a
// run with 4 batches minus those of a run with 2, halved, so building, validation and set-up cancel
// out. Shared by the pinning test (test/trainer/kernel-launches.test.ts) and the printout
// (bench/child-launches/print.ts): test support, as the test is its first user; it asserts nothing.
import type { Tf } from '../../backend/tf';
import { countLaunches } from '../../backend/launch-counter';
import { ChildTrainingConfig } from '../../config/child-training-config';
import { type CnnArchitecture, type CnnLayer, validateCnn } from '../../space/cnn';
import { syntheticData } from '../trainer/synthetic-data';
import { trainChild } from '../../trainer/train-child';

const conv = (size: number, filters: number, inputs: number[]): CnnLayer =>
  ({ filterHeight: size, filterWidth: size, filters, stride: 1, inputs });

/** Two fixed children of the digits space (filters 8/16/24, sizes 1/3/5): a chain and one with skips. */
export const FIXED_CHILDREN: Record<string, CnnArchitecture> = {
  '4 layers, chain': validateCnn({ kind: 'cnn', layers: [conv(3, 16, []), conv(5, 24, [0]), conv(3, 16, [1]), conv(1, 8, [2])] }),
  '6 layers, skips': validateCnn({
    kind: 'cnn',
    layers: [conv(3, 16, []), conv(5, 24, [0]), conv(3, 16, [0, 1]), conv(1, 8, [1, 2]), conv(5, 24, [0, 3]), conv(3, 16, [2, 3, 4])],
  }),
};

/** The digits preset's child recipe (config/presets.ts): 14×14×1, batch 32, Adam 0.005. */
export const DIGITS_CHILD = { epochs: 1, batchSize: 32, optimizer: 'adam', learningRate: 0.005 } as const;

const BATCH = DIGITS_CHILD.batchSize;

/** Launches per training step of `arch` with `overrides` on the digits recipe, and the per-op tally of one step. */
export async function launchesPerStep(tf: Tf, arch: CnnArchitecture, overrides: Partial<ChildTrainingConfig> = {}): Promise<{ perStep: number; byOp: Map<string, number> }> {
  const training = ChildTrainingConfig.parse({ ...DIGITS_CHILD, ...overrides, epochs: 1 });
  const run = async (batches: number) => {
    const data = syntheticData({ train: BATCH * batches, valid: BATCH, classes: 10, size: 14, seed: 3 });
    const { result, launches } = await countLaunches(tf, () => trainChild(tf, { arch, data, training, seed: 1 }));
    if (result.status !== 'succeeded') throw new Error(`child training failed: ${result.error}`);
    return launches;
  };
  await run(1); // first use of each kernel shape: nothing is cached differently on later runs, but be safe
  const [two, four] = [await run(2), await run(4)];
  const byOp = new Map<string, number>();
  for (const [op, n] of four.byOp) {
    const step = (n - (two.byOp.get(op) ?? 0)) / 2;
    if (step !== 0) byOp.set(op, step);
  }
  return { perStep: (four.total - two.total) / 2, byOp };
}
