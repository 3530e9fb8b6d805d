// The one place that loads a tfjs backend: `@tensorflow/tfjs-node` on CPU, `@tensorflow/tfjs-node-gpu`
// on CUDA. Everything else receives the returned module and uses the tfjs API only, so the GPU path
// runs exactly the code the CPU path runs. It does not install anything (setup/tfjs-node*.sh do).
import path from 'node:path';
import type * as tfApi from '@tensorflow/tfjs';
import { repoRoot } from '../config/runtime';
import { BackendUnavailableError } from '../errors';
import { cudaDriverFound } from './cuda-driver';

/** The tfjs API (what every module but this one programs against). */
export type Tf = typeof tfApi;
export type BackendKind = 'cpu' | 'gpu';

const PACKAGES: Record<BackendKind, string> = {
  cpu: '@tensorflow/tfjs-node',
  gpu: '@tensorflow/tfjs-node-gpu',
};

export interface LoadOptions {
  /** NAS_HOME (runtime.home): setup/tfjs-node-gpu.sh installs the GPU backend into <home>/gpu. */
  home?: string;
  /** Where the one CPU-fallback warning goes; stderr by default. */
  warn?: (message: string) => void;
}

/** What the tfjs-node(-gpu) native binding exposes about itself (tfjs_binding.d.ts). */
export interface NativeBinding {
  isUsingGpuDevice(): boolean;
  /** Tensor handles the binding holds: the native side of tf.memory().numTensors. */
  getNumOfTensors(): number;
}

let loaded: { kind: BackendKind; tf: Tf } | undefined;

/** Loads the backend once per process; asking for the other one afterwards is an error. */
export function loadTf(kind: BackendKind = 'cpu', options: LoadOptions = {}): Tf {
  if (loaded) {
    if (loaded.kind !== kind) throw new BackendUnavailableError(`backend ${loaded.kind} is already loaded in this process; cannot switch to ${kind}`);
    return loaded.tf;
  }
  // libtensorflow's start-up notes (CPU features, oneDNN) are noise in worker logs; errors still show.
  // Without an NVIDIA driver, the GPU library's one error line ("failed call to cuInit") is expected:
  // our warning below replaces it, so that process shows TensorFlow's fatal errors only (op errors
  // still reach JS as exceptions).
  const noDriver = kind === 'gpu' && !cudaDriverFound(process.env.LD_LIBRARY_PATH);
  process.env.TF_CPP_MIN_LOG_LEVEL ??= noDriver ? '3' : '2';
  // On a GPU, take device memory as children need it rather than all of it at start, so several
  // children (training.concurrency) share one device: a child's tensors are all disposed when it ends
  // (workers/memory-watch.ts checks it), and the next child reuses the allocator's free blocks.
  if (kind === 'gpu') process.env.TF_FORCE_GPU_ALLOW_GROWTH ??= 'true';
  // TensorFlow's oneDNN CPU kernels (convolutions, batch norm, their gradients) on every x86 CPU:
  // libtensorflow turns them on by itself only on CPUs with AVX-512 VNNI / BF16 or AMX, so an AVX2
  // machine (AMD EPYC here) ran the slower Eigen kernels (children 1.4-1.6x slower), and which kernels
  // a search ran depended on the CPU. Both backends, so the GPU build's CPU fallback keeps backend cpu's results.
  // Measured: bench/child-launches/results/2026-12-03-onednn.md. TF_ENABLE_ONEDNN_OPTS=0 opts out.
  process.env.TF_ENABLE_ONEDNN_OPTS ??= '1';
  let tf: Tf;
  try {
    tf = kind === 'gpu' ? requireGpu(options.home ?? path.join(repoRoot(), '.nas')) : require(PACKAGES.cpu) as Tf;
  } catch (err) {
    const hint = kind === 'gpu'
      ? 'run `bash setup/tfjs-node-gpu.sh` (or `NAS_BACKEND=gpu bash setup/install.sh`) to build it against PyPI\'s CUDA-12 tensorflow wheel'
      : 'run `bash setup/install.sh` to build its binding';
    throw new BackendUnavailableError(`cannot load ${PACKAGES[kind]}: ${(err as Error).message.split('\n')[0]}; ${hint}`);
  }
  loaded = { kind, tf };
  if (kind === 'gpu' && !nativeBinding(tf)?.isUsingGpuDevice()) {
    const why = noDriver
      ? 'no NVIDIA driver (libcuda.so.1 not found)'
      : `TensorFlow found no usable GPU (CUDA_VISIBLE_DEVICES=${process.env.CUDA_VISIBLE_DEVICES ?? 'unset'}; TF_CPP_MIN_LOG_LEVEL=0 shows why)`;
    (options.warn ?? ((m: string) => process.stderr.write(`nas: warning: ${m}\n`)))(
      `backend gpu: ${why}; training on the CPU, with the same results as backend cpu`);
  }
  return tf;
}

/** The GPU package from <home>/gpu first (setup/tfjs-node-gpu.sh), else from wherever Node finds it. */
function requireGpu(home: string): Tf {
  const entry = require.resolve(PACKAGES.gpu, { paths: [path.join(home, 'gpu'), __dirname] });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(entry) as Tf;
}

/** The native binding behind the loaded backend, or undefined for a backend without one. */
export function nativeBinding(tf: Tf): NativeBinding | undefined {
  const binding = (tf.backend() as unknown as { binding?: Partial<NativeBinding> }).binding;
  return typeof binding?.isUsingGpuDevice === 'function' && typeof binding.getNumOfTensors === 'function'
    ? binding as NativeBinding
    : undefined;
}
