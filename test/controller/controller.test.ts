// The controller: the anchor attention by hand (section 3.3), seeded sampling, replay giving the
// same log-probabilities, and valid architectures at every depth. Equality with the former tfjs
// controller and finite differences: reference.test.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { controllerSpec } from '../../controller/controller';
import { parseSearchConfig } from '../../config/parse';
import { anchorLogit } from '../../controller/controller';
import { controllerLayout, initialParameters } from '../../controller/parameters';
import { sampleTokens } from '../../controller/sample';
import { reinforceGradient } from '../../reinforce/estimator';
import { decodeArchitecture } from '../../space/search-space';

const config = parseSearchConfig({ space: { kind: 'cnn', strides: [1, 2, 3] } });
const spec = controllerSpec(config);
const params = initialParameters(spec.layout, 0.08, 7);

test('anchor probabilities: sigmoid(vᵀ tanh(W_prev·h_j + W_curr·h_i)), worked by hand', () => {
  const prev = [[0.5, -0.5], [-0.5, 0.3]]; // j=0,1: W_prev·h_j [H=2]
  const current = [0.1, 0.2]; // W_curr·h_i [H]
  const v = [1, 2]; // [H]
  const probs = [prev.map((p) => 1 / (1 + Math.exp(-anchorLogit(p, current, v))))];
  // j=0: tanh(0.6) + 2·tanh(-0.3) = -0.0455757 → 0.4886081; j=1: tanh(-0.4) + 2·tanh(0.5) = 0.5442854 → 0.6328087
  assert.ok(Math.abs(probs[0]![0]! - 0.4886081) < 1e-6, String(probs[0]![0]));
  assert.ok(Math.abs(probs[0]![1]! - 0.6328087) < 1e-6, String(probs[0]![1]));
});

test('parameters: 2-layer LSTM of 35 units, stable names, uniform in [-0.08, 0.08]', () => {
  const names = spec.layout.slots.map((s) => s.name);
  assert.deepEqual(names.slice(0, 5), ['lstm0/kernel', 'lstm0/bias', 'lstm1/kernel', 'lstm1/bias', 'go']);
  assert.ok(names.includes('anchor/v') && names.includes('head/stride/kernel') && names.includes('embed/filters'));
  assert.deepEqual(spec.layout.slots[0]!.shape, [70, 140]);
  assert.ok(params.every((x) => Math.abs(x) <= 0.08) && params.some((x) => x !== 0));
  assert.deepEqual(controllerLayout(config.space, config.controller), spec.layout, 'layout is a function of the config');
});

test('sampling is seeded, decodes at every depth, and replay reproduces its log-probabilities', () => {
  for (const depth of [1, 2, 6, 10]) {
    const a = sampleTokens(spec, params, depth, 5, 123);
    const b = sampleTokens(spec, params, depth, 5, 123);
    const c = sampleTokens(spec, params, depth, 5, 124);
    assert.deepEqual(a, b);
    assert.notDeepEqual(a.map((s) => s.tokens), c.map((s) => s.tokens));
    for (const s of a) {
      const arch = decodeArchitecture(config.space, depth, s.tokens);
      assert.ok(arch.kind === 'cnn' && arch.layers.length === depth);
      assert.ok(s.logProb < 0 && s.entropy > 0);
    }
    const replay = reinforceGradient(spec, params, depth, a.map((s) => ({ tokens: s.tokens, advantage: 1 })), 0);
    replay.logProbs.forEach((lp, k) => assert.ok(Math.abs(lp - a[k]!.logProb) < 1e-4, `${lp} vs ${a[k]!.logProb}`));
  }
});

test('near-uniform initial policy: log-probability of a sample is close to that of uniform choices', () => {
  const depth = 4;
  const [s] = sampleTokens(spec, params, depth, 1, 5);
  // 4 choices × 3 (heights, widths, filters) and 3 strides per layer, plus 0+1+2+3 anchor bits at p≈1/2.
  const uniform = depth * (3 * Math.log(1 / 4) + Math.log(1 / 3)) + 6 * Math.log(1 / 2);
  assert.ok(Math.abs(s!.logProb - uniform) < 1.5, `${s!.logProb} vs ${uniform}`);
});
