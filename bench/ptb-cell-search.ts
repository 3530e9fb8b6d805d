// A short recurrent-cell search on Penn Treebank through the durable nasSearch workflow (in-process
// workers, a fresh database on the dev servers), then the hand-written LSTM and vanilla RNN trained
// by the same trainer at the same budget. Prints perplexities; asserts nothing. Small budget: the
// figures say which cells train fast on few words, not what a full search would find.
// Run (dev servers up): NAS_TEST_DATABASE_URL=... NAS_TEST_TEMPORAL_ADDRESS=... \
//   node dist/bench/ptb-cell-search.js [--ptb ../shared/data/ptb] [--children 40] [--m 4] [--tokens 15000]
import { parseArgs } from 'node:util';
import { loadTf } from '../backend/tf';
import { parseSearchConfig } from '../config/parse';
import type { SearchConfigInput } from '../config/search-config';
import { loadTextCorpus } from '../data/text-load';
import { LSTM_CONSTANT_LEAVES, lstmCell, VANILLA_RNN_CONSTANT_LEAVES, vanillaRnnCell } from '../space/reference-cells';
import { describeArchitecture, parseArchitecture } from '../space/architecture';
import type { RnnCellArchitecture } from '../space/rnn-cell';
import type { ConstantLeaves } from '../child/rnn-cell';
import { trainLanguageModel } from '../trainer/train-lm';
import type { nasSearch } from '../workflows';
import { startSearchWorkers } from '../test/support/in-process-workers';
import { createTestDatabase, uniqueId } from '../test/support/servers';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      ptb: { type: 'string', default: '../shared/data/ptb' },
      children: { type: 'string', default: '40' },
      m: { type: 'string', default: '4' },
      tokens: { type: 'string', default: '15000' },
      epochs: { type: 'string', default: '2' },
      keep: { type: 'boolean', default: false },
    },
  });
  const started = performance.now();
  const tf = loadTf('cpu');
  const db = await createTestDatabase('ptbcell');
  const workers = await startSearchWorkers(db.pool);
  const input: SearchConfigInput = {
    seed: 1,
    space: { kind: 'rnnCell', base: 8 },
    controller: { learningRate: 0.01, entropyWeight: 0.0001 },
    languageModel: {
      embeddingSize: 32, hiddenSize: 32, layers: 1, bptt: 20, batchSize: 20, dropout: 0.1, epochs: Number(values.epochs),
      optimizer: 'adam', learningRate: 0.005, clipNorm: 1, maxTrainTokens: Number(values.tokens), maxValidTokens: 4000,
    },
    data: { source: 'ptb', path: values.ptb },
    budget: { childrenPerIteration: Number(values.m), maxChildren: Number(values.children) },
    trainingTaskQueue: workers.trainingQueue,
  };
  const config = parseSearchConfig(input);
  const lm = config.languageModel;
  console.log(`PTB cell search: base 8, ${config.budget.maxChildren} children, ${config.budget.childrenPerIteration} per iteration, ` +
    `LM E = H = ${lm.hiddenSize}, ${lm.layers} layer, ${lm.maxTrainTokens} train words × ${lm.epochs} epochs, ${lm.maxValidTokens} valid words`);
  try {
    const searchId = uniqueId('ptb-cell');
    const handle = await workers.client.workflow.start<typeof nasSearch>('nasSearch', {
      taskQueue: workers.controllerQueue, workflowId: searchId, args: [{ config: input }],
    });
    const result = await Promise.race([handle.result(), workers.failed]);
    const searchSeconds = (performance.now() - started) / 1000;
    const { rows } = await db.pool.query<{ status: string; validation_perplexity: number | null; architecture: unknown; iteration: number }>(
      'SELECT status, validation_perplexity, architecture, iteration FROM children WHERE search_id = $1 ORDER BY validation_perplexity ASC NULLS LAST', [searchId]);
    const succeeded = rows.filter((r) => r.status === 'succeeded');
    console.log(`search ${searchId}: ${result.childrenDone} children in ${searchSeconds.toFixed(0)} s, ${succeeded.length} succeeded, ${rows.length - succeeded.length} failed`);
    const byIteration = new Map<number, number[]>();
    for (const r of succeeded) byIteration.set(r.iteration, [...(byIteration.get(r.iteration) ?? []), r.validation_perplexity!]);
    console.log(`median perplexity per iteration: ${[...byIteration.entries()].sort(([a], [b]) => a - b).map(([, ps]) => median(ps).toFixed(0)).join(' ')}`);
    const best = succeeded[0];
    if (best) console.log(`best searched cell: perplexity ${best.validation_perplexity!.toFixed(1)}  ${describeArchitecture(parseArchitecture(best.architecture))}`);

    const corpus = await loadTextCorpus({ source: 'ptb', path: values.ptb });
    // The search's best figure is a maximum over many noisy children: retrain it beside the baselines
    // on the same seeds, so the comparison is cell against cell, not selection against one draw.
    const seeds = [1, 2];
    const train = async (name: string, cell: RnnCellArchitecture, constantLeaves?: ConstantLeaves): Promise<number> => {
      const best: number[] = [];
      for (const seed of seeds) {
        const t = performance.now();
        const r = await trainLanguageModel(tf, { cell, corpus, lm, seed, constantLeaves });
        best.push(r.status === 'succeeded' ? Math.min(...r.validationPerplexities) : Number.NaN);
        console.log(`${name}, seed ${seed}: perplexity ${r.validationPerplexities.map((p) => p.toFixed(1)).join(' → ')} (${r.status}, ${((performance.now() - t) / 1000).toFixed(0)} s)`);
      }
      return best.reduce((a, b) => a + b, 0) / best.length;
    };
    const lstm = await train('hand-written LSTM (same trainer, same budget)', lstmCell(), LSTM_CONSTANT_LEAVES);
    const rnn = await train('hand-written vanilla RNN (same trainer, same budget)', vanillaRnnCell(), VANILLA_RNN_CONSTANT_LEAVES);
    if (best) {
      const retrained = await train('best searched cell, retrained', parseArchitecture(best.architecture) as RnnCellArchitecture);
      console.log(`mean over seeds ${seeds.join(', ')}: best searched cell ${retrained.toFixed(1)}, LSTM ${lstm.toFixed(1)}, vanilla RNN ${rnn.toFixed(1)}; ` +
        `searched / LSTM ${(retrained / lstm).toFixed(2)}, searched / vanilla RNN ${(retrained / rnn).toFixed(2)}`);
    }
    console.log(`wall time ${((performance.now() - started) / 1000).toFixed(0)} s`);
  } finally {
    await workers.stop();
    if (!values.keep) await db.drop();
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
