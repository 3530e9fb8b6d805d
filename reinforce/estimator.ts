// The REINFORCE estimator of section 3.2: the gradient of
//   J ≈ (1/m) Σ_k Σ_t log P(a_t | a_(t-1):1; θ) (R_k − b)  (+ β · mean entropy, optional)
// with respect to the flat controller parameters, by replaying the sampled tokens through the
// controller and backpropagating (controller/backward.ts). Not the optimiser (adam.ts).
import { controllerPass, type ControllerPass, type ControllerSpec } from '../controller/controller';
import { controllerBackward } from '../controller/backward';
import { controllerSteps } from '../space/search-space';
import { stepWidth } from '../space/step';
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

/** `params` is the stored Float32Array; a Float64Array is taken as is (finite-difference checks need its precision). */
export function reinforceGradient(
  spec: ControllerSpec, params: Float32Array | Float64Array, numLayers: number,
  samples: readonly ScoredSample[], entropyWeight: number,
): ReinforceGradient {
  const m = samples.length;
  const steps = controllerSteps(spec.space, numLayers);
  // A choice step, or an anchor with an earlier layer to attend to, is a decision; without one
  // log P is a constant with no gradient (the config schema refuses such spaces).
  if (!steps.some((step) => step.kind === 'choice' || step.layer > 0)) {
    throw new InvalidGradientError(`a ${numLayers}-layer ${spec.space.kind} network has nothing for the controller to decide: no REINFORCE gradient`);
  }
  const width = steps.reduce((sum, step) => sum + stepWidth(step), 0);
  const starts = steps.map((_, t) => steps.slice(0, t).reduce((sum, step) => sum + stepWidth(step), 0));
  samples.forEach((s, k) => {
    if (s.tokens.length !== width) throw new InvalidGradientError(`sample ${k} has ${s.tokens.length} tokens; a ${numLayers}-layer network has ${width}`);
  });
  const pass = controllerPass(spec, params, numLayers, m, (step, t) => {
    const n = stepWidth(step);
    const bound = step.kind === 'choice' ? step.choices.length : 2;
    const tokens = new Int32Array(m * n);
    for (let i = 0; i < m * n; i++) {
      const x = samples[Math.floor(i / n)]!.tokens[starts[t]! + (i % n)]!;
      if (!Number.isInteger(x) || x < 0 || x >= bound) throw new InvalidGradientError(`step ${t}: token ${x} is outside 0..${bound - 1}`);
      tokens[i] = x;
    }
    return tokens;
  });
  return reinforceGradientOfPass(spec, pass, samples.map((s) => s.advantage), entropyWeight);
}

/** The same gradient from the pass the samples were drawn in (controller/sample.ts sampleBatch), at the parameters of that pass. */
export function reinforceGradientOfPass(spec: ControllerSpec, pass: ControllerPass, advantages: readonly number[], entropyWeight: number): ReinforceGradient {
  const m = pass.m;
  if (advantages.length !== m) throw new InvalidGradientError(`${advantages.length} advantages for a pass of ${m} samples`);
  // −J = −(1/m) Σ_k (R_k − b) log P_k − β (1/m) Σ_k H_k
  const onLogProb = Float64Array.from(advantages, (a) => -a / m);
  const onEntropy = new Float64Array(m).fill(-entropyWeight / m);
  let loss = 0;
  for (let k = 0; k < m; k++) loss += onLogProb[k]! * pass.logProb[k]! + onEntropy[k]! * pass.entropy[k]!;
  const gradient = Float32Array.from(controllerBackward(spec, pass, onLogProb, onEntropy));
  return { gradient, loss, logProbs: Array.from(pass.logProb) };
}
