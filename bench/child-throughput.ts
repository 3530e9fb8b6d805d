// Training throughput of the child trainer (images/s, ms/batch) for three fixed architectures on
// digit-sized inputs, measured through trainChild itself. Prints figures and ratios; it asserts
// nothing about time. Run: node dist/bench/child-throughput.js
import { loadTf } from '../backend/tf';
import { ChildTrainingConfig } from '../config/search-config';
import { type CnnArchitecture, type CnnLayer, validateCnn } from '../space/cnn';
import { trainChild } from '../trainer/train-child';
import { syntheticData } from '../test/trainer/synthetic-data';

const BATCH = 64;
const BATCHES_PER_EPOCH = 20;

const conv = (size: number, filters: number, inputs: number[], stride = 1): CnnLayer =>
  ({ filterHeight: size, filterWidth: size, filters, stride, inputs });

const ARCHITECTURES: Record<string, CnnArchitecture> = {
  '3 layers, chain': validateCnn({ kind: 'cnn', layers: [conv(3, 24, []), conv(3, 36, [0]), conv(3, 48, [1])] }),
  '6 layers, skips': validateCnn({
    kind: 'cnn',
    layers: [conv(3, 24, []), conv(5, 36, [0]), conv(3, 36, [0, 1]), conv(1, 48, [1, 2]), conv(7, 24, [0, 3]), conv(3, 48, [2, 3, 4])],
  }),
  '8 layers, strides': validateCnn({
    kind: 'cnn',
    layers: [conv(3, 24, []), conv(3, 36, [0], 2), conv(5, 36, [1]), conv(3, 48, [1, 2]), conv(3, 48, [3], 2),
      conv(1, 64, [4]), conv(3, 64, [4, 5]), conv(3, 64, [3, 6])],
  }),
};

/** Seconds of one steady-state epoch (the second of three), read from onEpoch timestamps. */
async function epochSeconds(arch: CnnArchitecture, size: number): Promise<number> {
  const tf = loadTf('cpu');
  // A validation split of one batch keeps the measured epoch almost all training.
  const data = syntheticData({ train: BATCH * BATCHES_PER_EPOCH, valid: BATCH, classes: 10, size, seed: 1 });
  const training = ChildTrainingConfig.parse({ epochs: 3, batchSize: BATCH });
  const stamps: number[] = [];
  await trainChild(tf, { arch, data, training, seed: 1, onEpoch: () => { stamps.push(performance.now()); } });
  return (stamps[2]! - stamps[1]!) / 1000;
}

async function main(): Promise<void> {
  const rows: { arch: string; size: number; imagesPerSecond: number; msPerBatch: number }[] = [];
  for (const [name, arch] of Object.entries(ARCHITECTURES)) {
    for (const size of [28, 14]) {
      const seconds = await epochSeconds(arch, size);
      rows.push({ arch: name, size, imagesPerSecond: (BATCH * BATCHES_PER_EPOCH) / seconds, msPerBatch: (seconds * 1000) / BATCHES_PER_EPOCH });
    }
  }
  console.log(`batch ${BATCH}, ${BATCHES_PER_EPOCH} batches per epoch, threads: TF default, pid ${process.pid}`);
  console.log('arch                 image     images/s   ms/batch');
  for (const r of rows) {
    console.log(`${r.arch.padEnd(20)} ${`${r.size}x${r.size}x1`.padEnd(9)} ${r.imagesPerSecond.toFixed(0).padStart(8)} ${r.msPerBatch.toFixed(1).padStart(10)}`);
  }
  const rate = (arch: string, size: number) => rows.find((r) => r.arch === arch && r.size === size)!.imagesPerSecond;
  const [first] = Object.keys(ARCHITECTURES);
  console.log('\nratios');
  for (const name of Object.keys(ARCHITECTURES)) {
    console.log(`${name.padEnd(20)} 14x14 / 28x28 speed-up ${(rate(name, 14) / rate(name, 28)).toFixed(2)}`
      + `   28x28 cost vs ${first}: ${(rate(first!, 28) / rate(name, 28)).toFixed(2)}x`);
  }
}

void main();
