// Test helper run as a process of its own (one tfjs backend per process, and the CPU and GPU builds of
// libtensorflow share a soname): trains two small seeded CNN children (SGD, Adam) and one LSTM
// language model on the backend named by argv, then prints results and memory figures as one JSON line.
import fs from 'node:fs';
import { loadTf, nativeBinding, type BackendKind } from '../../backend/tf';
import { ChildTrainingConfig, LanguageModelConfig } from '../../config/search-config';
import { validateCnn } from '../../space/cnn';
import { LSTM_CONSTANT_LEAVES, lstmCell } from '../../space/reference-cells';
import { trainChild } from '../../trainer/train-child';
import { trainLanguageModel } from '../../trainer/train-lm';
import { memoryFigures } from '../../workers/memory-watch';
import { syntheticData } from '../trainer/synthetic-data';
import { tinyCorpus } from './tiny-corpus';

async function main(kind: BackendKind, home: string): Promise<void> {
  const tf = loadTf(kind, { home });
  const start = memoryFigures(tf);
  const data = syntheticData({ train: 192, valid: 96, classes: 3, size: 8, seed: 11 });
  const arch = validateCnn({
    kind: 'cnn',
    layers: [
      { filterHeight: 3, filterWidth: 3, filters: 4, stride: 1, inputs: [] },
      { filterHeight: 5, filterWidth: 1, filters: 4, stride: 2, inputs: [0] },
      { filterHeight: 3, filterWidth: 3, filters: 4, stride: 1, inputs: [0, 1] },
    ],
  });
  const children = [];
  for (const optimizer of ['sgd', 'adam'] as const) {
    const training = ChildTrainingConfig.parse({ epochs: 3, batchSize: 16, learningRate: optimizer === 'adam' ? 0.01 : 0.05, optimizer });
    const losses: number[] = [];
    const result = await trainChild(tf, { arch, data, training, seed: 5, onEpoch: (_e, _a, loss) => { losses.push(loss); } });
    children.push({ optimizer, status: result.status, accuracies: result.validationAccuracies, losses, reward: result.reward, after: memoryFigures(tf) });
  }
  const lm = LanguageModelConfig.parse({
    embeddingSize: 12, hiddenSize: 12, layers: 1, bptt: 8, batchSize: 4, dropout: 0.1, epochs: 2, optimizer: 'adam', learningRate: 0.02, rewardConstant: 80,
  });
  const cell = await trainLanguageModel(tf, { cell: lstmCell(), corpus: tinyCorpus(), lm, seed: 3, constantLeaves: LSTM_CONSTANT_LEAVES });
  process.stdout.write(`${JSON.stringify({
    backend: tf.getBackend(),
    // The TensorFlow library this process really runs (both builds name it libtensorflow_cc.so.2).
    library: fs.readFileSync('/proc/self/maps', 'utf8').split('\n').find((l) => l.endsWith('/libtensorflow_cc.so.2'))?.split(/\s+/).pop() ?? null,
    usingGpu: nativeBinding(tf)?.isUsingGpuDevice() ?? null,
    children,
    cell: { status: cell.status, perplexities: cell.validationPerplexities, reward: cell.reward, after: memoryFigures(tf) },
    start,
  })}\n`);
}

const [kind, home] = process.argv.slice(2);
if ((kind !== 'cpu' && kind !== 'gpu') || !home) throw new Error('usage: train-on-backend.js cpu|gpu NAS_HOME');
void main(kind, home);
