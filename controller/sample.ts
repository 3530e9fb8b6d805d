// Drawing m architectures from the controller with a seeded generator: the same parameters, depth
// and seed give the same tokens. Not the gradient (reinforce/estimator.ts replays these tokens).
import { mulberry32 } from '../random/prng';
import { controllerPass, tokensPerSample, type ControllerPass, type ControllerSpec } from './controller';

export interface SampledTokens {
  readonly tokens: number[];
  /** log P(a_1..a_T) under the parameters sampled from. */
  readonly logProb: number;
  readonly entropy: number;
}

/** Row `row` of probs [m, n]: the index where u falls in the cumulative sums. */
function categorical(probs: Float64Array, row: number, n: number, u: number): number {
  let cumulative = 0;
  for (let i = 0; i < n; i++) {
    cumulative += probs[row * n + i]!;
    if (u < cumulative) return i;
  }
  return n - 1; // u landed in the rounding gap above the last cumulative sum
}

function results(pass: ControllerPass): SampledTokens[] {
  return tokensPerSample(pass).map((tokens, k) => ({ tokens, logProb: pass.logProb[k]!, entropy: pass.entropy[k]! }));
}

/** One random() per sample for each choice, then one per bit of each anchor, sample by sample: the stream the architectures are replayed from. */
export function sampleTokens(spec: ControllerSpec, params: Float32Array, numLayers: number, m: number, seed: number): SampledTokens[] {
  return sampleBatch(spec, params, numLayers, m, seed).samples;
}

/**
 * `sampleTokens` with the pass it drew them in: a caller that takes the REINFORCE gradient at the
 * same parameters (the in-process strategy) hands it to reinforceGradientOfPass instead of replaying.
 */
export function sampleBatch(spec: ControllerSpec, params: Float32Array, numLayers: number, m: number, seed: number): { samples: SampledTokens[]; pass: ControllerPass } {
  const random = mulberry32(seed);
  const pass = controllerPass(spec, params, numLayers, m, (step, _index, probs) => {
    if (step.kind === 'choice') {
      const n = step.choices.length;
      return Int32Array.from({ length: m }, (_, r) => categorical(probs, r, n, random()));
    }
    return Int32Array.from(probs, (p) => (random() < p ? 1 : 0));
  });
  return { samples: results(pass), pass };
}

/**
 * The controller's most likely architecture, decided greedily step by step: the likeliest choice
 * (the first on a tie), and each anchor bit on when its probability exceeds one half. What a
 * weight-sharing search retrains besides its best-rewarded children (ENAS derives its final architecture this way).
 */
export function mostLikelyTokens(spec: ControllerSpec, params: Float32Array, numLayers: number): SampledTokens {
  return results(controllerPass(spec, params, numLayers, 1, (step, _index, probs) => {
    if (step.kind === 'choice') return Int32Array.of(probs.indexOf(Math.max(...probs)));
    return Int32Array.from(probs, (p) => (p > 0.5 ? 1 : 0));
  }))[0]!;
}
