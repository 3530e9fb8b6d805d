// Checks trainChild end to end on a tiny separable data set: it learns, it is reproducible, a
// diverging child fails without throwing, cancellation throws, and no tensor leaks. Not accuracy on
// real data, and not speed (bench/child-throughput.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadTf } from '../../backend/tf';
import { ChildTrainingConfig } from '../../config/search-config';
import { InvalidDatasetError } from '../../errors';
import { validateCnn } from '../../space/cnn';
import { ChildCancelledError } from '../../trainer/child-cancelled-error';
import { childReward } from '../../trainer/reward';
import { trainChild } from '../../trainer/train-child';
import { syntheticData } from './synthetic-data';

const tf = loadTf('cpu');
const data = syntheticData({ train: 192, valid: 96, classes: 3, size: 8, seed: 11 });
const arch = validateCnn({
  kind: 'cnn',
  layers: [
    { filterHeight: 3, filterWidth: 3, filters: 4, stride: 1, inputs: [] },
    { filterHeight: 5, filterWidth: 1, filters: 4, stride: 2, inputs: [0] },
    { filterHeight: 3, filterWidth: 3, filters: 4, stride: 1, inputs: [0, 1] },
  ],
});
const training = ChildTrainingConfig.parse({ epochs: 3, batchSize: 16, learningRate: 0.05, rewardWindow: 2 });

describe('trainChild', () => {
  it('learns a separable data set above chance, reports every epoch, and leaks nothing', async () => {
    const before = tf.memory().numTensors;
    const epochs: number[] = [];
    const result = await trainChild(tf, { arch, data, training, seed: 1, onEpoch: (epoch) => { epochs.push(epoch); } });
    assert.equal(result.status, 'succeeded', result.error);
    assert.equal(result.validationAccuracies.length, 3);
    assert.deepEqual(epochs, [0, 1, 2]);
    assert.ok(Math.max(...result.validationAccuracies) > 0.6, `accuracies ${result.validationAccuracies} are near chance (1/3)`);
    assert.equal(result.reward, childReward(result.validationAccuracies, 2, 3));
    assert.ok(result.paramCount > 0 && result.seconds > 0);
    assert.equal(tf.memory().numTensors, before);
  });

  it('trains with Adam too, and leaks nothing', async () => {
    const before = tf.memory().numTensors;
    const result = await trainChild(tf, { arch, data, training: { ...training, optimizer: 'adam', learningRate: 0.01 }, seed: 1 });
    assert.equal(result.status, 'succeeded', result.error);
    assert.ok(Math.max(...result.validationAccuracies) > 0.6, `accuracies ${result.validationAccuracies}`);
    assert.equal(tf.memory().numTensors, before);
  });

  it('gives identical accuracies and losses for the same seed', async () => {
    const run = async (seed: number) => {
      const losses: number[] = [];
      const result = await trainChild(tf, { arch, data, training, seed, onEpoch: (_e, _a, loss) => { losses.push(loss); } });
      return { accuracies: result.validationAccuracies, losses };
    };
    const first = await run(5);
    assert.deepEqual(await run(5), first);
    assert.notDeepEqual((await run(6)).losses, first.losses);
  });

  it('fails with reward 0 and no leak when the loss is not finite', async () => {
    const before = tf.memory().numTensors;
    const images = data.train.images.slice();
    images[100] = Number.NaN;
    const poisoned = { ...data, train: { ...data.train, images } };
    const result = await trainChild(tf, { arch, data: poisoned, training, seed: 1 });
    assert.equal(result.status, 'failed');
    assert.equal(result.reward, 0);
    assert.match(result.error ?? '', /non-finite training loss/);
    const diverged = await trainChild(tf, { arch, data, training: { ...training, learningRate: 1e30 }, seed: 1 });
    assert.equal(diverged.status, 'failed');
    assert.equal(diverged.reward, 0);
    assert.equal(tf.memory().numTensors, before);
  });

  it('throws ChildCancelledError between batches when asked to stop, and leaks nothing', async () => {
    const before = tf.memory().numTensors;
    let polls = 0;
    await assert.rejects(
      trainChild(tf, { arch, data, training, seed: 1, shouldStop: () => ++polls > 4 }),
      ChildCancelledError,
    );
    assert.equal(polls, 5);
    assert.equal(tf.memory().numTensors, before);
  });

  it('rejects a data set whose arrays do not match its counts', async () => {
    const short = { ...data, valid: { ...data.valid, labels: data.valid.labels.subarray(1) } };
    await assert.rejects(trainChild(tf, { arch, data: short, training, seed: 1 }), InvalidDatasetError);
  });
});
