// Trains ω on synthetic bands: it learns (shared accuracy well above chance), leaks no tensor, and a
// run restored from a checkpoint repeats the lost steps bit for bit. Not Temporal or SQL.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { loadTf } from '../../backend/tf';
import { CnnSpaceConfig } from '../../config/search-config';
import { mulberry32 } from '../../random/prng';
import type { CnnArchitecture } from '../../space/cnn';
import { restoreCheckpoint, takeCheckpoint } from '../../weight-sharing/checkpoint';
import { createOmegaOptimizer, disposeOmegaOptimizer, type OmegaOptimizerConfig } from '../../weight-sharing/omega-optimizer';
import { MinibatchOrder, type OmegaState, sharedAccuracy, splitTensors, trainOmegaStep } from '../../weight-sharing/omega-trainer';
import { createSharedNetwork, disposeSharedNetwork } from '../../weight-sharing/shared-network';
import { randomCnn } from '../child/random-cnn';
import { syntheticData } from '../trainer/synthetic-data';

const tf = loadTf('cpu');
const data = syntheticData({ train: 256, valid: 128, classes: 4, size: 8, seed: 1 });
const SPACE = CnnSpaceConfig.parse({ kind: 'cnn', filterHeights: [1, 3], filterWidths: [1, 3], filters: [4, 8], skips: true });
const SHAPE = { maxLayers: 3, filterHeights: [1, 3], filterWidths: [1, 3], maxFilters: 8, image: { height: 8, width: 8, channels: 1 }, numClasses: 4, kernels: 'perShape' as const };
const OPTIMIZER = { learningRate: 0.05, momentum: 0.9, weightDecay: 1e-4, gradientClip: 5 };
const BATCH = 32;

/** The child of ω step `step`: drawn from a PRNG seeded by the step, as the activity draws it from the controller. */
const archAt = (step: number): CnnArchitecture => randomCnn(SPACE, 3, mulberry32(1000 + step));

function run(state: OmegaState, to: number, order: MinibatchOrder, train: ReturnType<typeof splitTensors>): number[] {
  const losses: number[] = [];
  while (state.step < to) losses.push(trainOmegaStep(tf, state, archAt(state.step), train, order.indices(state.step)));
  return losses;
}

/** The per-variable Adam step counts a checkpoint holds, read back from its vector. */
function stepsIn(checkpoint: ReturnType<typeof takeCheckpoint>): number[] {
  const entry = checkpoint.manifest.find((e) => e.name.startsWith('steps:'))!;
  return Array.from(checkpoint.values.subarray(entry.offset, entry.offset + entry.shape[0]!));
}

const digest = (values: Float32Array) => createHash('sha256').update(Buffer.from(values.buffer, values.byteOffset, values.byteLength)).digest('hex');

function dispose(state: OmegaState): void {
  disposeSharedNetwork(state.net);
  disposeOmegaOptimizer(state.optimizer);
}

describe('ω training', () => {
  it('learns: the shared accuracy of unseen sampled children rises well above chance, with no tensor leaked per step', () => {
    const train = splitTensors(tf, data, data.train);
    const valid = splitTensors(tf, data, data.valid);
    const state: OmegaState = { net: createSharedNetwork(tf, SHAPE, 2), optimizer: createOmegaOptimizer(OPTIMIZER), step: 0 };
    const order = new MinibatchOrder(train.count, BATCH, 9);
    const all = Int32Array.from({ length: valid.count }, (_, i) => i);
    try {
      const before = [0, 1, 2, 3].map((k) => sharedAccuracy(tf, state.net, archAt(500 + k), valid, all));
      run(state, 2, order, train); // creates the momentum slots of the blocks these children use
      const tensors = tf.memory().numTensors;
      run(state, 3, order, train);
      const slotsAdded = tf.memory().numTensors - tensors;
      assert.ok(slotsAdded >= 0 && slotsAdded <= state.optimizer.slots.size, `a step adds at most the slots of newly used blocks (${slotsAdded})`);
      run(state, 120, order, train);
      const after = [0, 1, 2, 3].map((k) => sharedAccuracy(tf, state.net, archAt(500 + k), valid, all));
      const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
      assert.ok(mean(after) > 0.45 && mean(after) > mean(before) + 0.2, `chance is 0.25; mean shared accuracy of 4 unseen children after 120 steps: ${after.join(', ')} (before: ${before.join(', ')})`);
    } finally {
      dispose(state);
      tf.dispose([train.images, train.labels, valid.images, valid.labels]);
    }
  });

  const optimizers: { name: string; config: OmegaOptimizerConfig; slot: string }[] = [
    { name: 'Nesterov SGD', config: OPTIMIZER, slot: '/momentum' },
    { name: 'Adam', config: { ...OPTIMIZER, optimizer: 'adam' as const, learningRate: 0.005 }, slot: '/v' },
  ];
  for (const { name, config, slot } of optimizers) {
    it(`${name}: a run restored from the checkpoint at step 10 reaches step 25 bit-identical to the run that was not interrupted`, () => {
      const train = splitTensors(tf, data, data.train);
      const straight: OmegaState = { net: createSharedNetwork(tf, SHAPE, 3), optimizer: createOmegaOptimizer(config), step: 0 };
      let resumed: OmegaState | undefined;
      try {
        const order = new MinibatchOrder(train.count, BATCH, 4);
        run(straight, 10, order, train);
        const at10 = takeCheckpoint(straight);
        const lossesStraight = run(straight, 25, order, train);
        const final = takeCheckpoint(straight);

        resumed = restoreCheckpoint(tf, at10, SHAPE, config);
        assert.equal(resumed.step, 10);
        if (config.optimizer === 'adam') assert.deepEqual([...resumed.optimizer.steps.values()].sort(), stepsIn(at10).sort(), "Adam's per-variable steps round-trip");
        const lossesResumed = run(resumed, 25, new MinibatchOrder(train.count, BATCH, 4), train);
        assert.deepEqual(lossesResumed, lossesStraight);
        const again = takeCheckpoint(resumed);
        assert.deepEqual(again.manifest, final.manifest, 'same weights and slots, by name');
        assert.equal(digest(again.values), digest(final.values));
        assert.ok(final.manifest.some((e) => e.name.endsWith(slot)), `the ${slot} slots are in the checkpoint`);
      } finally {
        dispose(straight);
        if (resumed) dispose(resumed);
        tf.dispose([train.images, train.labels]);
      }
    });
  }

  it('refuses a checkpoint of another shape', () => {
    const state: OmegaState = { net: createSharedNetwork(tf, SHAPE, 5), optimizer: createOmegaOptimizer(OPTIMIZER), step: 0 };
    try {
      const checkpoint = takeCheckpoint(state);
      assert.throws(() => restoreCheckpoint(tf, checkpoint, { ...SHAPE, maxFilters: 16 }, OPTIMIZER), /has shape .* but this search needs/);
    } finally {
      dispose(state);
    }
  });
});
