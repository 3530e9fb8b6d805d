// A checkpoint of ω: its weights and optimizer slots as one float32 vector with a manifest of names
// and shapes, and the ω step it was taken at (its version). Not the SQL (store/shared-weights.ts).
// Names are the networks' logical names, so a checkpoint restores into a fresh process.
import type { Tf } from '../backend/tf';
import { InvalidConfigError } from '../errors';
import { createOmegaOptimizer, type OmegaOptimizerConfig } from './omega-optimizer';
import type { OmegaState } from './omega-trainer';
import { createSharedNetwork, logicalName, type SharedNetworkShape } from './shared-network';

export interface ManifestEntry { name: string; shape: number[]; offset: number }

export interface OmegaCheckpoint {
  /** The ω step (minibatches trained) the checkpoint holds: the version children are rewarded at. */
  step: number;
  shape: SharedNetworkShape;
  manifest: ManifestEntry[];
  values: Float32Array;
}

/** Manifest names of optimizer slots and of Adam's per-variable step counts (weights have none of these prefixes). */
const SLOT = 'slot:';
const STEPS = 'steps:';

/** Copies ω and its slots out of the tensors (synchronously: the state must not move meanwhile). */
export function takeCheckpoint(state: OmegaState): OmegaCheckpoint {
  const { net, optimizer } = state;
  const named: Array<{ name: string; shape: number[]; values: Float32Array }> = net.variables.map((v) => ({ name: logicalName(net, v), shape: [...v.shape], values: v.dataSync() as Float32Array }));
  for (const [name, slot] of [...optimizer.slots.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    named.push({ name: SLOT + name.slice(net.prefix.length), shape: [...slot.shape], values: slot.dataSync() as Float32Array });
  }
  const steps = [...optimizer.steps.entries()].sort(([a], [b]) => a.localeCompare(b));
  if (steps.length > 0) named.push({ name: STEPS + JSON.stringify(steps.map(([n]) => n.slice(net.prefix.length))), shape: [steps.length], values: Float32Array.from(steps.map(([, t]) => t)) });
  const values = new Float32Array(named.reduce((n, e) => n + e.values.length, 0));
  const manifest: ManifestEntry[] = [];
  let offset = 0;
  for (const entry of named) {
    values.set(entry.values, offset);
    manifest.push({ name: entry.name, shape: entry.shape, offset });
    offset += entry.values.length;
  }
  return { step: state.step, shape: net.shape, manifest, values };
}

/** A fresh ω with the checkpoint's weights and slots; its shape must be the one the search needs. */
export function restoreCheckpoint(tf: Tf, checkpoint: OmegaCheckpoint, expected: SharedNetworkShape, optimizerConfig: OmegaOptimizerConfig): OmegaState {
  if (!sameShape(checkpoint.shape, expected)) {
    throw new InvalidConfigError(`the ω checkpoint at step ${checkpoint.step} has shape ${JSON.stringify(checkpoint.shape)}, but this search needs ${JSON.stringify(expected)}`);
  }
  const net = createSharedNetwork(tf, expected, 1);
  const optimizer = createOmegaOptimizer(optimizerConfig);
  const byName = new Map(net.variables.map((v) => [logicalName(net, v), v]));
  const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
  for (const entry of checkpoint.manifest) {
    const values = checkpoint.values.subarray(entry.offset, entry.offset + size(entry.shape));
    if (entry.name.startsWith(SLOT)) {
      const slot = net.prefix + entry.name.slice(SLOT.length);
      optimizer.slots.set(slot, tf.tidy(() => tf.variable(tf.tensor(values, entry.shape), false, slot)));
      continue;
    }
    if (entry.name.startsWith(STEPS)) {
      (JSON.parse(entry.name.slice(STEPS.length)) as string[]).forEach((name, k) => optimizer.steps.set(net.prefix + name, values[k]!));
      continue;
    }
    const variable = byName.get(entry.name);
    if (!variable) throw new InvalidConfigError(`the ω checkpoint at step ${checkpoint.step} has a weight ${entry.name} this network does not`);
    tf.tidy(() => variable.assign(tf.tensor(values, entry.shape)));
    byName.delete(entry.name);
  }
  if (byName.size > 0) throw new InvalidConfigError(`the ω checkpoint at step ${checkpoint.step} lacks ${[...byName.keys()].slice(0, 3).join(', ')}`);
  return { net, optimizer, step: checkpoint.step };
}

/** Field by field: a shape read back from jsonb has its keys in another order. */
function sameShape(a: SharedNetworkShape, b: SharedNetworkShape): boolean {
  return a.maxLayers === b.maxLayers && a.filterHeights.join() === b.filterHeights.join() && a.filterWidths.join() === b.filterWidths.join()
    && a.kernels === b.kernels && a.maxFilters === b.maxFilters && a.numClasses === b.numClasses
    && a.image.height === b.image.height && a.image.width === b.image.width && a.image.channels === b.image.channels;
}
