// The flat optimizer against tfjs' own: from equal weights and equal gradients, three steps of flat
// Adam / flat Nesterov momentum leave every weight bit-identical to tf.train.adam / tf.train.momentum,
// and leak nothing. Not whether children learn (train-child.test.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Optimizer, Tensor, Variable } from '@tensorflow/tfjs';
import { loadTf } from '../../backend/tf';
import { type FlatRecipe, flatOptimizer } from '../../trainer/flat-optimizer';

const tf = loadTf('cpu');
const SHAPES = [[3, 3, 1, 4], [4], [4], [1, 5, 4, 6], [6], [6], [6, 3], [3]];

/** Weights after three steps of `step` from seeded weights and seeded gradients. */
function trained(step: (variables: Variable[], grads: Tensor[]) => void, make: (variables: Variable[]) => { dispose(): void }): Float32Array[] {
  const variables = SHAPES.map((shape, i) => tf.tidy(() => tf.variable(tf.randomNormal(shape, 0, 1, 'float32', 10 + i))));
  const optimizer = make(variables);
  for (let n = 0; n < 3; n++) {
    const grads = SHAPES.map((shape, i) => tf.randomNormal(shape, 0, 1, 'float32', 100 * n + i + 1)); // seed 0 is unseeded in tfjs
    step(variables, grads);
    tf.dispose(grads);
  }
  const values = variables.map((v) => v.dataSync() as Float32Array);
  optimizer.dispose();
  tf.dispose(variables);
  return values;
}

function compare(recipe: FlatRecipe, reference: () => Optimizer): void {
  const before = tf.memory().numTensors;
  let optimizer: ReturnType<typeof flatOptimizer> | undefined;
  const flat = trained((_v, grads) => optimizer!.apply(grads), (variables) => (optimizer = flatOptimizer(tf, variables, recipe)));
  let tfjs: Optimizer | undefined;
  const expected = trained(
    (variables, grads) => tfjs!.applyGradients(variables.map((v, i) => ({ name: v.name, tensor: grads[i]! }))),
    () => { tfjs = reference(); return {
      dispose: () => {
        tfjs!.dispose();
        // tfjs 4.22's MomentumOptimizer.dispose skips its base class's (the learning-rate scalar)
        if (recipe.kind === 'nesterov') tf.SGDOptimizer.prototype.dispose.call(tfjs);
      },
    }; },
  );
  flat.forEach((values, i) => assert.deepEqual(values, expected[i], `variable ${i} (${SHAPES[i]})`));
  assert.equal(tf.memory().numTensors, before);
}

describe('flatOptimizer', () => {
  it('Adam: bit-identical to tf.train.adam over three steps, no leak', () => {
    compare({ kind: 'adam', learningRate: 0.005 }, () => tf.train.adam(0.005));
  });
  it('Nesterov momentum: bit-identical to tf.train.momentum(lr, m, true) over three steps, no leak', () => {
    compare({ kind: 'nesterov', learningRate: 0.1, momentum: 0.9 }, () => tf.train.momentum(0.1, 0.9, true));
  });
  for (const recipe of [{ kind: 'adam', learningRate: 0.005 }, { kind: 'nesterov', learningRate: 0.1, momentum: 0.9 }] as const) {
    it(`${recipe.kind} with weight decay: bit-identical to autodiff of (wd / 2)·Σw² on the decayed variables, its penalty reported, no leak`, () => {
      const rate = 1e-2;
      // Kernels decay; vectors (gamma, beta, biases) do not, as trainer/weight-decay.ts picks them.
      const decayed = SHAPES.map((shape) => shape.length > 1);
      const before = tf.memory().numTensors;
      const penalties: [number, number][] = [];
      let folded: ReturnType<typeof flatOptimizer> | undefined;
      const flat = trained((_v, grads) => {
        const penalty = folded!.apply(grads)!;
        penalties.push([penalty.dataSync()[0]!, 0]);
        penalty.dispose();
      }, (variables) => (folded = flatOptimizer(tf, variables, recipe, { rate, decayed })));
      let plain: ReturnType<typeof flatOptimizer> | undefined;
      let step = 0;
      const expected = trained((variables, grads) => {
        const kernels = variables.filter((_, i) => decayed[i]);
        const { value, grads: l2 } = tf.variableGrads(() => tf.mul(rate / 2, tf.addN(kernels.map((w) => tf.sum(tf.square(w))))).asScalar(), kernels);
        const total = variables.map((v, i) => (decayed[i] ? tf.add(grads[i]!, l2[v.name]!) : grads[i]!));
        assert.equal(plain!.apply(total), null, 'no penalty without decay');
        penalties[step++]![1] = value.dataSync()[0]!;
        tf.dispose([value, ...Object.values(l2), ...total.filter((_, i) => decayed[i])]);
      }, (variables) => (plain = flatOptimizer(tf, variables, recipe)));
      flat.forEach((values, i) => assert.deepEqual(values, expected[i], `variable ${i} (${SHAPES[i]})`));
      for (const [mine, autodiff] of penalties) assert.ok(Math.abs(mine - autodiff) <= 1e-6 * autodiff, `penalty ${mine} vs ${autodiff}`);
      assert.equal(tf.memory().numTensors, before);
    });
  }
  it('rejects a missing or mis-sized gradient', () => {
    const v = tf.variable(tf.zeros([2]));
    const optimizer = flatOptimizer(tf, [v], { kind: 'adam', learningRate: 0.1 });
    assert.throws(() => optimizer.apply([]), /every variable needs a gradient/);
    optimizer.dispose();
    v.dispose();
  });
});
