// The REINFORCE estimator of section 3.2: the gradient of
//   J ≈ (1/m) Σ_k Σ_t log P(a_t | a_(t-1):1; θ) (R_k − b)  (+ β · mean entropy, optional)
// with respect to the flat controller parameters, by replaying the sampled tokens.
import type * as tfApi from '@tensorflow/tfjs';
import type { Tf } from '../backend/tf';
import { controllerSteps } from '../space/search-space';
import { stepWidth } from '../space/step';
import { controllerPass, type ControllerSpec } from '../controller/controller';
import { InvalidGradientError } from '../errors';

export interface ScoredSample {
  readonly tokens: readonly number[];
  readonly advantage: number;
}

export interface ReinforceGradient {
  /** Gradient of the loss −J: a descent step on it ascends the expected reward. */
  readonly gradient: Float32Array;
  readonly loss: number;
  /** log P of each sample's tokens under the given parameters. */
  readonly logProbs: number[];
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

export function reinforceGradient(
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
      const pass = controllerPass(tf, spec, flat, numLayers, m, (_step, index) => steps[index]!);
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
