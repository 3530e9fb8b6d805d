// Pins the native kernel launches of one child training step (issue 11): a count, not a time, so a
// change that adds launches fails here instead of slowing every child unnoticed. Lower counts are
// progress: update the pins. Not speed (bench/child-throughput.ts), not correctness (train-child.test.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadTf } from '../../backend/tf';
import { FIXED_CHILDREN, launchesPerStep } from '../support/launches-per-step';

const tf = loadTf('cpu');

/** Launches per step, digits recipe (14×14×1, batch 32); measured, see bench/child-launches/print.ts. */
const PINNED: Record<string, { adam: number; sgd: number; sgdDecay: number }> = {
  '4 layers, chain': { adam: 95, sgd: 83, sgdDecay: 96 },
  '6 layers, skips': { adam: 132, sgd: 120, sgdDecay: 135 },
};

describe('kernel launches per child training step', () => {
  for (const [name, arch] of Object.entries(FIXED_CHILDREN)) {
    it(`${name}: Adam, Nesterov SGD, and SGD with weight decay launch the pinned counts`, async () => {
      const pinned = PINNED[name]!;
      assert.equal((await launchesPerStep(tf, arch)).perStep, pinned.adam, 'adam');
      assert.equal((await launchesPerStep(tf, arch, { optimizer: 'sgd', learningRate: 0.1 })).perStep, pinned.sgd, 'sgd');
      assert.equal((await launchesPerStep(tf, arch, { optimizer: 'sgd', learningRate: 0.1, weightDecay: 1e-4 })).perStep, pinned.sgdDecay, 'sgd + decay');
    });
  }
});
