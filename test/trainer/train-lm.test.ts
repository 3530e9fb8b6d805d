// The language-model trainer on a tiny patterned corpus: it learns (perplexity falls), the reward is
// c / perplexity², the same seed gives the same result, state and model leave no tensors behind,
// an exploding cell is a failed child with reward 0, and batching cuts the stream as documented.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadTf } from '../../backend/tf';
import { LanguageModelConfig } from '../../config/search-config';
import { InvalidDatasetError } from '../../errors';
import { LSTM_CONSTANT_LEAVES, lstmCell, VANILLA_RNN_CONSTANT_LEAVES, vanillaRnnCell } from '../../space/reference-cells';
import { validateRnnCell } from '../../space/rnn-cell';
import { perplexityReward } from '../../trainer/reward';
import { batchify, clipByGlobalNorm, trainLanguageModel } from '../../trainer/train-lm';
import { buildLanguageModel } from '../../child/language-model';
import { mulberry32 } from '../../random/prng';
import { tinyCorpus } from '../support/tiny-corpus';

const tf = loadTf('cpu');
const lm = LanguageModelConfig.parse({
  embeddingSize: 12, hiddenSize: 12, layers: 1, bptt: 8, batchSize: 4, dropout: 0.1, epochs: 3, optimizer: 'adam', learningRate: 0.02, rewardConstant: 80,
});

test('reward = c / perplexity² (section 4.2); no perplexity scores 0', () => {
  assert.equal(perplexityReward(80, 80), 1 / 80);
  assert.equal(perplexityReward(4, 80), 5);
  assert.equal(perplexityReward(Number.NaN, 80), 0);
  assert.equal(perplexityReward(Number.POSITIVE_INFINITY, 80), 0);
});

test('batchify: row b is words b·L..(b+1)·L−1, the tail that does not fill a row is dropped', () => {
  const { rows, length } = batchify(Int32Array.from({ length: 11 }, (_, i) => i), 3);
  assert.equal(length, 3);
  assert.deepEqual(rows.map((r) => Array.from(r)), [[0, 1, 2], [3, 4, 5], [6, 7, 8]]);
});

test('the LSTM and the vanilla RNN learn the tiny corpus; deterministic for a seed; no tensor leaks', async () => {
  const corpus = tinyCorpus();
  const n = tf.memory().numTensors;
  const lstm = await trainLanguageModel(tf, { cell: lstmCell(), corpus, lm, seed: 3, constantLeaves: LSTM_CONSTANT_LEAVES });
  assert.equal(tf.memory().numTensors, n, 'no tensor leaks');
  assert.equal(lstm.status, 'succeeded', lstm.error);
  assert.equal(lstm.validationPerplexities.length, 3);
  assert.ok(lstm.validationPerplexities[2]! < lstm.validationPerplexities[0]!, `perplexity falls: ${lstm.validationPerplexities}`);
  assert.ok(lstm.validationPerplexities[2]! < corpus.vocabulary.length / 2, `learns something: ${lstm.validationPerplexities}`);
  assert.equal(lstm.reward, 80 / Math.min(...lstm.validationPerplexities) ** 2);
  assert.ok(lstm.validationAccuracies.every((a) => a >= 0 && a <= 1));
  const again = await trainLanguageModel(tf, { cell: lstmCell(), corpus, lm, seed: 3, constantLeaves: LSTM_CONSTANT_LEAVES });
  assert.deepEqual(again.validationPerplexities, lstm.validationPerplexities, 'same seed, same result');
  const rnn = await trainLanguageModel(tf, { cell: vanillaRnnCell(), corpus, lm: { ...lm, layers: 2 }, seed: 4, constantLeaves: VANILLA_RNN_CONSTANT_LEAVES });
  assert.equal(rnn.status, 'succeeded', rnn.error);
  assert.ok(rnn.validationPerplexities[2]! < rnn.validationPerplexities[0]!);
  assert.equal(tf.memory().numTensors, n, 'no tensor leaks');
});

