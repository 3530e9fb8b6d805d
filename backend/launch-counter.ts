// Counts native kernel launches: every call into the tfjs-node binding's executeOp, the single-op
// call that costs most of a child's CPU time (issue 11). It measures; it changes nothing run, and it
// is not a profiler (no times, no op names beyond a tally).
import type { Tf } from './tf';

interface CountingBinding { executeOp: (name: string, ...rest: unknown[]) => unknown }

export interface LaunchCount { total: number; byOp: Map<string, number> }

/** Runs `fn`, counting the kernels it launches; the binding is restored afterwards, even on a throw. */
export async function countLaunches<T>(tf: Tf, fn: () => Promise<T> | T): Promise<{ result: T; launches: LaunchCount }> {
  const backend = tf.backend() as unknown as { binding?: CountingBinding };
  const binding = backend.binding;
  if (typeof binding?.executeOp !== 'function') throw new Error('countLaunches needs the tfjs-node backend (no native binding)');
  const launches: LaunchCount = { total: 0, byOp: new Map() };
  // The native binding's properties are read-only, so the backend gets a stand-in for the binding:
  // its constants and calls, bound to it, with executeOp counting before it forwards.
  const standIn: Record<string, unknown> = {};
  for (const key of Object.getOwnPropertyNames(binding)) {
    const value: unknown = Reflect.get(binding, key);
    standIn[key] = typeof value === 'function' ? value.bind(binding) : value;
  }
  standIn.executeOp = (name: string, ...rest: unknown[]) => {
    launches.total++;
    launches.byOp.set(name, (launches.byOp.get(name) ?? 0) + 1);
    return binding.executeOp.call(binding, name, ...rest);
  };
  backend.binding = standIn as unknown as CountingBinding;
  try {
    return { result: await fn(), launches };
  } finally {
    backend.binding = binding;
  }
}
