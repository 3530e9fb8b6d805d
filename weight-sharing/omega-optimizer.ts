// The optimizer of ω, its slots kept by variable name: SGD with Nesterov momentum (ENAS) or Adam,
// with weight decay and global-norm clipping. Not tfjs' optimizers: they key their slots by the
// position of a gradient in the step's list, and every step of a weight-sharing search updates a
// different subset of ω, so positions mean nothing. Variables without a gradient in a step are left
// alone, their slots included (ENAS does the same); Adam counts steps per variable for its bias correction.
import type { NamedTensorMap, Variable } from '@tensorflow/tfjs';
import type { Tf } from '../backend/tf';

export interface OmegaOptimizerConfig {
  optimizer?: 'sgd' | 'adam';
  learningRate: number;
  /** SGD: Nesterov momentum. */
  momentum: number;
  /** L2 penalty coefficient, added to each gradient as weightDecay · w. */
  weightDecay: number;
  /** Global-norm clip of each step's gradients; 0 disables. */
  gradientClip: number;
}

export interface OmegaOptimizer {
  config: OmegaOptimizerConfig;
  /** Slots by name: `<variable>/momentum` (SGD), `<variable>/m` and `<variable>/v` (Adam). */
  slots: Map<string, Variable>;
  /** Adam: steps each variable has taken (its bias correction). */
  steps: Map<string, number>;
}

const BETA1 = 0.9;
const BETA2 = 0.999;
const EPSILON = 1e-8;

export function createOmegaOptimizer(config: OmegaOptimizerConfig): OmegaOptimizer {
  return { config, slots: new Map(), steps: new Map() };
}

/** One step, for the variables in `grads` only. */
export function applyOmegaGradients(tf: Tf, optimizer: OmegaOptimizer, variables: ReadonlyMap<string, Variable>, grads: NamedTensorMap): void {
  const { learningRate, momentum, weightDecay, gradientClip } = optimizer.config;
  tf.tidy(() => {
    const names = Object.keys(grads).sort();
    const decayed = names.map((name) => {
      const g = grads[name]!;
      return weightDecay > 0 ? tf.add(g, tf.mul(variables.get(name)!, weightDecay)) : g;
    });
    let scale = 1;
    if (gradientClip > 0) {
      const norm = Math.sqrt(tf.addN(decayed.map((g) => tf.sum(tf.square(g)))).dataSync()[0]!);
      if (norm > gradientClip) scale = gradientClip / norm;
    }
    const slot = (name: string, w: Variable) => {
      let v = optimizer.slots.get(name);
      if (!v) {
        v = tf.variable(tf.zerosLike(w), false, name);
        optimizer.slots.set(name, v);
      }
      return v;
    };
    names.forEach((name, k) => {
      const w = variables.get(name);
      if (!w) throw new Error(`gradient for ${name}, which is not a variable of ω`);
      const g = scale === 1 ? decayed[k]! : tf.mul(decayed[k]!, scale);
      if (optimizer.config.optimizer === 'adam') {
        const t = (optimizer.steps.get(name) ?? 0) + 1;
        optimizer.steps.set(name, t);
        const m = slot(`${name}/m`, w);
        const v = slot(`${name}/v`, w);
        m.assign(tf.add(tf.mul(m, BETA1), tf.mul(g, 1 - BETA1)));
        v.assign(tf.add(tf.mul(v, BETA2), tf.mul(tf.square(g), 1 - BETA2)));
        const rate = learningRate * Math.sqrt(1 - BETA2 ** t) / (1 - BETA1 ** t);
        w.assign(tf.sub(w, tf.mul(tf.div(m, tf.add(tf.sqrt(v), EPSILON)), rate)));
        return;
      }
      const v = slot(`${name}/momentum`, w);
      const nextV = tf.add(tf.mul(v, momentum), g);
      v.assign(nextV);
      w.assign(tf.sub(w, tf.mul(tf.add(g, tf.mul(nextV, momentum)), learningRate)));
    });
  });
}

export function disposeOmegaOptimizer(optimizer: OmegaOptimizer): void {
  for (const v of optimizer.slots.values()) v.dispose();
  optimizer.slots.clear();
  optimizer.steps.clear();
}
