// The ω holder's failure paths with in-memory checkpoints (no servers): a failed save of an
// iteration's last checkpoint is made by the retry, a failure mid-iteration restarts from the
// newest checkpoint, and either way ω ends bit-identical to an undisturbed run; nothing leaks.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { loadTf } from '../../backend/tf';
import { parseSearchConfig } from '../../config/parse';
import type { ImageDataset } from '../../data/dataset';
import { mulberry32 } from '../../random/prng';
import type { OmegaCheckpoint } from '../../weight-sharing/checkpoint';
import { createOmegaHolder, type IterationKey, type Progress } from '../../weight-sharing/omega-holder';
import { randomCnn } from '../child/random-cnn';
import { syntheticData } from '../trainer/synthetic-data';

const tf = loadTf('cpu');
const config = parseSearchConfig({
  mode: 'weightSharing', seed: 3,
  space: { kind: 'cnn', filterHeights: [1, 3], filterWidths: [1, 3], filters: [4, 8], skips: true },
  schedule: { startLayers: 3, addLayers: 0, everyChildren: 1000, maxLayers: 3 },
  budget: { childrenPerIteration: 2, maxChildren: 8 },
  weightSharing: { stepsPerIteration: 6, batchSize: 16, checkpointEvery: 4, evalImages: 32 },
});
const space = config.space.kind === 'cnn' ? config.space : assert.fail('a CNN space');
const data = { ...syntheticData({ train: 128, valid: 64, classes: 4, size: 8, seed: 2 }), test: { images: new Float32Array(0), labels: new Int32Array(0), count: 0 } } as ImageDataset;
const key = (iteration: number): IterationKey => ({ searchId: 's', replica: 0, iteration });
const quiet: Progress = { heartbeat: () => undefined, cancelled: () => false };

/** A holder whose checkpoints live in a map; `failSave(step)` says whether the save of that step throws. */
function holder(failSave: (step: number) => boolean = () => false) {
  const saved = new Map<number, OmegaCheckpoint>();
  const h = createOmegaHolder({
    tf,
    loadData: async () => data,
    loadCheckpoint: async (_id, atMost) => [...saved.values()].filter((c) => c.step <= atMost).sort((a, b) => b.step - a.step)[0] ?? null,
    saveCheckpoint: async (_id, c) => {
      if (failSave(c.step)) throw new Error(`PostgreSQL is restarting (save of step ${c.step})`);
      saved.set(c.step, c);
    },
    trainingChildren: async (k, _config, count) => Array.from({ length: count }, (_, i) => randomCnn(space, 3, mulberry32(100 * k.iteration + i))),
  });
  return { h, saved };
}

const digest = (c: OmegaCheckpoint | undefined) => c && createHash('sha256').update(Buffer.from(c.values.buffer, c.values.byteOffset, c.values.byteLength)).digest('hex');

test('a failed save of the last checkpoint of an iteration is made by the retry; a failure mid-iteration restarts from the newest checkpoint; ω ends as an undisturbed one', async () => {
  const before = tf.memory().numTensors;
  const undisturbed = holder();
  for (const i of [0, 1]) await undisturbed.h.train(key(i), config, quiet);

  let failures = 0;
  const faulty = holder((step) => step === 6 && failures++ === 0);
  await assert.rejects(faulty.h.train(key(0), config, quiet), /save of step 6/);
  assert.ok(!faulty.saved.has(6), 'the first attempt could not save');
  assert.deepEqual(await faulty.h.train(key(0), config, quiet), { step: 6, restoredFrom: 4 }, 'the retry restarts from step 4 and saves step 6');
  assert.ok(faulty.saved.has(6));

  let beats = 0;
  const failing: Progress = { heartbeat: () => { if (++beats === 3) throw new Error('heartbeat failed mid-iteration'); }, cancelled: () => false };
  await assert.rejects(faulty.h.train(key(1), config, failing), /mid-iteration/);
  assert.deepEqual(await faulty.h.train(key(1), config, quiet), { step: 12, restoredFrom: 8 }, 'not from memory: from the newest checkpoint');
  assert.equal(digest(faulty.saved.get(12)), digest(undisturbed.saved.get(12)), 'bit-identical to the undisturbed ω');

  undisturbed.h.dispose();
  faulty.h.dispose();
  assert.equal(tf.memory().numTensors, before, 'ω, its slots and its data tensors are all freed');
});

test('an evaluation heartbeats after each child it rewards, and stops between children when cancelled', async () => {
  const { h } = holder();
  const children = [0, 1, 2].map((i) => randomCnn(space, 3, mulberry32(7 + i)));
  const beats: unknown[] = [];
  const watched: Progress = { heartbeat: (details) => { beats.push(details); }, cancelled: () => false };
  const { step, accuracies } = await h.evaluate(key(0), config, children, watched);
  const again = await h.evaluate(key(0), config, children, quiet);
  assert.deepEqual(accuracies, again.accuracies, 'heartbeats change nothing');
  assert.deepEqual(beats.slice(-3), [0, 1, 2].map((child) => ({ step, child })), 'one heartbeat per child, after it');

  let asked = 0;
  const cancelling: Progress = { heartbeat: () => undefined, cancelled: () => ++asked > 1 };
  await assert.rejects(h.evaluate(key(0), config, children, cancelling), /cancelled at child 1/);
  h.dispose();
});
