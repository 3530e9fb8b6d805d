// The tfjs side of one side-by-side measurement process: trains the job's children with this
// project's trainChild (tfjs-node) on the exchanged data, and prints one JSON line (job.ts Outcome).
// The PyTorch side is bench/pytorch/child.py. Asserts nothing; side-by-side.ts compares.
// Run: node dist/bench/pytorch/tfjs-child.js '<job JSON>'
import { loadTf } from '../../backend/tf';
import { ChildTrainingConfig } from '../../config/child-training-config';
import { trainChild } from '../../trainer/train-child';
import { readData } from './exchange';
import { type ChildOutcome, Job } from './job';
import { runBench } from '../results-file';

runBench(async () => {
  const job = Job.parse(JSON.parse(process.argv[2] ?? ''));
  // libtensorflow reads these when it starts (at the require in loadTf); the parent sets them too.
  for (const name of ['TF_NUM_INTRAOP_THREADS', 'TF_NUM_INTEROP_THREADS', 'OMP_NUM_THREADS']) process.env[name] = String(job.threads);
  const tf = loadTf('cpu');
  const data = readData(job.data);
  const training = ChildTrainingConfig.parse(job.recipe);
  if (job.warmup) {
    await trainChild(tf, { arch: job.children[0]!.arch, data, training: { ...training, epochs: 1 }, seed: job.seed });
  }
  const children: ChildOutcome[] = [];
  for (const child of job.children) {
    const stamps: number[] = [];
    const cpu = process.cpuUsage();
    const losses: number[] = [];
    const result = await trainChild(tf, {
      arch: child.arch, data, training, seed: job.seed,
      onEpoch: (_epoch, _accuracy, loss) => { stamps.push(performance.now()); losses.push(loss); },
    });
    if (result.status !== 'succeeded') throw new Error(`${child.name}: ${result.error}`);
    const epochs = stamps.length;
    children.push({
      name: child.name,
      seconds: result.seconds,
      cpuSeconds: ((u) => (u.user + u.system) / 1e6)(process.cpuUsage(cpu)),
      steadyImagesPerSecond: epochs > 1 ? (data.train.count * (epochs - 1)) / ((stamps[epochs - 1]! - stamps[0]!) / 1000) : NaN,
      validationAccuracies: result.validationAccuracies,
      losses,
    });
  }
  process.stdout.write(`${JSON.stringify({ side: 'tfjs', version: `tfjs-node ${tf.version.tfjs}`, children })}\n`);
});
