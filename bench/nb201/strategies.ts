// The strategies bench/nb201/compare.ts runs, by name: add one with one line. Every factory gets the
// same seeds 1..N. Not a place for strategy code (strategies/) or for the paper's numbers (paper.ts).
import { searchConfigFrom } from '../../cli/config-input';
import type { Nb201Architecture } from '../../space/nb201';
import { createBaselineStrategy } from '../../strategies/baselines';
import { createReinforceStrategy } from '../../strategies/reinforce';
import type { Strategy } from '../../strategies/strategy';

/** `settings`: `key=value` overrides of the nb201 preset (the REINFORCE controller's knobs). */
export type StrategyFactory = (seed: number, budget: number, settings: readonly string[]) => Strategy<Nb201Architecture>;

/** The config a durable search with these settings would run (the nb201 preset, this seed and budget). */
function configFor(strategy: string, seed: number, budget: number, settings: readonly string[]) {
  return searchConfigFrom({ preset: 'nb201', set: ['data.path=unused-in-process', `strategy=${strategy}`, `seed=${seed}`, `budget.maxChildren=${budget}`, ...settings] });
}

export const STRATEGIES: Readonly<Record<string, StrategyFactory>> = {
  random: (seed, budget, settings) => createBaselineStrategy(configFor('random', seed, budget, settings).config),
  evolution: (seed, budget, settings) => createBaselineStrategy(configFor('evolution', seed, budget, settings).config),
  reinforce: (seed, budget, settings) => {
    const strategy = createReinforceStrategy(configFor('reinforce', seed, budget, settings).input, budget);
    // The nb201 space decodes to cells only; the harness hands them back as proposed.
    return strategy as Strategy<Nb201Architecture>;
  },
};
