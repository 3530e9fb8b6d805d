// One measurement of bench/gpu/check.ts, in a process of its own (one libtensorflow per process):
// `probe` (what the binding sees), `digits` (digits-size children trained whole, with memory read
// after each) or `paper` (a paper-size child's epoch, timed). Prints one `RESULT {json}` line. Figures
// only; it asserts nothing. Run: node dist/bench/gpu/measure.js probe|digits|paper cpu|gpu '{options}'
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { type BackendKind, loadTf, nativeBinding, type Tf } from '../../backend/tf';
import { loadRuntimeConfig } from '../../config/runtime';
import { ChildTrainingConfig } from '../../config/search-config';
import { mulberry32 } from '../../random/prng';
import { type CnnArchitecture, type CnnLayer, validateCnn } from '../../space/cnn';
import { trainChild } from '../../trainer/train-child';
import type { TrainingData } from '../../trainer/training-data';
import { type MemoryFigures, memoryFigures } from '../../workers/memory-watch';

const conv = (size: number, filters: number, inputs: number[]): CnnLayer => ({ filterHeight: size, filterWidth: size, filters, stride: 1, inputs });

/** The digits preset's deepest child (6 layers of its space: filters 8–24, sizes 1–5, skips). */
const DIGITS_ARCH = validateCnn({
  kind: 'cnn', layers: [conv(3, 16, []), conv(5, 24, [0]), conv(3, 16, [0, 1]), conv(1, 24, [1, 2]), conv(5, 8, [0, 3]), conv(3, 24, [2, 3, 4])],
});
/** The digits preset's child recipe (config/presets.ts): 14×14×1, 1,000 train + 500 valid, 3 epochs of Adam. */
const DIGITS_TRAINING = ChildTrainingConfig.parse({ epochs: 3, batchSize: 32, optimizer: 'adam', learningRate: 0.005, rewardWindow: 5 });

/** The paper preset's child at its starting depth (6 layers; it grows to 20): filters 24–64, sizes 1–7, skips. */
const PAPER_ARCH = validateCnn({
  kind: 'cnn', layers: [conv(3, 36, []), conv(5, 48, [0]), conv(3, 36, [0, 1]), conv(1, 64, [1, 2]), conv(7, 36, [0, 3]), conv(3, 48, [2, 3, 4])],
});
/** Section 4.1's recipe as the paper preset trains it: 32×32×3, batch 64, Nesterov SGD, weight decay, crop + flip. */
const PAPER = { epochs: 50, train: 45000, valid: 5000, batchSize: 64 };

/** Seeded random images and labels of a shape: the speed of a child does not depend on what it learns. */
function randomData(options: { train: number; valid: number; size: number; channels: number; seed: number }): TrainingData {
  const random = mulberry32(options.seed);
  const split = (count: number) => ({
    images: Float32Array.from({ length: count * options.size * options.size * options.channels }, () => random()), // [count, h, w, c]
    labels: Int32Array.from({ length: count }, () => Math.floor(random() * 10)), // [count]
    count,
  });
  return { train: split(options.train), valid: split(options.valid), numClasses: 10, height: options.size, width: options.size, channels: options.channels };
}

/** MiB of device memory the driver reports for this process and for the whole device (nvidia-smi); null where it cannot tell. */
function driverMemory(device: string): { processMiB: number | null; deviceMiB: number | null } {
  const query = (args: string[]) => {
    const out = spawnSync('nvidia-smi', [...args, '--format=csv,noheader,nounits'], { encoding: 'utf8', timeout: 10_000 });
    return out.status === 0 ? out.stdout.trim().split('\n').map((line) => line.split(',').map((cell) => cell.trim())) : null;
  };
  const apps = query(['--query-compute-apps=pid,used_memory']);
  const mine = apps?.find(([pid]) => Number(pid) === process.pid);
  const gpu = query(['-i', device, '--query-gpu=memory.used']);
  return { processMiB: mine ? Number(mine[1]) : null, deviceMiB: gpu?.[0]?.[0] !== undefined ? Number(gpu[0][0]) : null };
}

function probe(tf: Tf) {
  const binding = nativeBinding(tf) as (ReturnType<typeof nativeBinding> & { TF_Version?: string }) | undefined;
  const library = fs.readFileSync('/proc/self/maps', 'utf8').split('\n').find((l) => l.endsWith('/libtensorflow_cc.so.2'))?.split(/\s+/).pop() ?? null;
  return { usingGpu: binding?.isUsingGpuDevice() ?? false, tensorflow: binding?.TF_Version ?? null, library };
}

