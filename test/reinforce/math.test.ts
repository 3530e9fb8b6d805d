// REINFORCE's pure numbers checked against values worked out by hand: the EMA baseline and its
// advantages (section 3.2), and Adam on a flat slice. The gradient itself is in estimator.test.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { adamStep, emptySlots, l2Norm } from '../../reinforce/adam';
import { advantages, updateBaseline } from '../../reinforce/baseline';

const close = (actual: number, expected: number, tol = 1e-6) => assert.ok(Math.abs(actual - expected) < tol, `${actual} ≉ ${expected}`);

test('first batch: the baseline is the batch mean, then an EMA over rewards in child order', () => {
  const first = advantages([0.2, 0.4], null);
  close(first.baseline, 0.3);
  first.advantages.forEach((a, i) => close(a, [-0.1, 0.1][i]!));
  // b = 0.3 → 0.5·0.3 + 0.5·0.2 = 0.25 → 0.5·0.25 + 0.5·0.4 = 0.325
  close(updateBaseline(null, [0.2, 0.4], 0.5), 0.325);
});

test('later batches use the baseline held before them', () => {
  const later = advantages([0.2, 0.4], 0.1);
  later.advantages.forEach((a, i) => close(a, [0.1, 0.3][i]!));
  // 0.9·0.1 + 0.1·0.2 = 0.11 → 0.9·0.11 + 0.1·0.4 = 0.139
  close(updateBaseline(0.1, [0.2, 0.4], 0.9), 0.139);
  close(updateBaseline(0.1, [0.2, 0.4], 1), 0.1);
  assert.throws(() => advantages([], null), /mean of no rewards/);
});

test('Adam: the first two steps on a constant gradient move each weight by lr·sign(g)', () => {
  const params = Float32Array.from([1, -2]);
  const g = Float32Array.from([0.5, -1]);
  const one = adamStep(params, g, emptySlots(2), { learningRate: 0.1 });
  // m = 0.1·g, v = 0.001·g², bias-corrected m̂ = g, v̂ = g²: step = 0.1·g/|g|
  close(one.params[0]!, 0.9);
  close(one.params[1]!, -1.9);
  close(one.slots.m[0]!, 0.05);
  close(one.slots.v[1]!, 0.001);
  assert.equal(one.slots.step, 1);
  // m = 0.095, m̂ = 0.095/0.19 = 0.5; v = 0.00049975, v̂ = 0.00049975/0.001999 = 0.25
  const two = adamStep(one.params, g, one.slots, { learningRate: 0.1 });
  close(two.params[0]!, 0.8, 1e-5);
  close(two.params[1]!, -1.8, 1e-5);
  assert.deepEqual(Array.from(params), [1, -2], 'inputs are not modified');
  assert.throws(() => adamStep(params, Float32Array.from([1]), emptySlots(2), { learningRate: 0.1 }), /sizes differ/);
  close(l2Norm(Float32Array.from([3, 4])), 5);
});
