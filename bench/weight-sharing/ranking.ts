// Does a shared-weight reward rank architectures as training from scratch does? Trains ω on
// uniformly sampled children of the `sharing` preset's space (no controller: the ranking of ω itself
// is measured), rewards N further sampled children under ω, trains the same N from scratch with the
// preset's child recipe, and prints Kendall's τ between the two, with the CPU seconds each mode
// spends per evaluated architecture. In-process, no servers. A bench: it prints, it never fails on the numbers.
//   node dist/bench/weight-sharing/ranking.js [--data DIR] [--seed 1] [--archs 20] [--steps 2000]
//     [--train 5000] [--valid 1000] [--image 14] [--epochs 3] [--out FILE.md]
import { loadTf } from '../../backend/tf';
import { report, runBench } from '../results-file';
import { parseSearchConfig } from '../../config/parse';
import { PRESETS } from '../../config/presets';
import { loadDataset } from '../../data/load';
import { mixSeed, mulberry32 } from '../../random/prng';
import { type CnnArchitecture, cnnSteps, decodeCnn } from '../../space/cnn';
import { trainChild } from '../../trainer/train-child';
import { omegaShape } from '../../weight-sharing/omega-holder';
import { createOmegaOptimizer } from '../../weight-sharing/omega-optimizer';
import { MinibatchOrder, type OmegaState, sharedAccuracy, splitTensors, trainOmegaStep } from '../../weight-sharing/omega-trainer';
import { kendallTau } from '../../weight-sharing/ranking';
import { createSharedNetwork, sharedParamCount } from '../../weight-sharing/shared-network';

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
}

const cpuSeconds = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };

async function main(): Promise<void> {
  const seed = Number(flag('seed', '1'));
  const archs = Number(flag('archs', '20'));
  const steps = Number(flag('steps', '2000'));
  const dataDir = flag('data', '/usr/share/datasets/fashion-mnist');
  const config = parseSearchConfig({
    ...PRESETS.sharing, seed,
    data: { source: 'idx', path: dataDir, trainSize: Number(flag('train', '5000')), validSize: Number(flag('valid', '1000')), testSize: 0, imageSize: Number(flag('image', '14')) },
    child: { ...PRESETS.sharing.child, epochs: Number(flag('epochs', '3')) },
  });
  if (config.space.kind !== 'cnn' || config.data.source === 'nb201Table') throw new Error('the sharing preset searches the CNN space on images');
  const space = config.space;
  const tf = loadTf('cpu');
  const data = await loadDataset(tf, config.data as Parameters<typeof loadDataset>[1], seed);
  const depth = config.schedule.startLayers;
  const sample = (random: () => number): CnnArchitecture => decodeCnn(space, depth, cnnSteps(space, depth).flatMap((step) => step.kind === 'choice'
    ? [Math.floor(random() * step.choices.length)] : Array.from({ length: step.layer }, () => (random() < 0.5 ? 1 : 0))));

  const ws = config.weightSharing;
  const shape = omegaShape(config, data);
  const state: OmegaState = { net: createSharedNetwork(tf, shape, seed), step: 0, optimizer: createOmegaOptimizer({ ...ws }) };
  const train = splitTensors(tf, data, data.train);
  const valid = splitTensors(tf, data, data.valid);
  const order = new MinibatchOrder(data.train.count, ws.batchSize, seed);
  const trainRandom = mulberry32(mixSeed(seed, 1));
  const startedOmega = cpuSeconds();
  while (state.step < steps) trainOmegaStep(tf, state, sample(trainRandom), train, order.indices(state.step));
  const omegaCpu = cpuSeconds() - startedOmega;

  const evalRandom = mulberry32(mixSeed(seed, 2));
  const candidates = Array.from({ length: archs }, () => sample(evalRandom));
  const images = Int32Array.from({ length: Math.min(ws.evalImages, valid.count) }, (_, i) => i);
  const startedEval = cpuSeconds();
  const shared = candidates.map((arch) => sharedAccuracy(tf, state.net, arch, valid, images));
  const evalCpu = (cpuSeconds() - startedEval) / archs;

  const scratch: number[] = [];
  const startedScratch = cpuSeconds();
  for (const [k, arch] of candidates.entries()) {
    const result = await trainChild(tf, { arch, data, training: config.child, seed: mixSeed(seed, 3, k) });
    scratch.push(Math.max(...result.validationAccuracies));
    process.stderr.write(`  ${k + 1}/${archs}: shared ${shared[k]!.toFixed(3)}  from scratch ${scratch[k]!.toFixed(3)}\n`);
  }
  const scratchCpu = (cpuSeconds() - startedScratch) / archs;
  const tau = kendallTau(shared, scratch);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const lines = [
    `# Shared-weight ranking against from-scratch training, seed ${seed}`,
    '',
    `Command: \`node dist/bench/weight-sharing/ranking.js ${process.argv.slice(2).join(' ')}\` (${new Date().toISOString().slice(0, 10)})`,
    `Data: idx ${dataDir}, ${data.train.count} train / ${data.valid.count} valid images at ${data.height}x${data.width}; space of the sharing preset at ${depth} layers; ω ${sharedParamCount(state.net)} parameters, kernels ${ws.kernels}, ${ws.optimizer} at ${ws.learningRate}.`,
    '',
    `| architectures | ω steps (uniform samples) | mean shared acc. | mean from-scratch acc. (${config.child.epochs} epochs) | Kendall τ | CPU s per architecture, shared (eval + ω training / archs) | CPU s per architecture, from scratch |`,
    '|---|---|---|---|---|---|---|',
    `| ${archs} | ${steps} | ${mean(shared).toFixed(3)} | ${mean(scratch).toFixed(3)} | ${tau.toFixed(3)} | ${evalCpu.toFixed(2)} + ${(omegaCpu / archs).toFixed(1)} | ${scratchCpu.toFixed(1)} |`,
    '',
    'Per architecture (shared, from scratch): ' + candidates.map((_, k) => `(${shared[k]!.toFixed(3)}, ${scratch[k]!.toFixed(3)})`).join(' '),
  ];
  report(lines, flag('out', ''));
}

runBench(main);
