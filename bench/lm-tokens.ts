// Training throughput of the language-model child (words/s) for the LSTM written as a base-8 cell
// and two sampled cells (bases 8 and 4), on the embedded Moby Dick text, measured through
// trainLanguageModel itself. Prints figures and ratios; asserts nothing about time.
// Run: node dist/bench/lm-tokens.js [--hidden 64] [--tokens 14000]
import { parseArgs } from 'node:util';
import { loadTf } from '../backend/tf';
import { DataConfig, LanguageModelConfig, RnnCellSpaceConfig } from '../config/search-config';
import { loadTextCorpus } from '../data/text-load';
import { mulberry32 } from '../random/prng';
import { LSTM_CONSTANT_LEAVES, lstmCell } from '../space/reference-cells';
import { decodeRnnCell, describeRnnCell, type RnnCellArchitecture, rnnCellSteps } from '../space/rnn-cell';
import { trainLanguageModel } from '../trainer/train-lm';

function sampledCell(base: number, seed: number): RnnCellArchitecture {
  const space = RnnCellSpaceConfig.parse({ kind: 'rnnCell', base });
  const random = mulberry32(seed);
  return decodeRnnCell(space, rnnCellSteps(space).map((s) => (s.kind === 'choice' ? Math.floor(random() * s.choices.length) : 0)));
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { hidden: { type: 'string', default: '64' }, tokens: { type: 'string', default: '14000' } } });
  const hidden = Number(values.hidden);
  const tf = loadTf('cpu');
  const corpus = await loadTextCorpus(DataConfig.parse({ source: 'mobyDick', vocabularySize: 5000 }) as Parameters<typeof loadTextCorpus>[0]);
  const lm = LanguageModelConfig.parse({
    embeddingSize: hidden, hiddenSize: hidden, layers: 1, bptt: 35, batchSize: 20, dropout: 0.2, epochs: 2,
    optimizer: 'adam', learningRate: 0.003, maxTrainTokens: Number(values.tokens), maxValidTokens: 2000,
  });
  const cells: [string, RnnCellArchitecture][] = [['LSTM (base 8)', lstmCell()], ['sampled base 8', sampledCell(8, 3)], ['sampled base 4', sampledCell(4, 5)]];
  console.log(`language-model child: vocabulary ${corpus.vocabulary.length}, E = H = ${hidden}, 1 layer, batch ${lm.batchSize}, bptt ${lm.bptt}, ${lm.maxTrainTokens} train words/epoch, 2 epochs`);
  const rates: number[] = [];
  for (const [name, cell] of cells) {
    const stamps: number[] = [];
    const started = performance.now();
    const constantLeaves = cell === cells[0]![1] ? LSTM_CONSTANT_LEAVES : undefined;
    const result = await trainLanguageModel(tf, { cell, corpus, lm, seed: 1, constantLeaves, onEpoch: () => { stamps.push(performance.now()); } });
    // The second epoch is steady state (no first-call kernel set-up); it includes one validation pass.
    const epochSeconds = ((stamps[1] ?? performance.now()) - (stamps[0] ?? started)) / 1000;
    const rate = result.trainedTokens / 2 / epochSeconds;
    rates.push(rate);
    console.log(`${name.padEnd(16)} ${rate.toFixed(0).padStart(6)} words/s  (epoch ${epochSeconds.toFixed(1)} s, ${result.paramCount} parameters, ` +
      `valid perplexity ${result.validationPerplexities.map((p) => p.toFixed(0)).join(' → ')}, ${result.status})  ${describeRnnCell(cell)}`);
  }
  console.log(`ratios to the LSTM: ${rates.map((r) => (r / rates[0]!).toFixed(2)).join(' / ')}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
