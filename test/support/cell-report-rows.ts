// A finished small recurrent-cell search written through the store functions the activities use,
// with numbers chosen here, for the CLI and report tests: 3 iterations of 4 base-4 cells, one
// failed child; the lowest perplexity (650) is not the highest next-word accuracy. Nothing trains.
import { parseSearchConfig } from '../../config/parse';
import { PRESETS } from '../../config/presets';
import { mulberry32 } from '../../random/prng';
import { decodeRnnCell, rnnCellSteps } from '../../space/rnn-cell';
import { finishChild, insertSampledChildren, iterationChildren, startTraining } from '../../store/children';
import { type Db, withTransaction } from '../../store/db';
import { createSearch } from '../../store/searches';
import { insertUpdate } from '../../store/updates';

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
  let baseline = 0;
  for (let iteration = 0; iteration < CELL_SEEDED.iterations; iteration++) {
    const sampled = Array.from({ length: CELL_SEEDED.perIteration }, (_, childIndex) => {
      const tokens = steps.map((s) => (s.kind === 'choice' ? s.choices[Math.floor(random() * s.choices.length)]! : 0));
      return { childIndex, numLayers: 1, architecture: decodeRnnCell(space, tokens), tokens, logProb: -1, entropy: 1 };
    });
    await withTransaction(pool, (client) => insertSampledChildren(client, searchId, 0, iteration, sampled));
    const rows = await iterationChildren(pool, searchId, 0, iteration);
    const rewards: number[] = [];
    for (const row of rows) {
      await startTraining(pool, row.id, 'test');
      const failed = iteration === 1 && row.childIndex === 2;
      const perplexity = cellPerplexity(iteration, row.childIndex);
      const accuracy = 0.1 + 0.01 * iteration + 0.005 * row.childIndex; // next-word accuracy
      const reward = failed ? 0 : 80 / perplexity ** 2;
      rewards.push(reward);
      await finishChild(pool, { searchId, replica: 0, iteration, childIndex: row.childIndex }, row.id, failed
        ? { status: 'failed', validationAccuracies: [], validationPerplexities: [], reward: 0, paramCount: 0, trainingSeconds: 1, worker: 'test', error: 'non-finite loss' }
        : {
          status: 'succeeded', validationAccuracies: [accuracy - 0.01, accuracy], validationPerplexities: [perplexity + 50, perplexity], reward,
          paramCount: 20_000 * (iteration + 1) + 1000 * row.childIndex, trainingSeconds: 2, worker: 'test',
        });
    }
    const mean = rewards.reduce((s, r) => s + r, 0) / rewards.length;
    const before = baseline;
    baseline = iteration === 0 ? mean : 0.95 * baseline + 0.05 * mean;
    await withTransaction(pool, (client) => insertUpdate(client, {
      searchId, replica: 0, iteration, childrenCount: rows.length, meanReward: mean, maxReward: Math.max(...rewards),
      baselineBefore: before, baselineAfter: baseline, loss: 0.1, gradientNorm: 1, parameterVersionsBefore: [iteration], parameterVersionsAfter: [iteration + 1], staleness: 0,
    }));
  }
  return { children: CELL_SEEDED.iterations * CELL_SEEDED.perIteration };
}
