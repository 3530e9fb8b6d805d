// SGD with Nesterov momentum and weight decay for ω, its slots kept by variable name. Not tfjs'
// MomentumOptimizer: that one keys its slots by the position of a gradient in the step's list, and
// every step of a weight-sharing search updates a different subset of ω, so positions mean nothing.
// Variables without a gradient in a step are left alone, their momentum included (ENAS does the same).
import type { NamedTensorMap, Variable } from '@tensorflow/tfjs';
import type { Tf } from '../backend/tf';

export interface OmegaOptimizerConfig {
  learningRate: number;
  momentum: number;
  /** L2 penalty coefficient, added to each gradient as weightDecay · w. */
  weightDecay: number;
  /** Global-norm clip of each step's gradients; 0 disables. */
  gradientClip: number;
}

export interface OmegaOptimizer {
  config: OmegaOptimizerConfig;
  /** Momentum buffers by variable name; absent until the variable's first gradient. */
  slots: Map<string, Variable>;
}

export function createOmegaOptimizer(config: OmegaOptimizerConfig): OmegaOptimizer {
  return { config, slots: new Map() };
}

/** One step: v ← μv + g; w ← w − lr (g + μv) (Nesterov), for the variables in `grads` only. */
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
      const norm = Math.sqrt(decayed.reduce((sum, g) => sum + tf.sum(tf.square(g)).dataSync()[0]!, 0));
      if (norm > gradientClip) scale = gradientClip / norm;
    }
    names.forEach((name, k) => {
      const w = variables.get(name);
      if (!w) throw new Error(`gradient for ${name}, which is not a variable of ω`);
      const g = scale === 1 ? decayed[k]! : tf.mul(decayed[k]!, scale);
      let v = optimizer.slots.get(name);
      if (!v) {
        v = tf.variable(tf.zerosLike(w), false, `${name}/momentum`);
        optimizer.slots.set(name, v);
      }
      const nextV = tf.add(tf.mul(v, momentum), g);
      v.assign(nextV);
      w.assign(tf.sub(w, tf.mul(tf.add(g, tf.mul(nextV, momentum)), learningRate)));
    });
  });
}

export function disposeOmegaOptimizer(optimizer: OmegaOptimizer): void {
  for (const v of optimizer.slots.values()) v.dispose();
  optimizer.slots.clear();
}
