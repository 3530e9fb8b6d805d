// Trains the fixed children (test/support/launches-per-step.ts) on the embedded digits with the digits
// recipe (Adam) and with the paper's (Nesterov SGD, weight decay, crop + flip), twice each, and prints
// validation accuracies and epoch losses to full precision: run it on two builds to see whether a
// change to the training step changes what children learn. Prints; asserts nothing.
// Run: node dist/bench/child-launches/accuracy.js
import { loadTf } from '../../backend/tf';
import { ChildTrainingConfig } from '../../config/child-training-config';
import { DataConfig, type TrainedDataConfig } from '../../config/search-config';
import { loadDataset } from '../../data/load';
import { trainChild } from '../../trainer/train-child';
import { DIGITS_CHILD, FIXED_CHILDREN } from '../../test/support/launches-per-step';

const RECIPES = {
  'digits (adam)': { ...DIGITS_CHILD, epochs: 3 },
  'paper (sgd, decay, augment)': { epochs: 3, batchSize: 32, optimizer: 'sgd', learningRate: 0.1, momentum: 0.9, weightDecay: 1e-4, augment: { cropPadding: 2, flip: true } },
} as const;

async function main(): Promise<void> {
  const tf = loadTf('cpu');
  const data = await loadDataset(tf, DataConfig.parse({ source: 'mnist', trainSize: 1000, validSize: 500, testSize: 500, imageSize: 14 }) as TrainedDataConfig, 1);
  for (const [name, arch] of Object.entries(FIXED_CHILDREN)) {
    for (const [recipe, config] of Object.entries(RECIPES)) {
      const training = ChildTrainingConfig.parse(config);
      const runs: string[] = [];
      for (let run = 0; run < 2; run++) {
        const losses: number[] = [];
        const result = await trainChild(tf, { arch, data, training, seed: 7, onEpoch: (_e, _a, loss) => { losses.push(loss); } });
        runs.push(`accuracies ${result.validationAccuracies.join(' ')} losses ${losses.map((l) => l.toPrecision(9)).join(' ')}`);
      }
      console.log(`${name} / ${recipe}: ${runs[0]}${runs[1] === runs[0] ? '  (rerun identical)' : `\n  RERUN DIFFERS: ${runs[1]}`}`);
    }
  }
}

void main();
