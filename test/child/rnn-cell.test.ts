// The tfjs cell against hand-written references: the LSTM (base 8) and the vanilla RNN (base 2) as
// trees compute exactly their usual formulas on random weights, Figure 5's cell computes the paper's
// formulas on known weights, and 200 sampled cells run forward and backward without leaking tensors.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Tensor2D } from '@tensorflow/tfjs';
import { loadTf } from '../../backend/tf';
import { buildLanguageModel, forwardSegment, segmentLoss, zeroState } from '../../child/language-model';
import { type CellWeights, cellStep } from '../../child/rnn-cell';
import { RnnCellSpaceConfig } from '../../config/search-config';
import { mulberry32 } from '../../random/prng';
import { decodeRnnCell, type RnnCellArchitecture, rnnCellSteps, validateRnnCell } from '../../space/rnn-cell';
import { FIGURE_5_TOKENS } from '../space/figure-5';
import { lstmCell, vanillaRnnCell } from '../../space/reference-cells';

const tf = loadTf('cpu');

type Matrix = number[][];
const randomMatrix = (rows: number, cols: number, random: () => number, scale = 0.5): Matrix =>
  Array.from({ length: rows }, () => Array.from({ length: cols }, () => (random() * 2 - 1) * scale));
const zeros = (rows: number, cols: number): Matrix => Array.from({ length: rows }, () => new Array<number>(cols).fill(0));
const matVec = (x: number[], m: Matrix): number[] => m[0]!.map((_, j) => x.reduce((s, xi, i) => s + xi * m[i]![j]!, 0));
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
const map2 = (a: number[], b: number[], f: (x: number, y: number) => number) => a.map((x, i) => f(x, b[i]!));

/** Cell weights from per-leaf W_l [in, H], U_l [H, H], b_l [H]: the column blocks of one matrix each. */
function leafWeights(leaves: { W: Matrix; U: Matrix; b: number[] }[]): CellWeights {
  const concat = (ms: Matrix[]) => ms[0]!.map((_, r) => ms.flatMap((m) => m[r]!));
  return tf.tidy(() => ({
    W: tf.variable(tf.tensor2d(concat(leaves.map((l) => l.W)))),
    U: tf.variable(tf.tensor2d(concat(leaves.map((l) => l.U)))),
    b: tf.variable(tf.tensor1d(leaves.flatMap((l) => l.b))),
  }));
}

/** Runs the tree over `xs` (one [batch = 1] input per step) from zero state; returns every (h, c). */
function runTree(cell: RnnCellArchitecture, weights: CellWeights, xs: number[][], hidden: number): { h: number[]; c: number[] }[] {
  return tf.tidy(() => {
    let state = { h: tf.zeros([1, hidden]) as Tensor2D, c: tf.zeros([1, hidden]) as Tensor2D };
    return xs.map((x) => {
      const xW: Tensor2D = tf.matMul(tf.tensor2d([x]), weights.W as unknown as Tensor2D);
      state = cellStep(tf, cell, weights, xW, state);
      return { h: Array.from(state.h.dataSync()), c: Array.from(state.c.dataSync()) };
    });
  });
}

function assertClose(actual: number[], expected: number[], what: string, tolerance = 1e-5): void {
  assert.equal(actual.length, expected.length, what);
  actual.forEach((a, i) => assert.ok(Math.abs(a - expected[i]!) < tolerance, `${what}[${i}]: ${a} vs ${expected[i]}`));
}

test('the LSTM is a base-8 cell: same h_t and c_t as the textbook formulas on random weights', () => {
  const random = mulberry32(11);
  const [input, hidden, steps] = [3, 4, 5];
  const gate = () => ({ W: randomMatrix(input, hidden, random), U: randomMatrix(hidden, hidden, random), b: randomMatrix(1, hidden, random)[0]! });
  const [f, i, g, o] = [gate(), gate(), gate(), gate()];
  const one = { W: zeros(input, hidden), U: zeros(hidden, hidden), b: new Array<number>(hidden).fill(1) };
  const n = tf.memory().numTensors;
  const weights = leafWeights([f, one, i, g, o, one, one, one]); // leaves L0..L7 of lstmCell()
  const xs = randomMatrix(steps, input, random, 1);
  const tree = runTree(lstmCell(), weights, xs, hidden);
  let [h, c] = [new Array<number>(hidden).fill(0), new Array<number>(hidden).fill(0)];
  const pre = (p: typeof f, x: number[]) => map2(map2(matVec(x, p.W), matVec(h, p.U), (a, b) => a + b), p.b, (a, b) => a + b);
  xs.forEach((x, t) => {
    const [fg, ig, gg, og] = [pre(f, x).map(sigmoid), pre(i, x).map(sigmoid), pre(g, x).map(Math.tanh), pre(o, x).map(sigmoid)];
    c = c.map((cv, k) => fg[k]! * cv + ig[k]! * gg[k]!); // c_t = f ⊙ c_{t-1} + i ⊙ g
    h = c.map((cv, k) => og[k]! * Math.tanh(cv)); // h_t = o ⊙ tanh(c_t)
    assertClose(tree[t]!.c, c, `c_${t}`);
    assertClose(tree[t]!.h, h, `h_${t}`);
  });
  tf.dispose([weights.W, weights.U, weights.b]);
  assert.equal(tf.memory().numTensors, n);
});

