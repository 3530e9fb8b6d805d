// The training worker's memory check, on the cpu backend: children that dispose everything leave the
// figures (tf.memory() and the binding's native handles) at their level and nothing is reported; a
// leaked tensor is reported once, with the figures; overlapping children are compared only when idle.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadTf } from '../../backend/tf';
import { ChildTrainingConfig } from '../../config/search-config';
import { validateCnn } from '../../space/cnn';
import { trainChild } from '../../trainer/train-child';
import { memoryFigures, watchMemory } from '../../workers/memory-watch';
import { syntheticData } from '../trainer/synthetic-data';

const tf = loadTf('cpu');
const data = syntheticData({ train: 64, valid: 32, classes: 2, size: 8, seed: 3 });
const arch = validateCnn({ kind: 'cnn', layers: [{ filterHeight: 3, filterWidth: 3, filters: 4, stride: 1, inputs: [] }] });
const training = ChildTrainingConfig.parse({ epochs: 1, batchSize: 16, learningRate: 0.05 });

test('memory figures return to their level after children, one at a time and two at once', async () => {
  const reports: string[] = [];
  const watch = watchMemory(tf, (m) => reports.push(m));
  assert.equal(typeof memoryFigures(tf).nativeTensors, 'number', 'tfjs-node exposes its native tensor count');
  await watch.around(() => trainChild(tf, { arch, data, training, seed: 1 }));
  await Promise.all([1, 2].map((seed) => watch.around(() => trainChild(tf, { arch, data, training, seed }))));
  assert.deepEqual(reports, []);
  assert.deepEqual(watch.stats().checks, 2, 'the two overlapping children are checked once, when both are done');
  assert.equal(watch.stats().grown, 0);
});

test('a leaked tensor is reported once, naming the figures', async () => {
  const reports: string[] = [];
  const watch = watchMemory(tf, (m) => reports.push(m));
  const leaked = await watch.around(async () => tf.zeros([4, 4]));
  await watch.around(async () => 0);
  assert.equal(reports.length, 1);
  assert.match(reports[0]!, /not back at its level after a child: \d+ tensors, \d+ bytes, \d+ native handles, at start/);
  assert.equal(watch.stats().grown, 2);
  leaked.dispose();
  await watch.around(async () => 0);
  assert.equal(watch.stats().grown, 2, 'back at the level once the tensor is disposed');
});
