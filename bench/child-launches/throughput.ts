// One measurement process of bench/child-launches/compare.ts: trains the fixed children with the
// digits recipe (14×14×1, batch 32, Adam) through the trainChild of the build at `dist`, and prints
// one JSON line of steady-state images/s per child (the third of three epochs of 30 batches). Taking
// the build as an argument lets one script time an old and a new build alike. Asserts nothing.
// Run: node dist/bench/child-launches/throughput.js <dist folder of a build>
import path from 'node:path';
import type { Tf } from '../../backend/tf';
import { ChildTrainingConfig } from '../../config/child-training-config';
import type { trainChild as TrainChild } from '../../trainer/train-child';
import { syntheticData } from '../../test/trainer/synthetic-data';
import { DIGITS_CHILD, FIXED_CHILDREN } from '../../test/support/launches-per-step';

const BATCHES = 30;

async function main(): Promise<void> {
  const dist = path.resolve(process.argv[2] ?? path.join(__dirname, '../..'));
  /* eslint-disable @typescript-eslint/no-require-imports */
  const tf = (require(path.join(dist, 'backend/tf.js')) as { loadTf: (kind: 'cpu') => Tf }).loadTf('cpu');
  const { trainChild } = require(path.join(dist, 'trainer/train-child.js')) as { trainChild: typeof TrainChild };
  /* eslint-enable @typescript-eslint/no-require-imports */
  const data = syntheticData({ train: DIGITS_CHILD.batchSize * BATCHES, valid: DIGITS_CHILD.batchSize, classes: 10, size: 14, seed: 1 });
  const training = ChildTrainingConfig.parse({ ...DIGITS_CHILD, epochs: 3 });
  const rates: Record<string, number> = {};
  for (const [name, arch] of Object.entries(FIXED_CHILDREN)) {
    const stamps: number[] = [];
    await trainChild(tf, { arch, data, training, seed: 1, onEpoch: () => { stamps.push(performance.now()); } });
    rates[name] = (DIGITS_CHILD.batchSize * BATCHES) / ((stamps[2]! - stamps[1]!) / 1000);
  }
  process.stdout.write(`${JSON.stringify(rates)}\n`);
}

void main();
