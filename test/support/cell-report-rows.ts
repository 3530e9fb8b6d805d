// A finished small recurrent-cell search written through the store functions the activities use,
// with numbers chosen here, for the CLI and report tests: 3 iterations of 4 base-4 cells, one
// failed child; the lowest perplexity (650) is not the highest next-word accuracy. Nothing trains.
import { parseSearchConfig } from '../../config/parse';
import { PRESETS } from '../../config/presets';
import { mulberry32 } from '../../random/prng';
import { decodeRnnCell, rnnCellSteps } from '../../space/rnn-cell';
import type { Db } from '../../store/db';
import { createSearch } from '../../store/searches';
import { seedFinishedIterations } from './report-rows';

export const CELL_SEEDED = { iterations: 3, perIteration: 4, failed: 1, base: 4, bestPerplexity: 650, bestNextWordAccuracy: 0.135 } as const;

/** Perplexity falls with iteration and child index; child (2, 0) is the best by perplexity only. */
export function cellPerplexity(iteration: number, childIndex: number): number {
  return iteration === 2 && childIndex === 0 ? 650 : 900 - 100 * iteration - 10 * childIndex;
}

export async function seedCellSearch(pool: Db, searchId: string): Promise<{ children: number }> {
  const config = parseSearchConfig({ ...PRESETS.cell, space: { kind: 'rnnCell', base: CELL_SEEDED.base }, budget: { childrenPerIteration: CELL_SEEDED.perIteration, maxChildren: 12 } });
  if (config.space.kind !== 'rnnCell') throw new Error('unreachable');
  const space = config.space;
  await createSearch(pool, searchId, config, new Float32Array(8), 1, 1);
  const random = mulberry32(7);
  const steps = rnnCellSteps(space);
  await seedFinishedIterations(pool, searchId, CELL_SEEDED, {
    sample: () => {
      const tokens = steps.map((s) => (s.kind === 'choice' ? s.choices[Math.floor(random() * s.choices.length)]! : 0));
      return { numLayers: 1, architecture: decodeRnnCell(space, tokens), tokens };
    },
    result: (iteration, childIndex) => {
      const perplexity = cellPerplexity(iteration, childIndex);
      const accuracy = 0.1 + 0.01 * iteration + 0.005 * childIndex; // next-word accuracy
      return {
        validationAccuracies: [accuracy - 0.01, accuracy], validationPerplexities: [perplexity + 50, perplexity],
        reward: 80 / perplexity ** 2, paramCount: 20_000 * (iteration + 1) + 1000 * childIndex,
      };
    },
  });
  return { children: CELL_SEEDED.iterations * CELL_SEEDED.perIteration };
}
