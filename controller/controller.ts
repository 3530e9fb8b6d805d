// The controller of Zoph & Le 2017: a 2-layer LSTM that emits an architecture one decision at a
// time, with an anchor point per layer for CNNs (section 3.3). One pass serves both sampling (tokens drawn from a
// seeded generator) and replay (given tokens, differentiable log-probabilities for REINFORCE).
// Not the optimiser, nor the store: parameters come in as one flat vector.
import type * as tfApi from '@tensorflow/tfjs';
import type { Tf } from '../backend/tf';
import type { ControllerConfig, SearchConfig, SpaceConfig } from '../config/search-config';
import { controllerSteps } from '../space/search-space';
import type { Step } from '../space/step';
import { controllerLayout, type ParameterLayout } from './parameters';

type Tensor = tfApi.Tensor;
type Tensor2D = tfApi.Tensor2D;

export interface ControllerSpec {
  readonly space: SpaceConfig;
  readonly controller: ControllerConfig;
  readonly layout: ParameterLayout;
}

export function controllerSpec(config: SearchConfig): ControllerSpec {
  return { space: config.space, controller: config.controller, layout: controllerLayout(config.space, config.controller) };
}

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
export function anchorLogits(tf: Tf, prevProjected: Tensor, currentProjected: Tensor, v: Tensor): Tensor {
  const [m, layers, hidden] = prevProjected.shape as [number, number, number];
  const scores = tf.tanh(tf.add(prevProjected, tf.expandDims(currentProjected, 1))); // [m, j, H]
  return tf.reshape(tf.matMul(tf.reshape(scores, [m * layers, hidden]), v as Tensor2D), [m, layers]); // [m, j]
}

/** Runs the controller over the steps of a `numLayers`-layer network for a batch of m samples. */
export function controllerPass(tf: Tf, spec: ControllerSpec, flat: Tensor, numLayers: number, m: number, choose: Chooser): PassResult {
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
    const logits = tf.div(anchorLogits(tf, prev, current, get('anchor/v')), temperature); // [m, layer]
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
export function tokensPerSample(stepTokens: readonly number[][][], m: number): number[][] {
  return Array.from({ length: m }, (_, k) => stepTokens.flatMap((step) => step[k]!));
}
