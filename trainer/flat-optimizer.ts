// Adam and Nesterov-momentum SGD over all of a child's weights at once (issue 11): the gradients are
// flattened and concatenated, updated by one run of the optimizer's elementwise math, and split back,
// so a step launches a fixed ~15 kernels plus 1 per vector and 3 per kernel instead of tfjs' 14 (Adam) or 5 (momentum)
// per weight. The math, its order and its constants are tfjs 4.22's AdamOptimizer and
// MomentumOptimizer's (optimizers/adam_optimizer.js, momentum_optimizer.js), element for element, so
// children train to bit-identical weights. Weight decay (an L2 term on some variables) is added to
// the flat gradient as rate·w, bit for bit what autodiff of (rate / 2)·Σw² gives, in ~8 launches
// instead of ~50. Not a general optimizer: one fixed list of variables, every one with a gradient
// every step, and no saved slots (children are trained in one call).
import type { Scalar, Tensor, Tensor1D, Variable } from '@tensorflow/tfjs';
import type { Tf } from '../backend/tf';

export interface FlatOptimizer {
  /**
   * Applies one step; `grads[i]` is the gradient of `variables[i]` without weight decay. Disposes
   * nothing it is given. With weight decay, returns the L2 term (rate / 2)·Σw² at the weights before
   * the step (the caller owns it); else null.
   */
  apply(grads: readonly Tensor[]): Scalar | null;
  dispose(): void;
}

/** An L2 term (rate / 2)·Σw² on the variables marked `decayed` (trainer/weight-decay.ts picks them). */
export interface FlatDecay { rate: number; decayed: readonly boolean[] }

export type FlatRecipe =
  | { kind: 'adam'; learningRate: number; beta1?: number; beta2?: number }
  | { kind: 'nesterov'; learningRate: number; momentum: number };

export function flatOptimizer(tf: Tf, variables: readonly Variable[], recipe: FlatRecipe, decay?: FlatDecay): FlatOptimizer {
  const sizes = variables.map((v) => v.size);
  const total = sizes.reduce((a, b) => a + b, 0);
  const slot = (): Variable => tf.tidy(() => tf.variable(tf.zeros([total]), false)); // [total]
  /** One flat vector of `tensors` in variable order. */
  // A reshape is a kernel launch: vectors (batch-norm gamma and beta, biases) skip it.
  const concat = (tensors: readonly Tensor[]): Tensor1D => tf.concat(tensors.map((g) => (g.rank === 1 ? g : tf.reshape(g, [-1]))), 0) as Tensor1D; // [total]
  // rate on decayed entries, 0 elsewhere: w·rate is autodiff's (rate / 2)·(2·w) exactly (powers of two
  // scale exactly), and a gradient plus 0·w is the gradient.
  const mask = decay && decay.rate > 0 && decay.decayed.some(Boolean) ? tf.tensor1d(flatMask(sizes, decay)) : null; // [total]
  let penalty: Scalar | null = null;
  const flatten = (grads: readonly Tensor[]): Tensor1D => {
    const gradient = concat(grads);
    if (!mask) return gradient;
    const weights = concat(variables);
    // (rate / 2)·Σw² for the reported loss: the same term, summed once over the flat vector.
    penalty = tf.keep(tf.mul(tf.sum(tf.mul(tf.square(weights), mask)), 0.5) as Scalar);
    return tf.add(gradient, tf.mul(weights, mask)); // [total]
  };
  /** value_i += delta_i for every variable, delta given flat. */
  const addSplit = (delta: Tensor): void => {
    tf.split(delta, sizes).forEach((piece, i) => {
      const value = variables[i]!;
      value.assign(tf.add(value.rank === 1 ? piece : tf.reshape(piece, value.shape), value)); // tfjs adds (update, value) in this order
    });
  };
  const checked = (grads: readonly Tensor[]): void => {
    if (grads.length !== variables.length || grads.some((g, i) => g == null || g.size !== sizes[i])) {
      throw new Error('flat optimizer: every variable needs a gradient of its own size');
    }
  };
  const inner = recipe.kind === 'adam' ? flatAdam(tf, recipe, slot, flatten, addSplit, checked) : flatNesterov(tf, recipe, slot, flatten, addSplit, checked);
  return {
    apply(grads) {
      penalty = null;
      inner.apply(grads); // kept out of the step's tidy: the caller disposes it
      return penalty;
    },
    dispose: () => { inner.dispose(); mask?.dispose(); },
  };
}

