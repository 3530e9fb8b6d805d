// One time step of a searched recurrent cell (Zoph & Le 2017, section 3.4) in tfjs ops, and its
// weights. Not the language model around it (child/language-model.ts) nor the encoding of the cell
// (space/rnn-cell.ts, whose comment states the formulas this file computes).
import type { Tensor, Tensor1D, Tensor2D, Variable } from '@tensorflow/tfjs';
import type { Tf } from '../backend/tf';
import { nodeCount, nodeInputs, rootNode, type RnnActivation, type RnnCellArchitecture, type RnnCombination } from '../space/rnn-cell';

/**
 * A cell layer's weights. Every leaf l has its own W_l [in, H], U_l [H, H] and b_l [H]; they are the
 * column blocks l·H..(l+1)·H of one matrix each, so one matMul serves all leaves.
 */
export interface CellWeights {
  W: Variable; // [in, B·H]
  U: Variable; // [H, B·H]
  b: Variable; // [B·H]
}

/** Leaves held at a constant value (leaf index → value), never trained: the reference cells' 1s and 0s. */
export type ConstantLeaves = Readonly<Record<number, number>>;

export interface CellState {
  h: Tensor2D; // [batch, H]
  c: Tensor2D; // [batch, H]
}

export function combine(tf: Tf, how: RnnCombination, a: Tensor, b: Tensor): Tensor {
  return how === 'add' ? tf.add(a, b) : tf.mul(a, b);
}

export function activate(tf: Tf, how: RnnActivation, x: Tensor): Tensor {
  switch (how) {
    case 'identity': return x;
    case 'tanh': return tf.tanh(x);
    case 'sigmoid': return tf.sigmoid(x);
    case 'relu': return tf.relu(x);
  }
}

/**
 * h_t, c_t from xW = x_t·W (precomputed for every step of a segment), h_{t-1} and c_{t-1}.
 * Leaf l: pre = combine(x_t·W_l, h_{t-1}·U_l) + b_l; internal node: pre = combine(left, right);
 * out = activation(pre); the inject replaces out at cellIndices[1] by
 * injectActivation(injectCombination(out, c_{t-1})); c_t = pre at cellIndices[0]; h_t = out at the root.
 */
export function cellStep(tf: Tf, cell: RnnCellArchitecture, weights: CellWeights, xW: Tensor2D, state: CellState): CellState {
  const base = cell.base;
  const hW: Tensor2D = tf.matMul(state.h, weights.U as Tensor as Tensor2D); // [batch, B·H]
  const leafPre = leafPreActivations(tf, cell, xW, hW, weights.b); // B × [batch, H]
  const pre: Tensor[] = [];
  const out: Tensor[] = [];
  for (let node = 0; node < nodeCount(base); node++) {
    const spec = cell.nodes[node]!;
    const inputs = nodeInputs(base, node);
    pre.push(inputs ? combine(tf, spec.combination, out[inputs[0]]!, out[inputs[1]]!) : leafPre[node]!);
    let value = activate(tf, spec.activation, pre[node]!);
    if (node === cell.cellIndices[1]) value = activate(tf, cell.inject.activation, combine(tf, cell.inject.combination, value, state.c));
    out.push(value);
  }
  return { h: out[rootNode(base)] as Tensor2D, c: pre[cell.cellIndices[0]] as Tensor2D };
}

/** combine(x·W_l, h·U_l) + b_l for every leaf, computing each combination once over all leaves. */
function leafPreActivations(tf: Tf, cell: RnnCellArchitecture, xW: Tensor2D, hW: Tensor2D, b: Tensor1D | Variable): Tensor[] {
  const leaves = cell.nodes.slice(0, cell.base);
  const byCombination = new Map<RnnCombination, Tensor[]>();
  for (const how of new Set(leaves.map((l) => l.combination))) {
    byCombination.set(how, tf.split(tf.add(combine(tf, how, xW, hW), b), cell.base, 1)); // B × [batch, H]
  }
  return leaves.map((leaf, l) => byCombination.get(leaf.combination)![l]!);
}

/**
 * Weights of one cell layer, uniform in [-initRange, initRange] from `random`, leaf biases too (a
 * zero bias would make every elemMult leaf exactly 0 while h is 0, a fixed point). Leaves listed in
 * `constantLeaves` (leaf → value) start as that constant (W = U = 0, b = value), as the
 * hand-written baselines need (the LSTM's 1s, the vanilla RNN's 0).
 */
export function createCellWeights(tf: Tf, base: number, inputSize: number, hiddenSize: number, initRange: number, random: () => number, name: string, constantLeaves: ConstantLeaves = {}): CellWeights {
  const width = base * hiddenSize;
  const constantOf = (column: number): number | undefined => constantLeaves[Math.floor(column / hiddenSize)];
  const isConstant = (column: number) => constantOf(column) !== undefined;
  const matrix = (rows: number) => {
    const m = uniform(tf, [rows, width], initRange, random);
    return Object.keys(constantLeaves).length ? tf.mul(m, tf.tensor1d(Array.from({ length: width }, (_, j) => (isConstant(j) ? 0 : 1)))) : m;
  };
  // Variables outlive the tidy; the initial values it frees do not.
  return tf.tidy(() => {
    const W = matrix(inputSize);
    const U = matrix(hiddenSize);
    const bias = uniform(tf, [1, width], initRange, random).dataSync().map((v, j) => constantOf(j) ?? v);
    return {
      W: tf.variable(W, true, `${name}/W`),
      U: tf.variable(U, true, `${name}/U`),
      b: tf.variable(tf.tensor1d(bias), true, `${name}/b`),
    };
  });
}

export function uniform(tf: Tf, shape: [number, number], range: number, random: () => number): Tensor2D {
  const values = new Float32Array(shape[0] * shape[1]);
  for (let i = 0; i < values.length; i++) values[i] = (random() * 2 - 1) * range;
  return tf.tensor2d(values, shape);
}
