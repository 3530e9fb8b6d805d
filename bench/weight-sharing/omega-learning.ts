// How fast does ω learn? Trains the shared weights of the `sharing` preset on uniformly sampled
// children (each minibatch a fresh one) and prints, every --every steps, the mean validation accuracy
// under ω of 4 children it never trained on; once per kernel layout, and with two controls: only the
// skips drawn (kernel and filters fixed), and one fixed child trained alone through ω. In-process.
// A bench: it prints, it never fails on the numbers.
//   node dist/bench/weight-sharing/omega-learning.js [--steps 2000] [--every 500] [--seed 1] [--out FILE.md]
import { loadTf } from '../../backend/tf';
import { report, runBench } from '../results-file';
import { parseSearchConfig } from '../../config/parse';
import { PRESETS } from '../../config/presets';
import { CnnSpaceConfig } from '../../config/search-config';
import { loadDataset } from '../../data/load';
import { mixSeed, mulberry32 } from '../../random/prng';
import { type CnnArchitecture, cnnSteps, decodeCnn } from '../../space/cnn';
import { omegaShape } from '../../weight-sharing/omega-holder';
import { createOmegaOptimizer, disposeOmegaOptimizer } from '../../weight-sharing/omega-optimizer';
import { MinibatchOrder, type OmegaState, sharedAccuracy, splitTensors, trainOmegaStep } from '../../weight-sharing/omega-trainer';
import { createSharedNetwork, disposeSharedNetwork } from '../../weight-sharing/shared-network';

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
}

async function main(): Promise<void> {
  const steps = Number(flag('steps', '2000'));
  const every = Number(flag('every', '500'));
  const seed = Number(flag('seed', '1'));
  const config = parseSearchConfig({ ...PRESETS.sharing, seed });
  if (config.space.kind !== 'cnn' || config.data.source !== 'mnist') throw new Error('the sharing preset searches the CNN space on the embedded digits');
  const space: CnnSpaceConfig = config.space;
  const tf = loadTf('cpu');
  const data = await loadDataset(tf, config.data, seed);
  const depth = config.schedule.startLayers;
  const skipsOnly = CnnSpaceConfig.parse({ ...space, filterHeights: [3], filterWidths: [3], filters: [Math.max(...config.space.filters)] });
  const sampler = (space: CnnSpaceConfig) => (random: () => number): CnnArchitecture => decodeCnn(space, depth, cnnSteps(space, depth)
    .flatMap((step) => step.kind === 'choice' ? [Math.floor(random() * step.choices.length)] : Array.from({ length: step.layer }, () => (random() < 0.5 ? 1 : 0))));
  const fixed = sampler(space)(mulberry32(mixSeed(seed, 9)));
  const runs: { name: string; kernels: 'centreSlice' | 'perShape'; sample: (random: () => number) => CnnArchitecture; unseen: (k: number) => CnnArchitecture }[] = [
    { name: 'uniform children, centreSlice', kernels: 'centreSlice', sample: sampler(space), unseen: (k) => sampler(space)(mulberry32(mixSeed(seed, 100 + k))) },
    { name: 'uniform children, perShape', kernels: 'perShape', sample: sampler(space), unseen: (k) => sampler(space)(mulberry32(mixSeed(seed, 100 + k))) },
    { name: 'control: only the skips drawn (3x3, widest)', kernels: 'centreSlice', sample: sampler(skipsOnly), unseen: (k) => sampler(skipsOnly)(mulberry32(mixSeed(seed, 100 + k))) },
    { name: 'control: one fixed child (its own accuracy)', kernels: 'centreSlice', sample: () => fixed, unseen: () => fixed },
  ];
  const train = splitTensors(tf, data, data.train);
  const valid = splitTensors(tf, data, data.valid);
  const all = Int32Array.from({ length: valid.count }, (_, i) => i);
  const checkpoints = Array.from({ length: Math.floor(steps / every) }, (_, i) => (i + 1) * every);
  const lines = [
    `# How fast ω learns (${new Date().toISOString().slice(0, 10)})`, '',
    `Command: \`node dist/bench/weight-sharing/omega-learning.js ${process.argv.slice(2).join(' ')}\``,
    `Space and data of the sharing preset (${depth} layers, ${data.train.count} digits at ${data.height}x${data.width}); ω ${config.weightSharing.optimizer} at ${config.weightSharing.learningRate}, batch ${config.weightSharing.batchSize}; mean accuracy of 4 children ω never trained on, on ${valid.count} validation images.`, '',
    `| run | ${checkpoints.map((c) => `${c} steps`).join(' | ')} | ms per step |`,
    `|---|${checkpoints.map(() => '---|').join('')}---|`,
  ];
  for (const run of runs) {
    const ws = { ...config.weightSharing, kernels: run.kernels };
    const state: OmegaState = { net: createSharedNetwork(tf, omegaShape({ ...config, weightSharing: ws }, data), seed), step: 0, optimizer: createOmegaOptimizer(ws) };
    const order = new MinibatchOrder(data.train.count, ws.batchSize, seed);
    const random = mulberry32(mixSeed(seed, 1));
    const accuracies: string[] = [];
    const started = performance.now();
    while (state.step < steps) {
      trainOmegaStep(tf, state, run.sample(random), train, order.indices(state.step));
      if (state.step % every === 0) accuracies.push(([0, 1, 2, 3].reduce((sum, k) => sum + sharedAccuracy(tf, state.net, run.unseen(k), valid, all), 0) / 4).toFixed(3));
    }
    lines.push(`| ${run.name} | ${accuracies.join(' | ')} | ${((performance.now() - started) / steps).toFixed(0)} |`);
    process.stderr.write(`${lines.at(-1)}\n`);
    disposeSharedNetwork(state.net);
    disposeOmegaOptimizer(state.optimizer);
  }
  report(lines, flag('out', ''));
}

runBench(main);