test('a cell that explodes is a failed child with reward 0, not an exception', async () => {
  // Every node multiplies and keeps its value (identity): h and c grow like a power tower.
  const explode = validateRnnCell({
    kind: 'rnnCell', base: 2,
    nodes: [{ combination: 'add', activation: 'identity' }, { combination: 'add', activation: 'identity' }, { combination: 'elemMult', activation: 'identity' }],
    inject: { combination: 'elemMult', activation: 'identity' }, cellIndices: [2, 2],
  });
  const n = tf.memory().numTensors;
  const result = await trainLanguageModel(tf, { cell: explode, corpus: tinyCorpus(), lm: { ...lm, initRange: 3, learningRate: 1, optimizer: 'sgd', clipNorm: 1e6 }, seed: 1 });
  assert.equal(result.status, 'failed');
  assert.equal(result.reward, 0);
  assert.match(result.error ?? '', /non-finite|exploded/);
  assert.equal(tf.memory().numTensors, n);
});

test('caps and too-short corpora', async () => {
  const corpus = tinyCorpus();
  const capped = await trainLanguageModel(tf, { cell: vanillaRnnCell(), corpus, lm: { ...lm, epochs: 1, maxTrainTokens: 100, maxValidTokens: 50 }, seed: 1 });
  assert.equal(capped.trainedTokens, 4 * 24, '100 words in 4 rows of 25: 24 targets each');
  await assert.rejects(trainLanguageModel(tf, { cell: vanillaRnnCell(), corpus, lm: { ...lm, maxTrainTokens: 5 }, seed: 1 }), InvalidDatasetError);
});

test('global-norm clipping by hand: (3, 4) and (0) have norm 5; clip 1 scales them by 1/5, clip 10 leaves them', () => {
  const grads = { a: tf.tensor1d([3, 4]), b: tf.tensor1d([0]) };
  const n = tf.memory().numTensors;
  const clipped = clipByGlobalNorm(tf, grads, 1);
  Array.from(clipped.a!.dataSync()).forEach((v, i) => assert.ok(Math.abs(v - [0.6, 0.8][i]!) < 1e-6));
  const kept = clipByGlobalNorm(tf, grads, 10);
  Array.from(kept.a!.dataSync()).forEach((v, i) => assert.ok(Math.abs(v - [3, 4][i]!) < 1e-5));
  tf.dispose([clipped, kept]);
  assert.equal(tf.memory().numTensors, n);
  tf.dispose(grads);
});

test('constant leaves start at W = U = 0, b = value and their gradients are zeroed', () => {
  const model = buildLanguageModel(tf, lstmCell(), { vocabularySize: 5, embeddingSize: 2, hiddenSize: 3, layers: 2, initRange: 0.1, constantLeaves: LSTM_CONSTANT_LEAVES }, mulberry32(1));
  const n = tf.memory().numTensors;
  for (const layer of model.layers) {
    const b = layer.b.dataSync();
    const W = layer.W.arraySync() as number[][];
    for (let j = 0; j < 8 * 3; j++) {
      const leaf = Math.floor(j / 3);
      if (leaf in LSTM_CONSTANT_LEAVES) {
        assert.equal(b[j], 1);
        assert.ok(W.every((row) => row[j] === 0));
      }
    }
    const ones = { [layer.b.name]: tf.onesLike(layer.b), [layer.W.name]: tf.onesLike(layer.W) };
    const frozen = model.freezeConstantLeaves(ones);
    const fb = frozen[layer.b.name]!.dataSync();
    Array.from(fb).forEach((g, j) => assert.equal(g, Math.floor(j / 3) in LSTM_CONSTANT_LEAVES ? 0 : 1));
    tf.dispose([ones, frozen]);
  }
  assert.equal(tf.memory().numTensors, n);
  model.dispose();
});
