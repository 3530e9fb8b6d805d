// Prints the kernel launches of one child training step for the fixed children, per optimizer and
// with weight decay, and the ops that launch most. Figures only; the pinned counts are in
// test/trainer/kernel-launches.test.ts. Run: node dist/bench/child-launches/print.js
import { loadTf } from '../../backend/tf';
import { FIXED_CHILDREN, launchesPerStep } from '../../test/support/launches-per-step';

const SETUPS = {
  'adam': {},
  'sgd (nesterov)': { optimizer: 'sgd', learningRate: 0.1 },
  'sgd + weight decay': { optimizer: 'sgd', learningRate: 0.1, weightDecay: 1e-4 },
} as const;

async function main(): Promise<void> {
  const tf = loadTf('cpu');
  for (const [name, arch] of Object.entries(FIXED_CHILDREN)) {
    for (const [setup, overrides] of Object.entries(SETUPS)) {
      const { perStep, byOp } = await launchesPerStep(tf, arch, overrides);
      const top = [...byOp].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([op, n]) => `${op} ${n}`).join(', ');
      console.log(`${name.padEnd(16)} ${setup.padEnd(19)} ${String(perStep).padStart(5)} launches/step   ${top}`);
    }
  }
}

void main();
