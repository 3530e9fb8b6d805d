// The controller as it was written before issue 11: per-op tfjs (controllerPass, sampling, the
// REINFORCE gradient by tf.valueAndGrad), kept only as the reference the plain-arithmetic controller
// is checked and timed against (test/controller/reference.test.ts, bench/controller/speed.ts).
// Not used by any production code.
import type * as tfApi from '@tensorflow/tfjs';
import type { Tf } from '../../backend/tf';
import type { ControllerSpec } from '../../controller/controller';
import type { ParameterLayout } from '../../controller/parameters';
import type { SampledTokens } from '../../controller/sample';
import { InvalidGradientError } from '../../errors';
import { mulberry32 } from '../../random/prng';
import type { ReinforceGradient, ScoredSample } from '../../reinforce/estimator';
import { controllerSteps } from '../../space/search-space';
import type { Step } from '../../space/step';
import { stepWidth } from '../../space/step';

type Tensor = tfApi.Tensor;
type Tensor2D = tfApi.Tensor2D;

/** Picks the tokens of one step for the whole batch: [m] for a choice, [m, layer] bits for an anchor. */
type Chooser = (step: Step, index: number, probs: Tensor) => Tensor;

export interface PassResult {
  logProb: Tensor; // [m], summed over steps: log P(a_1..a_T)
  entropy: Tensor; // [m], summed over steps
  tokens: Tensor[]; // per step: [m] or [m, layer]
}

function unpack(tf: Tf, layout: ParameterLayout, flat: Tensor): Map<string, Tensor> {
  return new Map(layout.slots.map((s) => [s.name, tf.reshape(tf.slice(flat, s.offset, s.size), [...s.shape])]));
}

/**
 * Section 3.3: P(layer j feeds layer i) = sigmoid(vᵀ tanh(W_prev·h_j + W_curr·h_i)); this returns
 * the logits vᵀ tanh(...) for every earlier layer j, given W_prev·h_j [m, j, H] and W_curr·h_i [m, H].
 */
export function tfAnchorLogits(tf: Tf, prevProjected: Tensor, currentProjected: Tensor, v: Tensor): Tensor {
  const [m, layers, hidden] = prevProjected.shape as [number, number, number];
  const scores = tf.tanh(tf.add(prevProjected, tf.expandDims(currentProjected, 1))); // [m, j, H]
  return tf.reshape(tf.matMul(tf.reshape(scores, [m * layers, hidden]), v as Tensor2D), [m, layers]); // [m, j]
}

/** Runs the controller over the steps of a `numLayers`-layer network for a batch of m samples. */
export function tfControllerPass(tf: Tf, spec: ControllerSpec, flat: Tensor, numLayers: number, m: number, choose: Chooser): PassResult {
  const w = unpack(tf, spec.layout, flat);
  const get = (name: string) => w.get(name)!;
  const { hiddenUnits: hidden, lstmLayers, temperature } = spec.controller;
  let state = Array.from({ length: lstmLayers }, () => ({ h: tf.zeros([m, hidden]) as Tensor2D, c: tf.zeros([m, hidden]) as Tensor2D }));
  const lstm = (x: Tensor2D): Tensor2D => {
    let input = x;
    state = state.map((s, l) => {
      const z = tf.add(tf.matMul(tf.concat([input, s.h], 1), get(`lstm${l}/kernel`) as Tensor2D), get(`lstm${l}/bias`)); // [m, 4H]
      const [i, f, g, o] = tf.split(z, 4, 1) as Tensor2D[];
      const c = tf.add(tf.mul(tf.sigmoid(f!), s.c), tf.mul(tf.sigmoid(i!), tf.tanh(g!))) as Tensor2D;
      const h = tf.mul(tf.sigmoid(o!), tf.tanh(c)) as Tensor2D;
      input = h;
      return { h, c };
    });
    return input; // [m, H]
  };

  let input = tf.tile(get('go'), [m, 1]) as Tensor2D; // [m, H]
  let logProb: Tensor = tf.zeros([m]);
  let entropy: Tensor = tf.zeros([m]);
  const tokens: Tensor[] = [];
  const anchorStates: Tensor2D[] = []; // h_j of each layer's anchor step, [m, H]
  const anchorPrev: Tensor2D[] = []; // W_prev · h_j, [m, H]
  const steps = controllerSteps(spec.space, numLayers);
  steps.forEach((step, index) => {
    const out = lstm(input);
    if (step.kind === 'choice') {
      const logits = tf.div(tf.add(tf.matMul(out, get(`head/${step.decision}/kernel`) as Tensor2D), get(`head/${step.decision}/bias`)), temperature);
      const logp = tf.logSoftmax(logits); // [m, n]
      const token = choose(step, index, tf.exp(logp));
      tokens.push(token);
      logProb = tf.add(logProb, tf.sum(tf.mul(logp, tf.oneHot(token, step.choices.length)), 1));
      entropy = tf.sub(entropy, tf.sum(tf.mul(tf.exp(logp), logp), 1));
      input = tf.gather(get(`embed/${step.decision}`), token) as Tensor2D; // [m, H]
      return;
    }
    const layer = step.layer;
    anchorStates.push(out);
    anchorPrev.push(tf.matMul(out, get('anchor/wPrev') as Tensor2D));
    if (layer === 0) {
      input = tf.zerosLike(out); // layer 0 has nothing to attend to; its state is kept for later layers
      return;
    }
    const current = tf.matMul(out, get('anchor/wCurr') as Tensor2D); // [m, H]
    const prev = tf.stack(anchorPrev.slice(0, layer), 1); // [m, layer, H]
    const logits = tf.div(tfAnchorLogits(tf, prev, current, get('anchor/v')), temperature); // [m, layer]
    const bits = tf.cast(choose(step, index, tf.sigmoid(logits)), 'float32'); // [m, layer]
    tokens.push(bits);
    // log σ(x) = −softplus(−x); tf.logSigmoid's gradient disposes its input on tfjs-node 4.22.
    const logOn = tf.neg(tf.softplus(tf.neg(logits)));
    const logOff = tf.neg(tf.softplus(logits));
    logProb = tf.add(logProb, tf.sum(tf.add(tf.mul(bits, logOn), tf.mul(tf.sub(1, bits), logOff)), 1));
    const p = tf.sigmoid(logits);
    entropy = tf.sub(entropy, tf.sum(tf.add(tf.mul(p, logOn), tf.mul(tf.sub(1, p), logOff)), 1));
    // The next input is the mean of the chosen layers' anchor states (as in ENAS); zero when none.
    const chosen = tf.sum(tf.mul(tf.expandDims(bits, 2), tf.stack(anchorStates.slice(0, layer), 1)), 1); // [m, H]
    input = tf.div(chosen, tf.add(1, tf.sum(bits, 1, true))) as Tensor2D;
  });
  return { logProb, entropy, tokens };
}

