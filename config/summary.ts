// The few settings that tell searches apart at a glance (space, strategy, m, budget, data, seed):
// the memo `nas search start` puts on the workflow for the Web UI, and the header of `nas report`.
// Not a second schema: it reads a config that config/parse.ts already validated.
import type { SearchConfig } from './search-config';

export interface ConfigSummary {
  space: string;
  strategy: string;
  childrenPerIteration: number;
  maxChildren: number;
  data: string;
  seed: number;
}

export function configSummary(config: SearchConfig): ConfigSummary {
  const data = config.data.source === 'mnist' || config.data.path === undefined ? `${config.data.source} (embedded)` : `${config.data.source} ${config.data.path}`;
  return {
    space: config.space.kind,
    strategy: config.strategy,
    childrenPerIteration: config.budget.childrenPerIteration,
    maxChildren: config.budget.maxChildren,
    data,
    seed: config.seed,
  };
}

/** `cnn, reinforce, m=4, 100 children, mnist (embedded), seed 1` */
export function describeConfigSummary(s: ConfigSummary): string {
  return `${s.space}, ${s.strategy}, m=${s.childrenPerIteration}, ${s.maxChildren} children, ${s.data}, seed ${s.seed}`;
}
