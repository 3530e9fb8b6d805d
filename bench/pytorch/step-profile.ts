// Where a digits child's training step spends its CPU time on tfjs-node (issue 11's "where does tfjs
// still lose"): every call into the native binding is timed in process CPU seconds, which a shared
// machine's other load does not inflate (executeOp by kernel name; tensor creation, reads and frees by call), over the second of two epochs of trainChild on the embedded
// digits, 1 thread. What is not inside the binding is JavaScript: tfjs' engine (tape, tidy, kernel
// dispatch) and the trainer's loop. A profile, not a benchmark: the timing wrapper adds its own cost.
// Run: TF_NUM_INTRAOP_THREADS=1 TF_NUM_INTEROP_THREADS=1 OMP_NUM_THREADS=1 node dist/bench/pytorch/step-profile.js
import { loadTf, type Tf } from '../../backend/tf';
import { ChildTrainingConfig } from '../../config/child-training-config';
import { DataConfig, type TrainedDataConfig } from '../../config/search-config';
import { loadDataset } from '../../data/load';
import { trainChild } from '../../trainer/train-child';
import { runBench } from '../results-file';
import { DIGITS_DEFAULT } from './regimes';

type Binding = Record<string, unknown>;

/** CPU milliseconds of this process so far (all threads). */
const cpuMs = (): number => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };

/** Replaces the backend's binding with one whose calls add their CPU milliseconds to `times`; returns the restore. */
function timeBinding(tf: Tf, times: Map<string, { ms: number; calls: number }>): () => void {
  const backend = tf.backend() as unknown as { binding: Binding };
  const binding = backend.binding;
  const standIn: Binding = {};
  for (const key of Object.getOwnPropertyNames(binding)) {
    const value = Reflect.get(binding, key) as unknown;
    if (typeof value !== 'function') { standIn[key] = value; continue; }
    const call = (value as (...a: unknown[]) => unknown).bind(binding);
    standIn[key] = (...args: unknown[]) => {
      const started = cpuMs();
      try {
        return call(...args);
      } finally {
        const name = key === 'executeOp' ? String(args[0]) : `binding.${key}`;
        const entry = times.get(name) ?? { ms: 0, calls: 0 };
        entry.ms += cpuMs() - started;
        entry.calls++;
        times.set(name, entry);
      }
    };
  }
  backend.binding = standIn;
  return () => { backend.binding = binding; };
}

runBench(async () => {
  const tf = loadTf('cpu');
  const data = await loadDataset(tf, DataConfig.parse({ source: 'mnist', trainSize: 1000, validSize: 500, testSize: 500, imageSize: 14 }) as TrainedDataConfig, 1);
  const training = ChildTrainingConfig.parse({ ...DIGITS_DEFAULT.recipe, epochs: 2 });
  const steps = Math.ceil(data.train.count / training.batchSize);
  await trainChild(tf, { arch: Object.values(DIGITS_DEFAULT.children)[0]!, data, training: { ...training, epochs: 1 }, seed: 7 }); // warm-up
  for (const [name, arch] of Object.entries(DIGITS_DEFAULT.children)) {
    const times = new Map<string, { ms: number; calls: number }>();
    let restore: (() => void) | undefined;
    let started = 0;
    let wall = 0; // CPU ms of the whole epoch: the name of what a 1-thread process spends
    await trainChild(tf, {
      arch, data, training, seed: 7,
      onEpoch: (epoch) => {
        if (epoch === 0) { restore = timeBinding(tf, times); started = cpuMs(); return; }
        wall = cpuMs() - started;
        restore?.();
      },
    });
    restore?.();
    const entries = [...times].sort((a, b) => b[1].ms - a[1].ms);
    const inBinding = entries.reduce((s, [, t]) => s + t.ms, 0);
    const kernels = entries.filter(([op]) => !op.startsWith('binding.'));
    const launches = kernels.reduce((s, [, t]) => s + t.calls, 0);
    const perStep = (ms: number): string => (ms / steps).toFixed(2);
    console.log(`${name}: ${perStep(wall)} CPU ms a step (epoch 2 and its validation, ${steps} steps), ` +
      `${perStep(inBinding)} in the native binding (${((100 * inBinding) / wall).toFixed(0)}%), ${perStep(wall - inBinding)} outside it; ` +
      `${(launches / steps).toFixed(1)} kernels a step`);
    console.log(`  CPU ms a step: ${entries.slice(0, 12).map(([op, t]) => `${op} ${perStep(t.ms)} (${(t.calls / steps).toFixed(1)}×)`).join(', ')}`);
  }
});
