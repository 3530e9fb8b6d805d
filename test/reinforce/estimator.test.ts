// The REINFORCE gradient (section 3.2) against its definition: the loss is −(1/m)Σ(R_k − b)·log P_k,
// the gradient matches finite differences of that loss, and a descent step makes the samples with a
// positive advantage more likely and those with a negative one less likely.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { controllerSpec } from '../../controller/controller';
import { parseSearchConfig } from '../../config/parse';
import { initialParameters } from '../../controller/parameters';
import { sampleBatch, sampleTokens } from '../../controller/sample';
import { adamStep, emptySlots } from '../../reinforce/adam';
import { reinforceGradient, reinforceGradientOfPass } from '../../reinforce/estimator';
import { NON_RETRYABLE_ERROR_TYPES } from '../../errors';

const spec = controllerSpec(parseSearchConfig({ space: { kind: 'cnn', filterHeights: [1, 3], filterWidths: [1, 3], filters: [8, 16] } }));
const params = initialParameters(spec.layout, 0.08, 3);
const depth = 3;
const samples = sampleTokens(spec, params, depth, 2, 11);
const scored = [{ tokens: samples[0]!.tokens, advantage: 1 }, { tokens: samples[1]!.tokens, advantage: -0.5 }];

test('loss = −(1/m) Σ_k (R_k − b) log P_k', () => {
  const { loss, logProbs } = reinforceGradient(spec, params, depth, scored, 0);
  const expected = -(1 * logProbs[0]! + -0.5 * logProbs[1]!) / 2;
  assert.ok(Math.abs(loss - expected) < 1e-5, `${loss} vs ${expected}`);
});

test('the gradient matches central finite differences of the loss', () => {
  const { gradient } = reinforceGradient(spec, params, depth, scored, 0);
  const lossAt = (p: Float32Array) => reinforceGradient(spec, p, depth, scored, 0).loss;
  // The largest few coordinates, where float32 differences are well above rounding noise.
  const order = Array.from(gradient.keys()).sort((a, b) => Math.abs(gradient[b]!) - Math.abs(gradient[a]!)).slice(0, 4);
  for (const i of order) {
    const eps = 1e-2;
    const up = Float32Array.from(params);
    const down = Float32Array.from(params);
    up[i]! += eps;
    down[i]! -= eps;
    const numeric = (lossAt(up) - lossAt(down)) / (2 * eps);
    assert.ok(Math.abs(numeric - gradient[i]!) < 0.05 * Math.abs(gradient[i]!) + 1e-4, `coordinate ${i}: ${numeric} vs ${gradient[i]}`);
  }
});

test('zero advantages give a zero gradient; a step moves probability towards the better sample', () => {
  const zero = reinforceGradient(spec, params, depth, scored.map((s) => ({ ...s, advantage: 0 })), 0);
  assert.ok(zero.gradient.every((g) => g === 0));
  const before = reinforceGradient(spec, params, depth, scored, 0);
  let current = params;
  let slots = emptySlots(params.length);
  for (let i = 0; i < 5; i++) {
    const step = adamStep(current, reinforceGradient(spec, current, depth, scored, 0).gradient, slots, { learningRate: 0.01 });
    current = step.params;
    slots = step.slots;
  }
  const after = reinforceGradient(spec, current, depth, scored, 0);
  assert.ok(after.logProbs[0]! > before.logProbs[0]!, 'positive advantage: more likely');
  assert.ok(after.logProbs[1]! < before.logProbs[1]!, 'negative advantage: less likely');
});

test('the entropy bonus changes the gradient', () => {
  const plain = reinforceGradient(spec, params, depth, scored, 0);
  const bonus = reinforceGradient(spec, params, depth, scored, 0.1);
  assert.ok(bonus.gradient.some((g, i) => Math.abs(g - plain.gradient[i]!) > 1e-7));
});

test('a network with no decision has no gradient: a named, non-retryable InvalidGradientError', () => {
  // Built past the schema (which refuses such spaces): the estimator's own guard is the second line.
  const base = parseSearchConfig({ space: { kind: 'cnn', filterHeights: [1, 3], skips: true } });
  const empty = controllerSpec({ ...base, space: { kind: 'cnn', layerTypes: ['conv'], filterHeights: [3], filterWidths: [3], filters: [8], strides: [1], skips: false } });
  const anchorsOnly = controllerSpec({ ...base, space: { kind: 'cnn', layerTypes: ['conv'], filterHeights: [3], filterWidths: [3], filters: [8], strides: [1], skips: true } });
  for (const [s, layers, tokens] of [[empty, 3, []], [anchorsOnly, 1, []]] as const) {
    assert.throws(() => reinforceGradient(s, initialParameters(s.layout, 0.08, 3), layers, [{ tokens, advantage: 1 }], 0),
      (e: Error) => e.name === 'InvalidGradientError' && /nothing for the controller to decide/.test(e.message));
  }
  assert.ok(NON_RETRYABLE_ERROR_TYPES.includes('InvalidGradientError'), 'activities give up at once');
  // With two layers the anchor of layer 1 is a decision: a gradient exists.
  const tokens = sampleTokens(anchorsOnly, initialParameters(anchorsOnly.layout, 0.08, 3), 2, 1, 5)[0]!.tokens;
  assert.ok(reinforceGradient(anchorsOnly, initialParameters(anchorsOnly.layout, 0.08, 3), 2, [{ tokens, advantage: 1 }], 0).gradient.some((g) => g !== 0));
});

test('the gradient of the pass the samples were drawn in is the replayed gradient, bit for bit', () => {
  for (const entropyWeight of [0, 0.1]) {
    const { samples: drawn, pass } = sampleBatch(spec, params, depth, 3, 21);
    const advantages = [0.4, -0.3, 0.05];
    const replayed = reinforceGradient(spec, params, depth, drawn.map((s, k) => ({ tokens: s.tokens, advantage: advantages[k]! })), entropyWeight);
    assert.deepEqual(reinforceGradientOfPass(spec, pass, advantages, entropyWeight), replayed);
  }
});
