// The plain-arithmetic controller against the per-op tfjs one it replaced (test/support/tf-controller.ts)
// and against central finite differences, for every kind of space: the same tokens for the same seeds,
// log P, entropy, loss and REINFORCE gradient within 1e-6 at the initial parameters' scale (±0.08). Far
// from it (±0.6) the float32 reference itself is off by up to a few 1e-6; there float64 finite
// differences side with the plain controller wherever the two differ by more than 1e-6.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadTf } from '../../backend/tf';
import { parseSearchConfig } from '../../config/parse';
import type { SearchConfigInput } from '../../config/search-config';
import { controllerSpec, type ControllerSpec } from '../../controller/controller';
import { initialParameters } from '../../controller/parameters';
import { mostLikelyTokens, sampleTokens } from '../../controller/sample';
import { reinforceGradient, type ScoredSample } from '../../reinforce/estimator';
import { tfMostLikelyTokens, tfReinforceGradient, tfSampleTokens } from '../support/tf-controller';

const tf = loadTf('cpu');
const TOLERANCE = 1e-6;

interface Case {
  readonly name: string;
  readonly spec: ControllerSpec;
  readonly numLayers: number;
  readonly m: number;
}

function caseOf(name: string, input: SearchConfigInput, numLayers: number, m: number): Case {
  return { name, spec: controllerSpec(parseSearchConfig(input)), numLayers, m };
}

const CASES: Case[] = [
  caseOf('cnn, paper space (skips), 6 layers', {}, 6, 8),
  caseOf('cnn, skips, strides, temperature 1.7', { space: { kind: 'cnn', strides: [1, 2, 3] }, controller: { temperature: 1.7 } }, 4, 5),
  caseOf('cnn, no skips', { space: { kind: 'cnn', skips: false } }, 3, 4),
  caseOf('cnn, pooling layer types', { space: { kind: 'cnn', layerTypes: ['conv', 'maxPool', 'avgPool'] } }, 5, 3),
  caseOf('rnnCell, base 8', { space: { kind: 'rnnCell', base: 8 } }, 0, 4),
  caseOf('rnnCell, base 2, one LSTM layer, 12 units', { space: { kind: 'rnnCell', base: 2 }, controller: { lstmLayers: 1, hiddenUnits: 12 } }, 0, 3),
  caseOf('nb201', { space: { kind: 'nb201' }, data: { source: 'nb201Table', path: 'unused' } }, 6, 4),
];

/** ±0.6 puts probabilities far from uniform, so that every term matters. */
const randomParams = (spec: ControllerSpec, seed: number, range = 0.6) => initialParameters(spec.layout, range, seed);
const scored = (tokens: number[][]): ScoredSample[] => tokens.map((t, k) => ({ tokens: t, advantage: [0.7, -0.4, 0.25, -1.1][k % 4]! }));
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((max, x, i) => Math.max(max, Math.abs(x - b[i]!)), 0);

/** Central difference of the loss along coordinate i, in float64 (error ~1e-10 at this step). */
function finiteDifference(c: Case, params: Float64Array, samples: ScoredSample[], entropyWeight: number, i: number, eps = 1e-5): number {
  const lossAt = (delta: number) => {
    const p = Float64Array.from(params);
    p[i]! += delta;
    return reinforceGradient(c.spec, p, c.numLayers, samples, entropyWeight).loss;
  };
  return (lossAt(eps) - lossAt(-eps)) / (2 * eps);
}

for (const c of CASES) {
  test(`${c.name}: same tokens, log P, entropy and gradient as the tfjs controller`, () => {
    for (const [seed, range] of [[1, 0.08], [2, 0.08], [1, 0.6], [2, 0.6], [3, 0.6]] as const) {
      const params = randomParams(c.spec, seed, range);
      const mine = sampleTokens(c.spec, params, c.numLayers, c.m, 100 + seed);
      const theirs = tfSampleTokens(tf, c.spec, params, c.numLayers, c.m, 100 + seed);
      assert.deepEqual(mine.map((s) => s.tokens), theirs.map((s) => s.tokens), `seed ${seed}: tokens`);
      // The reference sums in float32: a log P of −30 carries a rounding of about 2e-6 there.
      mine.forEach((s, k) => {
        assert.ok(Math.abs(s.logProb - theirs[k]!.logProb) < TOLERANCE * Math.max(1, Math.abs(s.logProb)), `logProb ${s.logProb} vs ${theirs[k]!.logProb}`);
        assert.ok(Math.abs(s.entropy - theirs[k]!.entropy) < TOLERANCE * Math.max(1, Math.abs(s.entropy)), `entropy ${s.entropy} vs ${theirs[k]!.entropy}`);
      });
      const likely = mostLikelyTokens(c.spec, params, c.numLayers);
      assert.deepEqual(likely.tokens, tfMostLikelyTokens(tf, c.spec, params, c.numLayers).tokens, 'most likely tokens');
      for (const entropyWeight of [0, 0.05]) {
        const samples = scored(mine.map((s) => s.tokens));
        const a = reinforceGradient(c.spec, params, c.numLayers, samples, entropyWeight);
        const b = tfReinforceGradient(tf, c.spec, params, c.numLayers, samples, entropyWeight);
        const diff = maxDiff(a.gradient, b.gradient);
        assert.ok(diff < (range < 0.1 ? TOLERANCE : 10 * TOLERANCE), `seed ${seed}, ±${range}, β ${entropyWeight}: max |gradient difference| ${diff}`);
        a.gradient.forEach((g, i) => {
          if (Math.abs(g - b.gradient[i]!) > TOLERANCE) {
            const numeric = finiteDifference(c, Float64Array.from(params), samples, entropyWeight, i);
            assert.ok(Math.abs(numeric - g) < 0.1 * Math.abs(numeric - b.gradient[i]!), `coordinate ${i}: plain ${g}, tfjs ${b.gradient[i]}, finite difference ${numeric}`);
          }
        });
        assert.ok(a.gradient.some((g) => g !== 0));
        assert.ok(Math.abs(a.loss - b.loss) < TOLERANCE * Math.max(1, Math.abs(a.loss)), `loss ${a.loss} vs ${b.loss}`);
      }
    }
  });

  test(`${c.name}: the gradient matches central finite differences in float64`, () => {
    const params = Float64Array.from(randomParams(c.spec, 9));
    const samples = scored(sampleTokens(c.spec, Float32Array.from(params), c.numLayers, c.m, 77).map((s) => s.tokens));
    const { gradient } = reinforceGradient(c.spec, params, c.numLayers, samples, 0.05);
    // In every slot: its largest coordinate and one more, so each kind of parameter is exercised.
    for (const slot of c.spec.layout.slots) {
      const inSlot = Array.from({ length: slot.size }, (_, i) => slot.offset + i);
      const largest = inSlot.reduce((best, i) => (Math.abs(gradient[i]!) > Math.abs(gradient[best]!) ? i : best));
      for (const i of [largest, inSlot[Math.floor(slot.size / 3)]!]) {
        const numeric = finiteDifference(c, params, samples, 0.05, i);
        // The gradient is returned in float32: its own rounding is ~6e-8 relative.
        assert.ok(Math.abs(numeric - gradient[i]!) < 1e-7 * Math.abs(numeric) + 1e-8, `${slot.name}[${i - slot.offset}]: ${numeric} vs ${gradient[i]}`);
      }
    }
  });
}
