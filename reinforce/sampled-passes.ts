// The controller passes a worker process sampled batches in, kept for the REINFORCE gradient of the
// same batch (issue 11). applyReinforceUpdate takes that gradient at the parameters the batch was
// sampled with (its snapshot), so when this process sampled it, the sampling pass is the pass a replay
// would compute, bit for bit, and only backpropagation is left to do. Checked before use: the same
// parameters, depth and tokens; otherwise (another worker sampled it, a restart, a batch cut to the
// budget) the gradient replays the tokens as before. A few passes are kept, the oldest dropped first.
import { tokensPerSample, type ControllerPass } from '../controller/controller';

interface Kept {
  readonly params: Float32Array;
  readonly numLayers: number;
  readonly pass: ControllerPass;
}

const sameBits = (a: Float32Array, b: Float32Array) =>
  a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

export class SampledPasses {
  private readonly kept = new Map<string, Kept>();
  /** How many gradients were taken from a kept pass (tests and benches read it). */
  hits = 0;

  constructor(private readonly capacity = 8) {}

  keep(key: string, params: Float32Array, numLayers: number, pass: ControllerPass): void {
    this.kept.delete(key);
    this.kept.set(key, { params: Float32Array.from(params), numLayers, pass });
    for (const oldest of this.kept.keys()) {
      if (this.kept.size <= this.capacity) break;
      this.kept.delete(oldest);
    }
  }

  /** The pass kept for `key` if a replay of `tokens` (per sample) at `params` would compute exactly it. */
  find(key: string, params: Float32Array, numLayers: number, tokens: readonly (readonly number[])[]): ControllerPass | undefined {
    const kept = this.kept.get(key);
    if (!kept || kept.numLayers !== numLayers || kept.pass.m !== tokens.length || !sameBits(kept.params, params)) return undefined;
    const drawn = tokensPerSample(kept.pass);
    if (!tokens.every((t, r) => t.length === drawn[r]!.length && t.every((x, i) => x === drawn[r]![i]))) return undefined;
    this.hits++;
    return kept.pass;
  }

  forget(key: string): void {
    this.kept.delete(key);
  }
}