/** Flattens per-step token tensors into one token list per sample, in step order. */
function tokensPerSample(stepTokens: readonly number[][][], m: number): number[][] {
  return Array.from({ length: m }, (_, k) => stepTokens.flatMap((step) => step[k]!));
}

function categorical(probs: readonly number[], u: number): number {
  let cumulative = 0;
  for (let i = 0; i < probs.length; i++) {
    cumulative += probs[i]!;
    if (u < cumulative) return i;
  }
  return probs.length - 1; // u landed in the rounding gap above the last cumulative sum
}

export function tfSampleTokens(tf: Tf, spec: ControllerSpec, params: Float32Array, numLayers: number, m: number, seed: number): SampledTokens[] {
  const random = mulberry32(seed);
  const drawn: number[][][] = []; // [step][sample] -> tokens of that step
  const { logProb, entropy } = tf.tidy(() => {
    const pass = tfControllerPass(tf, spec, tf.tensor1d(params), numLayers, m, (step, _index, probs) => {
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
export function tfMostLikelyTokens(tf: Tf, spec: ControllerSpec, params: Float32Array, numLayers: number): SampledTokens {
  const drawn: number[][][] = [];
  const { logProb, entropy } = tf.tidy(() => {
    const pass = tfControllerPass(tf, spec, tf.tensor1d(params), numLayers, 1, (step, _index, probs) => {
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
/** Splits each sample's tokens into per-step tensors: [m] for a choice, [m, layer] for an anchor (layer 0's is empty and unused). */
function stepTensors(tf: Tf, spec: ControllerSpec, numLayers: number, samples: readonly ScoredSample[]): tfApi.Tensor[] {
  let cursor = 0;
  return controllerSteps(spec.space, numLayers).map((step) => {
    const width = stepWidth(step);
    const rows = samples.map((s) => s.tokens.slice(cursor, cursor + width));
    cursor += width;
    return step.kind === 'anchor' ? tf.tensor2d(rows, [samples.length, width], 'int32') : tf.tensor1d(rows.map((r) => r[0]!), 'int32');
  });
}

export function tfReinforceGradient(
  tf: Tf, spec: ControllerSpec, params: Float32Array, numLayers: number,
  samples: readonly ScoredSample[], entropyWeight: number,
): ReinforceGradient {
  const m = samples.length;
  // A choice step, or an anchor with an earlier layer to attend to, is a decision; without one
  // log P is a constant and tfjs cannot differentiate it (the config schema refuses such spaces).
  if (!controllerSteps(spec.space, numLayers).some((step) => step.kind === 'choice' || step.layer > 0)) {
    throw new InvalidGradientError(`a ${numLayers}-layer ${spec.space.kind} network has nothing for the controller to decide: no REINFORCE gradient`);
  }
  try {
    return gradientOf(tf, spec, params, numLayers, samples, entropyWeight);
  } catch (err) {
    // Any other case of the same kind: tfjs finds no path from the parameters to the objective.
    if (err instanceof Error && /Cannot compute gradient/.test(err.message)) throw new InvalidGradientError(`no REINFORCE gradient: ${err.message}`);
    throw err;
  }
}

function gradientOf(
  tf: Tf, spec: ControllerSpec, params: Float32Array, numLayers: number,
  samples: readonly ScoredSample[], entropyWeight: number,
): ReinforceGradient {
  const m = samples.length;
  return tf.tidy(() => {
    const steps = stepTensors(tf, spec, numLayers, samples);
    const advantage = tf.tensor1d(samples.map((s) => s.advantage)); // [m]
    let logProbs: tfApi.Tensor | undefined;
    const objective = (flat: tfApi.Tensor) => {
      const pass = tfControllerPass(tf, spec, flat, numLayers, m, (_step, index) => steps[index]!);
      logProbs = tf.keep(pass.logProb);
      // −J = −(1/m) Σ_k (R_k − b) log P_k − β (1/m) Σ_k H_k
      return tf.neg(tf.add(tf.mean(tf.mul(advantage, pass.logProb)), tf.mul(entropyWeight, tf.mean(pass.entropy)))) as tfApi.Scalar;
    };
    const { value, grad } = tf.valueAndGrad(objective)(tf.tensor1d(params));
    const result = { gradient: grad.dataSync() as Float32Array, loss: value.dataSync()[0]!, logProbs: Array.from(logProbs!.dataSync()) };
    logProbs!.dispose();
    return result;
  });
}
