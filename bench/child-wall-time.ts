// Wall time of whole trainChild calls (build, train, validate, dispose) for random children of a
// small embedded search space, to size a default budget. Prints figures; asserts nothing.
// Run: node dist/bench/child-wall-time.js [imageSize=14] [children=12] [train=1000] [valid=500] [epochs=3] [batch=64]
import { loadTf } from '../backend/tf';
import { ChildTrainingConfig, CnnSpaceConfig } from '../config/search-config';
import { randomCnn } from '../test/child/random-cnn';
import { syntheticData } from '../test/trainer/synthetic-data';
import { mulberry32 } from '../random/prng';
import { trainChild } from '../trainer/train-child';

const LAYERS = 4;

async function main(): Promise<void> {
  const [size = 14, children = 12, train = 1000, valid = 500, epochs = 3, batch = 64] = process.argv.slice(2).map(Number);
  const tf = loadTf('cpu');
  const space = CnnSpaceConfig.parse({ kind: 'cnn', filters: [8, 12, 16, 24] }); // filter sizes {1,3,5,7}, stride 1, skips
  const data = syntheticData({ train, valid, classes: 10, size, seed: 1 });
  const training = ChildTrainingConfig.parse({ epochs, batchSize: batch });
  const random = mulberry32(size * 1000 + 1); // same children in every run, so runs compare
  // One untimed child: the first call pays one-off kernel and graph set-up.
  await trainChild(tf, { arch: randomCnn(space, LAYERS, random), data, training, seed: 1 });
  const seconds: number[] = [];
  for (let n = 0; n < children; n++) {
    const result = await trainChild(tf, { arch: randomCnn(space, LAYERS, random), data, training, seed: n + 1 });
    seconds.push(result.seconds);
  }
  const sorted = [...seconds].sort((a, b) => a - b);
  const mean = seconds.reduce((a, b) => a + b, 0) / seconds.length;
  console.log(`${size}x${size}, ${train} train + ${valid} valid, ${LAYERS} layers of {8,12,16,24}, ${epochs} epochs, batch ${batch}, ${children} children (pid ${process.pid}):`
    + ` mean ${mean.toFixed(2)} s, median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(2)} s,`
    + ` min ${sorted[0]!.toFixed(2)} s, max ${sorted[sorted.length - 1]!.toFixed(2)} s`);
}

void main();
