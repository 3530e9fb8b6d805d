// The one place that loads a tfjs backend: `@tensorflow/tfjs-node` on CPU, `@tensorflow/tfjs-node-gpu`
// on CUDA. Everything else receives the returned module and uses the tfjs API only, so the GPU path
// runs exactly the code the CPU path runs.
import type * as tfApi from '@tensorflow/tfjs';
import { BackendUnavailableError } from '../errors';

/** The tfjs API (what every module but this one programs against). */
export type Tf = typeof tfApi;
export type BackendKind = 'cpu' | 'gpu';

const PACKAGES: Record<BackendKind, string> = {
  cpu: '@tensorflow/tfjs-node',
  gpu: '@tensorflow/tfjs-node-gpu',
};

let loaded: { kind: BackendKind; tf: Tf } | undefined;

/** Loads the backend once per process; asking for the other one afterwards is an error. */
export function loadTf(kind: BackendKind = 'cpu'): Tf {
  if (loaded) {
    if (loaded.kind !== kind) throw new BackendUnavailableError(`backend ${loaded.kind} is already loaded in this process; cannot switch to ${kind}`);
    return loaded.tf;
  }
  const pkg = PACKAGES[kind];
  // libtensorflow's start-up notes (CPU features, oneDNN) are noise in worker logs; errors still show.
  process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
  // On a GPU, take device memory as children need it rather than all of it at start: a child's
  // tensors are all disposed when it ends (the CPU tests assert it), and the next child reuses them.
  if (kind === 'gpu') process.env.TF_FORCE_GPU_ALLOW_GROWTH ??= 'true';
  let tf: Tf;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    tf = require(pkg) as Tf;
  } catch (err) {
    const hint = kind === 'gpu'
      ? `install it with \`npm install ${pkg}@4.22.0 --allow-scripts=${pkg}\` on a CUDA 11.2 / cuDNN 8.1 machine with internet`
      : 'run `bash setup/install.sh` to build its binding';
    throw new BackendUnavailableError(`cannot load ${pkg}: ${(err as Error).message.split('\n')[0]}; ${hint}`);
  }
  loaded = { kind, tf };
  return tf;
}