interface DigitsOptions { concurrency: number; maxChildren: number; seconds: number; device: string }

/** Digits-size children trained whole by `concurrency` loops at once (as a worker with training.concurrency would). */
async function digits(tf: Tf, options: DigitsOptions) {
  const data = randomData({ train: 1000, valid: 500, size: 14, channels: 1, seed: 1 });
  // One untimed child: the first pays one-off kernel set-up (and, on a GPU, cuDNN autotuning).
  await trainChild(tf, { arch: DIGITS_ARCH, data, training: DIGITS_TRAINING, seed: 0 });
  const start = memoryFigures(tf);
  const memory: { child: number; figures: MemoryFigures; processMiB: number | null; deviceMiB: number | null }[] = [];
  const began = performance.now();
  let started = 0;
  let done = 0;
  let reading = 0; // ms spent asking nvidia-smi: not training time
  const loop = async () => {
    while (started < options.maxChildren && performance.now() - began - reading < options.seconds * 1000) {
      const seed = ++started;
      const result = await trainChild(tf, { arch: DIGITS_ARCH, data, training: DIGITS_TRAINING, seed });
      if (result.status !== 'succeeded') throw new Error(`child ${seed} ${result.status}: ${result.error}`);
      done += 1;
      if (options.concurrency === 1) {
        const read = performance.now();
        memory.push({ child: done, figures: memoryFigures(tf), ...driverMemory(options.device) });
        reading += performance.now() - read;
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, loop));
  const seconds = (performance.now() - began - reading) / 1000;
  return { children: done, seconds, childrenPerHour: (done / seconds) * 3600, start, memory };
}

/** Seconds of one paper-size epoch over `batches` batches (the second of two), projected to a whole child. */
async function paper(tf: Tf, options: { batches: number }) {
  const train = options.batches * PAPER.batchSize;
  const valid = Math.max(PAPER.batchSize, Math.round((train * PAPER.valid) / PAPER.train));
  const data = randomData({ train, valid, size: 32, channels: 3, seed: 2 });
  const training = ChildTrainingConfig.parse({
    epochs: 2, batchSize: PAPER.batchSize, optimizer: 'sgd', learningRate: 0.1, momentum: 0.9, weightDecay: 1e-4, augment: { cropPadding: 4, flip: true },
  });
  const stamps: number[] = [performance.now()];
  await trainChild(tf, { arch: PAPER_ARCH, data, training, seed: 1, onEpoch: () => { stamps.push(performance.now()); } });
  const epochSeconds = (stamps[2]! - stamps[1]!) / 1000;
  // An epoch's time grows with its images (train and the proportional validation split).
  const childSeconds = PAPER.epochs * epochSeconds * (PAPER.train / train);
  return { batches: options.batches, epochSeconds, imagesPerSecond: (train + valid) / epochSeconds, childSeconds, childrenPerHour: 3600 / childSeconds };
}

async function main(): Promise<void> {
  const [part, kind, json = '{}'] = process.argv.slice(2);
  if ((part !== 'probe' && part !== 'digits' && part !== 'paper') || (kind !== 'cpu' && kind !== 'gpu')) {
    throw new Error('usage: measure.js probe|digits|paper cpu|gpu [json options]');
  }
  const options = JSON.parse(json) as Partial<DigitsOptions & { batches: number }>;
  const tf = loadTf(kind as BackendKind, { home: loadRuntimeConfig().home });
  const seen = probe(tf);
  let result: object = {};
  if (part === 'probe') {
    // A few steps of a small child, so that the placement log shows the training ops (conv, BN, Adam).
    await trainChild(tf, { arch: DIGITS_ARCH, data: randomData({ train: 64, valid: 32, size: 14, channels: 1, seed: 3 }), training: { ...DIGITS_TRAINING, epochs: 1 }, seed: 1 });
  } else if (part === 'digits') {
    result = await digits(tf, { concurrency: options.concurrency ?? 1, maxChildren: options.maxChildren ?? 50, seconds: options.seconds ?? 60, device: options.device ?? '0' });
  } else {
    result = await paper(tf, { batches: options.batches ?? 20 });
  }
  process.stdout.write(`RESULT ${JSON.stringify({ part, backend: kind, ...seen, ...result })}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