function flatMask(sizes: readonly number[], decay: FlatDecay): Float32Array {
  const mask = new Float32Array(sizes.reduce((a, b) => a + b, 0));
  let at = 0;
  sizes.forEach((size, i) => {
    if (decay.decayed[i]) mask.fill(decay.rate, at, at + size);
    at += size;
  });
  return mask;
}

type Parts = [slot: () => Variable, flatten: (g: readonly Tensor[]) => Tensor1D, addSplit: (d: Tensor) => void, checked: (g: readonly Tensor[]) => void];
interface Step { apply(grads: readonly Tensor[]): void; dispose(): void }

/** tfjs AdamOptimizer.applyGradients with epsilon = backend epsilon (1e-7 in float32), on one vector. */
function flatAdam(tf: Tf, recipe: Extract<FlatRecipe, { kind: 'adam' }>, ...[slot, flatten, addSplit, checked]: Parts): Step {
  const { learningRate, beta1 = 0.9, beta2 = 0.999 } = recipe;
  const epsilon = tf.backend().epsilon();
  const [firstMoment, secondMoment] = [slot(), slot()];
  const accBeta1 = tf.tidy(() => tf.variable(tf.scalar(beta1), false));
  const accBeta2 = tf.tidy(() => tf.variable(tf.scalar(beta2), false));
  return {
    apply(grads) {
      checked(grads);
      tf.tidy(() => {
        const gradient = flatten(grads); // [total]
        const oneMinusAccBeta1 = tf.sub(1, accBeta1);
        const oneMinusAccBeta2 = tf.sub(1, accBeta2);
        const newFirstMoment = tf.add(tf.mul(firstMoment, beta1), tf.mul(gradient, 1 - beta1));
        const newSecondMoment = tf.add(tf.mul(secondMoment, beta2), tf.mul(tf.square(gradient), 1 - beta2));
        const biasCorrectedFirstMoment = tf.div(newFirstMoment, oneMinusAccBeta1);
        const biasCorrectedSecondMoment = tf.div(newSecondMoment, oneMinusAccBeta2);
        firstMoment.assign(newFirstMoment);
        secondMoment.assign(newSecondMoment);
        addSplit(tf.mul(tf.div(biasCorrectedFirstMoment, tf.add(tf.sqrt(biasCorrectedSecondMoment), epsilon)), -learningRate));
        accBeta1.assign(tf.mul(accBeta1, beta1));
        accBeta2.assign(tf.mul(accBeta2, beta2));
      });
    },
    dispose: () => tf.dispose([firstMoment, secondMoment, accBeta1, accBeta2]),
  };
}

/** tfjs MomentumOptimizer.applyGradients with useNesterov, on one vector. */
function flatNesterov(tf: Tf, recipe: Extract<FlatRecipe, { kind: 'nesterov' }>, ...[slot, flatten, addSplit, checked]: Parts): Step {
  const accumulation = slot();
  const c = tf.scalar(-recipe.learningRate);
  const m = tf.scalar(recipe.momentum);
  return {
    apply(grads) {
      checked(grads);
      tf.tidy(() => {
        const gradient = flatten(grads); // [total]
        const newAccumulation = tf.add(tf.mul(m, accumulation), gradient);
        accumulation.assign(newAccumulation);
        addSplit(tf.mul(c, tf.add(gradient, tf.mul(newAccumulation, m))));
      });
    },
    dispose: () => tf.dispose([accumulation, c, m]),
  };
}
