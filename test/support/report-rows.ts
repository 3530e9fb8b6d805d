// A finished small search written through the store functions the activities use (createSearch,
// insertSampledChildren, finishChild, insertUpdate), with numbers chosen here, for report tests:
// 3 iterations of 4 CNN children (depth 2, then 3), one failed child, and one child of a kind this
// build does not know (as a row written by a newer version would be). Not a search: nothing trains.
// The one UPDATE here is test-only SQL, like search-rows.ts.
import { parseSearchConfig } from '../../config/parse';
import { mulberry32 } from '../../random/prng';
import { type Architecture } from '../../space/architecture';
import { type ChildResult, finishChild, insertSampledChildren, startTraining, iterationChildren } from '../../store/children';
import { type Db, withTransaction } from '../../store/db';
import { createSearch } from '../../store/searches';
import { insertUpdate } from '../../store/updates';
import { randomCnn } from '../child/random-cnn';

export const SEEDED = { iterations: 3, perIteration: 4, failed: 1, unknownKind: 1 } as const;

export async function seedReportSearch(pool: Db, searchId: string): Promise<{ children: number }> {
  const config = parseSearchConfig({ budget: { childrenPerIteration: SEEDED.perIteration, maxChildren: 12 } });
  if (config.space.kind !== 'cnn') throw new Error('unreachable');
  const space = config.space;
  await createSearch(pool, searchId, config, new Float32Array(8), 1, 1);
  const random = mulberry32(42);
  await seedFinishedIterations(pool, searchId, SEEDED, {
    sample: (iteration) => {
      const depth = iteration === 0 ? 2 : 3;
      return { numLayers: depth, architecture: randomCnn(space, depth, random), tokens: [] };
    },
    result: (iteration, childIndex) => {
      // Accuracy grows with iteration; the unknown-kind child is the best of all (0.95).
      const accuracy = iteration === 2 && childIndex === 3 ? 0.95 : 0.5 + 0.1 * iteration + 0.02 * childIndex;
      return { validationAccuracies: [accuracy - 0.1, accuracy], reward: accuracy ** 3, paramCount: 1000 * (iteration + 1) * (childIndex + 1) };
    },
  });
  // The best child becomes a kind from the future (the store's own readers would refuse it, so
  // this is plain SQL, as a newer version's writer would leave it): the report must not break on it.
  await pool.query(`UPDATE children SET architecture = $2 WHERE search_id = $1 AND iteration = 2 AND child_index = 3`,
    [searchId, JSON.stringify({ kind: 'rnnCell', nodes: [{ op: 'tanh', input: 0 }] })]);
  return { children: SEEDED.iterations * SEEDED.perIteration };
}

/**
 * Writes `iterations` × `perIteration` sampled children, finishes them with the numbers `result`
 * gives (child 2 of iteration 1 fails), and one update per iteration with an EMA baseline.
 */
export async function seedFinishedIterations(
  pool: Db, searchId: string, shape: { iterations: number; perIteration: number },
  make: {
    sample: (iteration: number, childIndex: number) => { numLayers: number; architecture: Architecture; tokens: number[] };
    result: (iteration: number, childIndex: number) => Pick<ChildResult, 'validationAccuracies' | 'validationPerplexities' | 'reward' | 'paramCount'>;
  },
): Promise<void> {
  let baseline = 0;
  for (let iteration = 0; iteration < shape.iterations; iteration++) {
    const sampled = Array.from({ length: shape.perIteration }, (_, childIndex) => ({ childIndex, ...make.sample(iteration, childIndex), logProb: -1, entropy: 1 }));
    await withTransaction(pool, (client) => insertSampledChildren(client, searchId, 0, iteration, sampled));
    const rows = await iterationChildren(pool, searchId, 0, iteration);
    const rewards: number[] = [];
    for (const row of rows) {
      await startTraining(pool, row.id, 'test');
      const failed = iteration === 1 && row.childIndex === 2;
      const result = make.result(iteration, row.childIndex);
      rewards.push(failed ? 0 : result.reward);
      await finishChild(pool, { searchId, replica: 0, iteration, childIndex: row.childIndex }, row.id, failed
        ? { status: 'failed', validationAccuracies: [], ...(result.validationPerplexities ? { validationPerplexities: [] } : {}), reward: 0, paramCount: 0, trainingSeconds: 1, worker: 'test', error: 'non-finite loss' }
        : { status: 'succeeded', ...result, trainingSeconds: 2, worker: 'test' });
    }
    const mean = rewards.reduce((s, r) => s + r, 0) / rewards.length;
    const before = baseline;
    baseline = iteration === 0 ? mean : 0.95 * baseline + 0.05 * mean;
    await withTransaction(pool, (client) => insertUpdate(client, {
      searchId, replica: 0, iteration, childrenCount: rows.length, meanReward: mean, maxReward: Math.max(...rewards),
      baselineBefore: before, baselineAfter: baseline, loss: 0.1, gradientNorm: 1, parameterVersionsBefore: [iteration], parameterVersionsAfter: [iteration + 1], staleness: 0,
    }));
  }
}
