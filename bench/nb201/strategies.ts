// The strategies bench/nb201/compare.ts runs, by name: add one with one line. Every factory gets the
// same seeds 1..N. Not a place for strategy code (strategies/) or for the paper's numbers (paper.ts).
import { loadTf } from '../../backend/tf';
import { searchConfigFrom } from '../../cli/config-input';
import type { Nb201Architecture } from '../../space/nb201';
import { createRandomSearch } from '../../strategies/random-search';
import { createReinforceStrategy } from '../../strategies/reinforce';
import { createRegularizedEvolution } from '../../strategies/regularized-evolution';
import type { Strategy } from '../../strategies/strategy';

/** `settings`: `key=value` overrides of the nb201 preset (the REINFORCE controller's knobs). */
export type StrategyFactory = (seed: number, budget: number, settings: readonly string[]) => Strategy<Nb201Architecture>;

export const STRATEGIES: Readonly<Record<string, StrategyFactory>> = {
  random: (seed) => createRandomSearch(seed),
  evolution: (seed) => createRegularizedEvolution(seed),
  reinforce: (seed, budget, settings) => {
    const { input } = searchConfigFrom({ preset: 'nb201', set: ['data.path=unused-in-process', `seed=${seed}`, `budget.maxChildren=${budget}`, ...settings] });
    const strategy = createReinforceStrategy(loadTf('cpu'), input, budget);
    // The nb201 space decodes to cells only; the harness hands them back as proposed.
    return strategy as Strategy<Nb201Architecture>;
  },
};
