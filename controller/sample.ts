// Drawing m architectures from the controller with a seeded generator: the same parameters, depth
// and seed give the same tokens. Not the gradient (reinforce/estimator.ts replays these tokens).
import type { Tf } from '../backend/tf';
import { mulberry32 } from '../random/prng';
import { controllerPass, tokensPerSample, type ControllerSpec } from './controller';

export interface SampledTokens {
  readonly tokens: number[];
  /** log P(a_1..a_T) under the parameters sampled from. */
  readonly logProb: number;
  readonly entropy: number;
}

function categorical(probs: readonly number[], u: number): number {
  let cumulative = 0;
  for (let i = 0; i < probs.length; i++) {
    cumulative += probs[i]!;
    if (u < cumulative) return i;
  }
  return probs.length - 1; // u landed in the rounding gap above the last cumulative sum
}

export function sampleTokens(tf: Tf, spec: ControllerSpec, params: Float32Array, numLayers: number, m: number, seed: number): SampledTokens[] {
  const random = mulberry32(seed);
  const drawn: number[][][] = []; // [step][sample] -> tokens of that step
  const { logProb, entropy } = tf.tidy(() => {
    const pass = controllerPass(tf, spec, tf.tensor1d(params), numLayers, m, (step, _index, probs) => {
      const rows = probs.arraySync() as number[][];
      if (step.kind === 'choice') {
        const chosen = rows.map((row) => [categorical(row, random())]);
        drawn.push(chosen);
        return tf.tensor1d(chosen.map((c) => c[0]!), 'int32');
      }
      const bits = rows.map((row) => row.map((p) => (random() < p ? 1 : 0)));
      drawn.push(bits);
      return tf.tensor2d(bits, [m, step.layer], 'int32');
    });
    return { logProb: pass.logProb.arraySync() as number[], entropy: pass.entropy.arraySync() as number[] };
  });
  return tokensPerSample(drawn, m).map((tokens, k) => ({ tokens, logProb: logProb[k]!, entropy: entropy[k]! }));
}

/**
 * The controller's most likely architecture, decided greedily step by step: the likeliest choice,
 * and each anchor bit on when its probability exceeds one half. What a weight-sharing search
 * retrains besides its best-rewarded children (ENAS derives its final architecture this way).
 */
export function mostLikelyTokens(tf: Tf, spec: ControllerSpec, params: Float32Array, numLayers: number): SampledTokens {
  const drawn: number[][][] = [];
  const { logProb, entropy } = tf.tidy(() => {
    const pass = controllerPass(tf, spec, tf.tensor1d(params), numLayers, 1, (step, _index, probs) => {
      const row = (probs.arraySync() as number[][])[0]!;
      if (step.kind === 'choice') {
        const best = row.indexOf(Math.max(...row));
        drawn.push([[best]]);
        return tf.tensor1d([best], 'int32');
      }
      const bits = row.map((p) => (p > 0.5 ? 1 : 0));
      drawn.push([bits]);
      return tf.tensor2d([bits], [1, step.layer], 'int32');
    });
    return { logProb: pass.logProb.arraySync() as number[], entropy: pass.entropy.arraySync() as number[] };
  });
  return { tokens: tokensPerSample(drawn, 1)[0]!, logProb: logProb[0]!, entropy: entropy[0]! };
}
