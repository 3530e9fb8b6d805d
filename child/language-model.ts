// The child network of a recurrent-cell search: a word-level language model (embedding → one or two
// layers of the searched cell → softmax over the vocabulary), written with tf ops so the cell can be
// any tree. Not the training loop (trainer/train-lm.ts) and not the cell itself (child/rnn-cell.ts).
import type { Scalar, Tensor, Tensor1D, Tensor2D, Variable } from '@tensorflow/tfjs';
import type { Tf } from '../backend/tf';
import type { RnnCellArchitecture } from '../space/rnn-cell';
import { type CellState, type CellWeights, type ConstantLeaves, cellStep, createCellWeights, uniform } from './rnn-cell';

export interface LanguageModelShape {
  vocabularySize: number;
  embeddingSize: number;
  hiddenSize: number;
  layers: number;
  initRange: number;
  /**
   * Leaves held at a constant in every layer (W = U = 0, b = value, never trained): the hand-written
   * LSTM's 1s (L1, L5, L6, L7), the vanilla RNN's 0 (L1). Trained, they feed h back multiplicatively and explode.
   */
  constantLeaves?: ConstantLeaves;
}

export interface LanguageModel {
  cell: RnnCellArchitecture;
  shape: LanguageModelShape;
  embedding: Variable; // [V, E]
  layers: CellWeights[]; // layer 0 reads the embedding, layer 1 layer 0's h
  softmaxW: Variable; // [H, V]
  softmaxB: Variable; // [V]
  variables: Variable[];
  /** Zeroes the gradients of constant leaves (a no-op without any); returns new tensors. */
  freezeConstantLeaves: (grads: Record<string, Tensor>) => Record<string, Tensor>;
  dispose: () => void;
}

/** Dropout on the embedding and on every layer's output, with these seeds (null: no dropout). */
export interface Dropout {
  rate: number;
  seeds: () => number;
}

let models = 0;

/** A model with weights uniform in [-initRange, initRange] drawn from `random`. */
export function buildLanguageModel(tf: Tf, cell: RnnCellArchitecture, shape: LanguageModelShape, random: () => number): LanguageModel {
  // Variable names are global to the tfjs engine: each model gets its own prefix.
  const prefix = `lm${++models}`;
  const { vocabularySize: v, embeddingSize: e, hiddenSize: h, initRange } = shape;
  const embedding = tf.tidy(() => tf.variable(uniform(tf, [v, e], initRange, random), true, `${prefix}/embedding`));
  const layers = Array.from({ length: shape.layers }, (_, l) => createCellWeights(tf, cell.base, l === 0 ? e : h, h, initRange, random, `${prefix}/cell${l}`, shape.constantLeaves));
  const softmaxW = tf.tidy(() => tf.variable(uniform(tf, [h, v], initRange, random), true, `${prefix}/softmax/W`));
  const softmaxB = tf.tidy(() => tf.variable(tf.zeros([v]), true, `${prefix}/softmax/b`));
  const variables = [embedding, ...layers.flatMap((w) => [w.W, w.U, w.b]), softmaxW, softmaxB];
  const constant = new Set(Object.keys(shape.constantLeaves ?? {}).map(Number));
  const mask = tf.tensor1d(Array.from({ length: cell.base * h }, (_, j) => (constant.has(Math.floor(j / h)) ? 0 : 1))); // [B·H]
  const masked = new Set(constant.size ? layers.flatMap((w) => [w.W.name, w.U.name, w.b.name]) : []);
  const freezeConstantLeaves = (grads: Record<string, Tensor>) => tf.tidy(() =>
    Object.fromEntries(Object.entries(grads).map(([name, g]) => [name, masked.has(name) ? tf.mul(g, mask) : tf.clone(g)])));
  return {
    cell, shape, embedding, layers, softmaxW, softmaxB, variables, freezeConstantLeaves,
    dispose: () => tf.dispose([...variables, mask]),
  };
}

export function countParameters(model: LanguageModel): number {
  return model.variables.reduce((n, v) => n + v.size, 0);
}

/** Zero hidden and cell state for every layer. */
export function zeroState(tf: Tf, model: LanguageModel, batch: number): CellState[] {
  return model.layers.map(() => ({ h: tf.zeros([batch, model.shape.hiddenSize]), c: tf.zeros([batch, model.shape.hiddenSize]) }));
}

/**
 * Runs the model over a segment. `inputs` [batch, T] int32 word ids; returns logits [batch·T, V]
 * (row b·T + t is word t of sequence b) and the state after the last step. Call inside a tidy.
 */
export function forwardSegment(tf: Tf, model: LanguageModel, inputs: Tensor2D, state: readonly CellState[], dropout: Dropout | null): { logits: Tensor2D; state: CellState[] } {
  const [batch, steps] = inputs.shape;
  const drop = (x: Tensor): Tensor => (dropout && dropout.rate > 0 ? tf.dropout(x, dropout.rate, undefined, dropout.seeds()) : x);
  let sequence = drop(tf.gather(model.embedding, inputs)); // [batch, T, E]
  const next: CellState[] = [];
  model.layers.forEach((weights, l) => {
    const width = sequence.shape[2]!;
    const xW = tf.reshape(tf.matMul(tf.reshape(sequence, [batch * steps, width]) as Tensor2D, weights.W), [batch, steps, -1]); // [batch, T, B·H]
    const perStep = tf.unstack(xW, 1) as Tensor2D[]; // T × [batch, B·H]
    let s = state[l]!;
    const outputs: Tensor2D[] = [];
    for (const x of perStep) {
      s = cellStep(tf, model.cell, weights, x, s);
      outputs.push(s.h);
    }
    next.push(s);
    sequence = drop(tf.stack(outputs, 1)); // [batch, T, H]
  });
  const flat = tf.reshape(sequence, [batch * steps, model.shape.hiddenSize]) as Tensor2D; // [batch·T, H]
  return { logits: tf.add(tf.matMul(flat, model.softmaxW), model.softmaxB) as Tensor2D, state: next }; // [batch·T, V]
}

/** −log p(target) of each row: logits [N, V], targets [N] int32 → [N]. */
export function negativeLogLikelihood(tf: Tf, logits: Tensor2D, targets: Tensor1D): Tensor1D {
  const [n, v] = logits.shape;
  const logProbs = tf.reshape(tf.logSoftmax(logits), [n * v]); // [N·V]
  const picked = tf.add(tf.range(0, n * v, v, 'int32'), targets); // [N] flat index of each target
  return tf.neg(tf.gather(logProbs, picked)) as Tensor1D;
}

/** Mean cross-entropy over the segment, the training loss. */
export function segmentLoss(tf: Tf, logits: Tensor2D, targets: Tensor1D): Scalar {
  return tf.mean(negativeLogLikelihood(tf, logits, targets)) as Scalar;
}
