// The controller passes a worker process sampled batches in, kept for the REINFORCE gradient of the
// same batch (issue 11). applyReinforceUpdate takes that gradient at the parameters the batch was
// sampled with (its snapshot), so when this process sampled it, the sampling pass is the pass a replay
// would compute, bit for bit, and only backpropagation is left to do. Checked before use: the same
// parameters, depth and tokens; otherwise (another worker sampled it, a restart, a batch cut to the
// budget) the gradient replays the tokens as before. Kept within a byte budget, oldest dropped first.
import { tokensPerSample, type ControllerPass } from '../controller/controller';

interface Kept {
  readonly params: Float32Array;
  readonly numLayers: number;
  readonly pass: ControllerPass;
  readonly bytes: number;
}

const sameBits = (a: Float32Array, b: Float32Array) =>
  a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

/** What keeping a pass holds on to: the parameters, and its arena or (without one) at least its LSTM tape. */
function footprint(params: Float32Array, pass: ControllerPass): number {
  const { lstm } = pass;
  const tape = [lstm.input, ...lstm.h, ...lstm.c, ...lstm.tanhC, ...lstm.gates].reduce((sum, x) => sum + x.byteLength, 0);
  return params.byteLength + (pass.arena.wasm ? pass.arena.capacity * 8 : tape);
}

export class SampledPasses {
  private readonly kept = new Map<string, Kept>();
  private bytes = 0;
  /** How many gradients were taken from a kept pass (tests and benches read it). */
  hits = 0;

  /** At most `budgetBytes` held (64 MiB: some 40 passes of the paper's 6-layer controller at m = 8). */
  constructor(private readonly budgetBytes = 64 * 1024 * 1024) {}

  keep(key: string, params: Float32Array, numLayers: number, pass: ControllerPass): void {
    this.forget(key);
    const bytes = footprint(params, pass);
    if (bytes > this.budgetBytes) return; // a batch this large replays: keeping it would hold too much
    this.kept.set(key, { params: Float32Array.from(params), numLayers, pass, bytes });
    this.bytes += bytes;
    for (const oldest of this.kept.keys()) {
      if (this.bytes <= this.budgetBytes) break;
      this.forget(oldest);
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
    const kept = this.kept.get(key);
    if (!kept) return;
    this.kept.delete(key);
    this.bytes -= kept.bytes;
  }

  get size(): number {
    return this.kept.size;
  }
}