test('the vanilla RNN is a base-2 cell: h_t = tanh(W·x_t + U·h_{t-1} + b), memory always 0', () => {
  const random = mulberry32(12);
  const [input, hidden, steps] = [3, 4, 5];
  const rnn = { W: randomMatrix(input, hidden, random), U: randomMatrix(hidden, hidden, random), b: randomMatrix(1, hidden, random)[0]! };
  const zero = { W: zeros(input, hidden), U: zeros(hidden, hidden), b: new Array<number>(hidden).fill(0) };
  const weights = leafWeights([rnn, zero]);
  const xs = randomMatrix(steps, input, random, 1);
  const tree = runTree(vanillaRnnCell(), weights, xs, hidden);
  let h = new Array<number>(hidden).fill(0);
  xs.forEach((x, t) => {
    h = map2(map2(matVec(x, rnn.W), matVec(h, rnn.U), (a, b) => a + b), rnn.b, (a, b) => Math.tanh(a + b));
    assertClose(tree[t]!.h, h, `h_${t}`);
    assertClose(tree[t]!.c, new Array<number>(hidden).fill(0), `c_${t}`);
  });
  tf.dispose([weights.W, weights.U, weights.b]);
});

test('Figure 5: the decoded cell computes the paper\'s five formulas on known weights', () => {
  const space = RnnCellSpaceConfig.parse({ kind: 'rnnCell', base: 2 });
  const cell = decodeRnnCell(space, FIGURE_5_TOKENS);
  const W1 = [[0.5, -0.2], [0.1, 0.3]];
  const W2 = [[0.4, 0.1], [-0.3, 0.2]];
  const W3 = [[0.7, 0.2], [-0.1, 0.6]];
  const W4 = [[0.3, -0.5], [0.8, 0.4]];
  const bias0 = [0, 0]; // Figure 5 has no biases: ours start at 0
  const weights = leafWeights([{ W: W1, U: W2, b: bias0 }, { W: W3, U: W4, b: bias0 }]);
  const xs = [[1, 2], [1, 1], [2, -1], [0.5, 0.5]];
  const tree = runTree(cell, weights, xs, 2);
  let [h, c] = [[0, 0], [0, 0]]; // zero state, as runTree starts
  xs.forEach((x, t) => {
    const a0 = map2(matVec(x, W1), matVec(h, W2), (p, q) => Math.tanh(p + q)); // 1. a0 = tanh(W1·x_t + W2·h_{t-1})
    const m = map2(matVec(x, W3), matVec(h, W4), (p, q) => p * q); //              (W3·x_t) ⊙ (W4·h_{t-1})
    const a1 = m.map((v) => Math.max(0, v)); //                                    2. a1 = ReLU(m)
    const a0New = map2(a0, c, (p, q) => Math.max(0, p + q)); //                     3. a0_new = ReLU(a0 + c_{t-1})
    h = map2(a0New, a1, (p, q) => sigmoid(p * q)); //                               4. h_t = a2 = sigmoid(a0_new ⊙ a1)
    c = m; //                                                                       5. c_t = node 1 before ReLU
    assertClose(tree[t]!.h, h, `h_${t}`);
    assertClose(tree[t]!.c, c, `c_${t}`);
  });
  assert.ok(c.some((v) => v !== 0) && h.some((v) => v !== 0.5), 'the check is not vacuous');
  tf.dispose([weights.W, weights.U, weights.b]);
});

test('200 sampled cells (bases 2, 4, 8; 1 and 2 layers) run forward and backward with finite gradients on every weight, no leaks', () => {
  const random = mulberry32(2017);
  const n = tf.memory().numTensors;
  for (let k = 0; k < 200; k++) {
    const base = [2, 4, 8][k % 3]!;
    const space = RnnCellSpaceConfig.parse({ kind: 'rnnCell', base });
    const tokens = rnnCellSteps(space).map((s) => (s.kind === 'choice' ? Math.floor(random() * s.choices.length) : 0));
    const cell = decodeRnnCell(space, tokens);
    const model = buildLanguageModel(tf, cell, { vocabularySize: 12, embeddingSize: 3, hiddenSize: 4, layers: 1 + (k % 2), initRange: 0.3 }, random);
    try {
      const { value, grads } = tf.variableGrads(() => {
        const inputs = tf.tensor2d([[1, 2, 3], [4, 5, 6]], [2, 3], 'int32');
        const state = zeroState(tf, model, 2);
        const { logits, state: next } = forwardSegment(tf, model, inputs, state, { rate: 0.2, seeds: () => k });
        assert.deepEqual(logits.shape, [6, 12]);
        assert.deepEqual(next.map((s) => [s.h.shape, s.c.shape]), model.layers.map(() => [[2, 4], [2, 4]]));
        return segmentLoss(tf, logits, tf.tensor1d([2, 3, 4, 5, 6, 7], 'int32'));
      }, model.variables);
      assert.ok(Number.isFinite(value.dataSync()[0]), `cell ${k}: loss`);
      for (const v of model.variables) {
        const grad = grads[v.name];
        assert.ok(grad, `cell ${k} (${tokens.join(',')}): no gradient for ${v.name}`);
        assert.deepEqual(grad.shape, v.shape);
        assert.ok(grad.dataSync().every(Number.isFinite), `cell ${k}: non-finite gradient for ${v.name}`);
      }
      tf.dispose([value, grads]);
    } finally {
      model.dispose();
    }
    assert.equal(tf.memory().numTensors, n, `cell ${k} leaked tensors`);
  }
});

test('the reference cells are valid cells of the default space', () => {
  for (const cell of [lstmCell(), vanillaRnnCell()]) assert.deepEqual(validateRnnCell(JSON.parse(JSON.stringify(cell))), cell);
});
