// The GPU backend on a machine (or process) without a GPU: it loads, warns once, trains on the CPU,
// gives the cpu backend's results bit for bit, and leaves no tensor behind. Runs wherever
// setup/tfjs-node-gpu.sh built the GPU binding (in $NAS_HOME/gpu), and is skipped elsewhere: CI's clean
// clone does not build it (a 5 GB opt-in install). On a GPU machine the GPU is hidden from the child
// process (CUDA_VISIBLE_DEVICES=''), so this tests the fallback there too; the GPU itself: bench/gpu/check.sh.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';
import { cudaDriverFound } from '../../backend/cuda-driver';
import { loadRuntimeConfig } from '../../config/runtime';

const HELPER = path.join(__dirname, '..', 'support', 'train-on-backend.js');
const home = loadRuntimeConfig().home;

function gpuBindingInstalled(): boolean {
  try {
    require.resolve('@tensorflow/tfjs-node-gpu', { paths: [path.join(home, 'gpu')] });
  } catch {
    return false;
  }
  // Resolving is not loading: a package without its built binding (npm ci alone) does not count.
  const probe = spawnSync(process.execPath, ['-e', `require(require.resolve('@tensorflow/tfjs-node-gpu', { paths: [${JSON.stringify(path.join(home, 'gpu'))}] }))`],
    { env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3' }, encoding: 'utf8' });
  return probe.status === 0;
}

const skip = gpuBindingInstalled() ? false : `the GPU binding is not built in ${path.join(home, 'gpu')}; run \`bash setup/tfjs-node-gpu.sh\` (opt-in, about 5 GB)`;

interface Figures { numTensors: number; numBytes: number; nativeTensors: number | null }
interface Run {
  backend: string;
  library: string | null;
  usingGpu: boolean | null;
  children: { optimizer: string; status: string; accuracies: number[]; losses: number[]; reward: number; after: Figures }[];
  cell: { status: string; perplexities: number[]; reward: number; after: Figures };
  start: Figures;
}

function train(kind: 'cpu' | 'gpu'): { run: Run; stderr: string } {
  const env: NodeJS.ProcessEnv = { ...process.env, CUDA_VISIBLE_DEVICES: '' };
  delete env.TF_CPP_MIN_LOG_LEVEL; // the backend's own default, as a worker gets it
  const out = spawnSync(process.execPath, [HELPER, kind, home], { env, encoding: 'utf8', timeout: 180_000 });
  assert.equal(out.status, 0, `${kind} helper failed:\n${out.stderr}`);
  return { run: JSON.parse(out.stdout) as Run, stderr: out.stderr };
}

/** stderr's lines without glog's time and thread prefix (`I0000 00:00:1796.5   710 port.cc:153] ...`). */
function logLines(stderr: string): string[] {
  return stderr.split('\n').filter((line) => line.trim() !== '').map((line) => line.replace(/^([IWEF])\d{4} [\d:.]+\s+\d+ /, '$1 '));
}

describe('backend gpu without a GPU', { skip }, () => {
  it('trains on the CPU with one warning, the cpu backend\'s exact results, and no leak', () => {
    const cpu = train('cpu');
    const gpu = train('gpu');
    assert.equal(gpu.run.backend, 'tensorflow');
    assert.ok(gpu.run.library?.startsWith(path.join(home, 'gpu', 'node_modules', '@tensorflow', 'tfjs-node-gpu', 'deps')), `gpu runs the CUDA build: ${gpu.run.library}`);
    assert.ok(cpu.run.library && !cpu.run.library.startsWith(path.join(home, 'gpu')), `cpu runs the CPU build: ${cpu.run.library}`);
    assert.equal(gpu.run.usingGpu, false);

    const warnings = gpu.stderr.split('\n').filter((line) => line.includes('warning'));
    assert.equal(warnings.length, 1, `one warning, got:\n${gpu.stderr}`);
    assert.match(warnings[0]!, /^nas: warning: backend gpu: .*; training on the CPU, with the same results as backend cpu$/);
    // Without a driver, TensorFlow's own "failed call to cuInit" error line is replaced by ours: stderr
    // holds the warning and what the cpu backend prints too (libtensorflow's oneDNN start-up note).
    if (!cudaDriverFound(process.env.LD_LIBRARY_PATH)) {
      assert.deepEqual(logLines(gpu.stderr).filter((line) => line !== warnings[0]), logLines(cpu.stderr), 'nothing but the warning beyond the cpu backend\'s output');
    }
    assert.doesNotMatch(cpu.stderr, /warning/);

    for (const run of [cpu.run, gpu.run]) {
      assert.ok(run.children.every((c) => c.status === 'succeeded') && run.cell.status === 'succeeded', JSON.stringify(run));
      for (const figures of [...run.children.map((c) => c.after), run.cell.after]) assert.deepEqual(figures, run.start, 'memory back at its level after each child');
    }
    assert.deepEqual(gpu.run.children, cpu.run.children, 'same accuracies, losses and rewards as backend cpu');
    assert.deepEqual(gpu.run.cell, cpu.run.cell, 'same perplexities as backend cpu');
  });
});
