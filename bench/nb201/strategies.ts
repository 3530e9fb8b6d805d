// The strategies bench/nb201/compare.ts runs, by name: add one with one line. Every factory gets the
// same seeds 1..N. Not a place for strategy code (strategies/) or for the paper's numbers (paper.ts).
import type { Nb201Architecture } from '../../space/nb201';
import { createRandomSearch } from '../../strategies/random-search';
import { createRegularizedEvolution } from '../../strategies/regularized-evolution';
import type { Strategy } from '../../strategies/strategy';

export type StrategyFactory = (seed: number) => Strategy<Nb201Architecture>;

export const STRATEGIES: Readonly<Record<string, StrategyFactory>> = {
  random: (seed) => createRandomSearch(seed),
  evolution: (seed) => createRegularizedEvolution(seed),
};
