// The baseline strategies (random search, regularized evolution) built from a search config, and
// their state at any iteration of a durable search, rebuilt by replaying the stored history through
// the same code the in-process harness runs. Not the REINFORCE controller (reinforce.ts).
import type { SearchConfig } from '../config/search-config';
import type { Nb201Architecture } from '../space/nb201';
import { createRandomSearch } from './random-search';
import { createRegularizedEvolution } from './regularized-evolution';
import type { Strategy } from './strategy';

export function createBaselineStrategy(config: SearchConfig): Strategy<Nb201Architecture> {
  switch (config.strategy) {
    case 'random': return createRandomSearch(config.seed);
    case 'evolution': return createRegularizedEvolution(config.seed, config.evolution);
    case 'reinforce': throw new Error('the REINFORCE controller is not a baseline strategy');
  }
}

/**
 * The proposal of iteration `history.length`: every earlier iteration is proposed and observed
 * again, in order (strategies are deterministic in their seed), so a retry, a restarted worker or
 * the in-process harness all see the same cells. Costs O(iterations) of microsecond steps.
 */
export function replayedProposal(config: SearchConfig, history: readonly (readonly number[])[]): Nb201Architecture[] {
  const strategy = createBaselineStrategy(config);
  for (const rewards of history) {
    const proposed = strategy.propose();
    strategy.observe(proposed.map((arch, k) => ({ arch, reward: rewards[k]! })));
  }
  return strategy.propose();
}
