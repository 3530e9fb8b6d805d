// Regularized (aging) evolution, Real et al. AAAI 2019 Algorithm 1, on NAS-Bench-201 cells, following the
// benchmark's own code step by step, draws included (D-X-Y/AutoDL-Projects exps/algos/R_EA.py, commit 28e4b84:
// the line numbers below). One child per proposal: each child changes the population the next is bred from.
import { mixSeed, mulberry32 } from '../random/prng';
import { NB201_OPS, toCellString, type Nb201Architecture, type Nb201Op } from '../space/nb201';
import { sampleUniformCell } from './random-search';
import { checkObservations, type Observation, type Strategy } from './strategy';

export interface RegularizedEvolutionOptions {
  /** P: members kept alive. Default 10: `--ea_population 10`, AutoDL-Projects scripts-search/algos/R-EA.sh line 37 (commit fb76814). */
  populationSize?: number;
  /**
   * S: members drawn (with replacement) per tournament. Default 3: the sample-size argument of the
   * documented run `bash ./scripts-search/algos/R-EA.sh cifar10 3 -1` (AutoDL-Projects docs/NAS-Bench-201.md,
   * "To Reproduce 10 Baseline NAS Algorithms", item [7]); the earlier R-EA.sh (commit 44a0d51) hard-codes
   * `--ea_population 10 --ea_sample_size 3` on line 39.
   */
  sampleSize?: number;
  /** Replaces mulberry32(mixSeed(seed)): lets tests script every draw and check the steps by hand. */
  random?: () => number;
}

export interface Member {
  readonly arch: Nb201Architecture;
  readonly reward: number;
  /** Which query (0-based, in proposal order) produced it: smaller is older. */
  readonly born: number;
}

export interface RegularizedEvolution extends Strategy<Nb201Architecture> {
  /** The living members, oldest first (a copy). */
  population(): Member[];
}

/**
 * One mutation as R_EA.py `mutate_arch_func` (lines 90-100 at commit 28e4b84) does it: a node uniformly
 * (so node 1's single edge is picked with probability 1/3, node 3's edges 1/9 each: not uniform over
 * edges), then one of its incoming edges uniformly, then a new operation uniformly among the 4 others,
 * drawn by redrawing while it equals the old one.
 */
export function mutateCell(parent: Nb201Architecture, random: () => number): Nb201Architecture {
  const node = Math.floor(random() * 3); // node_id = random.randint(0, 2): target node node+1
  const from = Math.floor(random() * (node + 1)); // snode_id: one of the node's node+1 inputs
  const edge = (node * (node + 1)) / 2 + from; // position in NB201_EDGES order
  let op: Nb201Op;
  do op = NB201_OPS[Math.floor(random() * NB201_OPS.length)]!; while (op === parent.ops[edge]);
  const ops = parent.ops.map((o, e) => (e === edge ? op : o));
  return Object.freeze({ kind: 'nb201', ops: Object.freeze(ops) });
}

/** Tournament (R_EA.py lines 138-146): S members uniformly with replacement; the first best of the sample is the parent. */
export function tournament<M extends { readonly reward: number }>(population: readonly M[], sampleSize: number, random: () => number): M {
  if (population.length === 0) throw new Error('regularized evolution: a tournament needs a population');
  let best: M | undefined;
  for (let i = 0; i < sampleSize; i++) {
    const candidate = population[Math.floor(random() * population.length)]!;
    if (!best || candidate.reward > best.reward) best = candidate; // Python max(): the earliest maximum wins
  }
  return best!;
}

export function createRegularizedEvolution(seed: number, options: RegularizedEvolutionOptions = {}): RegularizedEvolution {
  const { populationSize = 10, sampleSize = 3 } = options;
  for (const [name, value] of [['populationSize', populationSize], ['sampleSize', sampleSize]] as const) {
    if (!Number.isInteger(value) || value < 1) throw new Error(`regularized evolution: ${name} must be a positive integer, got ${value}`);
  }
  const random = options.random ?? mulberry32(mixSeed(seed));
  const population: Member[] = []; // R_EA.py's collections.deque: append on the right, popleft the oldest
  let queries = 0;
  let pending: Nb201Architecture | undefined;


  return {
    name: 'evolution',
    propose() {
      if (pending) throw new Error('regularized evolution: propose called again before observe');
      // R_EA.py lines 124-130: random cells until the population is full, then one mutated child per cycle.
      pending = queries < populationSize ? sampleUniformCell(random) : mutateCell(tournament(population, sampleSize, random).arch, random);
      return [pending];
    },
    observe(observations: readonly Observation<Nb201Architecture>[]) {
      checkObservations('regularized evolution', pending ? [pending] : [], observations, toCellString);
      const { arch, reward } = observations[0]!;
      population.push(Object.freeze({ arch, reward, born: queries++ }));
      if (population.length > populationSize) population.shift(); // R_EA.py line 161: remove the oldest, whatever its reward
      pending = undefined;
    },
    population: () => [...population],
  };
}
