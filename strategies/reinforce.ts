// The REINFORCE controller (Zoph & Le 2017, section 3.2) as an in-process search strategy: the same
// sampling, gradient, Adam step and EMA baseline as the durable workflow's activities, with the
// parameters held in memory instead of Postgres, so hundreds of seeds run in minutes. For the same
// config and seed it proposes exactly what the workflow samples.
import { parseSearchConfig } from '../config/parse';
import type { SearchConfigInput } from '../config/search-config';
import { controllerSpec } from '../controller/controller';
import { initialParameters } from '../controller/parameters';
import type { ControllerPass } from '../controller/controller';
import { sampleBatch, type SampledTokens } from '../controller/sample';
import { mixSeed } from '../random/prng';
import { adamStep, emptySlots } from '../reinforce/adam';
import { advantages, updateBaseline } from '../reinforce/baseline';
import { reinforceGradientOfPass } from '../reinforce/estimator';
import type { Architecture } from '../space/architecture';
import { decodeArchitecture, depthAt } from '../space/search-space';
import { childReward } from '../trainer/reward';
import type { Observation, Strategy } from './strategy';

/** `budget` caps the last batch as the workflow does (min(m, budget − done)), so both sample alike. */
export function createReinforceStrategy(input: SearchConfigInput, budget: number): Strategy<Architecture> {
  const config = parseSearchConfig(input);
  const spec = controllerSpec(config);
  const { learningRate, baselineDecay, entropyWeight } = config.controller;
  let params = initialParameters(spec.layout, config.controller.initRange, mixSeed(config.seed, 0x5eed));
  let slots = emptySlots(params.length);
  let baseline: number | null = null;
  let iteration = 0;
  let done = 0;
  let pending: { samples: SampledTokens[]; pass: ControllerPass } | undefined;

  return {
    name: 'reinforce',
    propose() {
      const count = Math.max(1, Math.min(config.budget.childrenPerIteration, budget - done));
      const numLayers = depthAt(config, done);
      pending = sampleBatch(spec, params, numLayers, count, mixSeed(config.seed, 0, iteration));
      return pending.samples.map((s) => decodeArchitecture(config.space, numLayers, s.tokens));
    },
    observe(observations: readonly Observation<Architecture>[]) {
      if (!pending || observations.length !== pending.samples.length) throw new Error('reinforce: observe must answer the last propose');
      // The activity's reward for a table answer: (validation accuracy)^exponent over a window of one epoch.
      const rewards = observations.map((o) => childReward([o.reward], 1, config.child.rewardExponent));
      const { advantages: adv } = advantages(rewards, baseline);
      // The pass the samples were drawn in, at these same parameters: what replaying their tokens would recompute, bit for bit.
      const { gradient } = reinforceGradientOfPass(spec, pending.pass, adv, entropyWeight);
      ({ params, slots } = adamStep(params, gradient, slots, { learningRate }));
      baseline = updateBaseline(baseline, rewards, baselineDecay);
      done += rewards.length;
      iteration++;
      pending = undefined;
    },
  };
}
