// Random search over the NAS-Bench-201 cells: each of the 6 edges gets one of the 5 operations uniformly,
// so every one of the 5^6 = 15,625 cells is equally likely; cells may repeat (no memory of what was seen).
// It learns nothing from rewards; it is the baseline the other strategies must beat.
import { mixSeed, mulberry32 } from '../random/prng';
import { NB201_EDGES, NB201_OPS, decodeNb201, toCellString, type Nb201Architecture } from '../space/nb201';
import { checkObservations, type Observation, type Strategy } from './strategy';

/** One uniform cell: one draw per edge, in NB201_EDGES order (as `random_architecture` in the benchmark's exps/algos/R_EA.py). */
export function sampleUniformCell(random: () => number): Nb201Architecture {
  return decodeNb201(NB201_EDGES.map(() => Math.floor(random() * NB201_OPS.length)));
}

/**
 * `seed` feeds mulberry32(mixSeed(seed)), the same stream regularized evolution starts from, so both
 * strategies share their first random cells for a seed (common random numbers make comparisons tighter).
 */
export function createRandomSearch(seed: number, batchSize = 1): Strategy<Nb201Architecture> {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`random search: batchSize must be a positive integer, got ${batchSize}`);
  const random = mulberry32(mixSeed(seed));
  let pending: Nb201Architecture[] = [];
  return {
    name: 'random',
    propose() {
      pending = Array.from({ length: batchSize }, () => sampleUniformCell(random));
      return [...pending];
    },
    observe(observations: readonly Observation<Nb201Architecture>[]) {
      checkObservations('random search', pending, observations, toCellString);
      pending = [];
    },
  };
}
