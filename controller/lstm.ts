// The controller's stacked LSTM (section 4.1: two layers of 35 units) over a batch of m samples, one
// step at a time, keeping in a tape what backpropagation through time needs. Not the heads, nor the
// anchor attention (controller.ts); the gates are the columns [i, f, g, o] of `lstm{l}/kernel`.
import { plainAlloc, type Alloc } from './arena';
import { addOuter, addProduct, addProductTransposed, type Transposed } from './dense';

export interface LstmWeights {
  readonly kernel: Float64Array; // [2H, 4H]: rows 0..H-1 multiply the input, H..2H-1 the previous h
  readonly bias: Float64Array; // [4H]
}

/**
 * Where layer 0's input at a step comes from: rows of `tape.input`, zero, or the row `index[r]` of a
 * table of input·kernel[0:H] worked out once per pass for all inputs a step can take (the `go` vector,
 * a decision's embeddings): a choice's input is one of a handful of embeddings, so a lookup replaces
 * a quarter of the LSTM's multiply-adds. `gradient` [n, 4H] gathers ∂L/∂(row), which the caller turns
 * into gradients of the kernel and of the embeddings once per pass.
 */
export type LstmInput =
  | { kind: 'dense' }
  | { kind: 'zero' }
  | { kind: 'table'; rows: Float64Array; gradient: Float64Array; index: Int32Array };

export interface LstmTape {
  readonly hidden: number;
  readonly m: number;
  readonly input: Float64Array; // [steps, m, H]: layer 0's input of 'dense' steps; the caller writes step t before `lstmForward`
  readonly sources: LstmInput[]; // per step
  readonly h: Float64Array[]; // per layer [steps, m, H]
  readonly c: Float64Array[]; // per layer [steps, m, H]
  readonly tanhC: Float64Array[]; // per layer [steps, m, H]: tanh(c), which backward needs again
  readonly gates: Float64Array[]; // per layer [steps, m, 4H], after sigmoid (i, f, o) or tanh (g)
}

export function lstmTape(layers: number, hidden: number, m: number, steps: number, alloc: Alloc = plainAlloc): LstmTape {
  const make = (width: number) => Array.from({ length: layers }, () => alloc(steps * m * width));
  return { hidden, m, input: alloc(steps * m * hidden), sources: [], h: make(hidden), c: make(hidden), tanhC: make(hidden), gates: make(4 * hidden) };
}

const DENSE: LstmInput = { kind: 'dense' };

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/** Step t of every layer: c = σ(f)·c_prev + σ(i)·tanh(g), h = σ(o)·tanh(c); the state before step 0 is zero. */
export function lstmForward(tape: LstmTape, weights: readonly LstmWeights[], t: number, source: LstmInput): void {
  const { hidden: H, m } = tape;
  const at = t * m * H;
  tape.sources[t] = source;
  weights.forEach(({ kernel, bias }, l) => {
    const z = tape.gates[l]!;
    const zAt = 4 * at;
    for (let r = 0; r < m; r++) z.set(bias, zAt + r * 4 * H);
    if (l > 0 || source.kind === 'dense') {
      addProduct(z, zAt, l === 0 ? tape.input : tape.h[l - 1]!, at, m, H, kernel, 0, 4 * H); // [m, 4H] += x · kernel[0:H]
    } else if (source.kind === 'table') {
      for (let r = 0; r < m; r++) {
        const row = source.index[r]! * 4 * H;
        for (let j = 0; j < 4 * H; j++) z[zAt + r * 4 * H + j]! += source.rows[row + j]!;
      }
    }
    if (t > 0) addProduct(z, zAt, tape.h[l]!, at - m * H, m, H, kernel, H * 4 * H, 4 * H); // += h_prev · kernel[H:2H]
    const c = tape.c[l]!;
    const tanhC = tape.tanhC[l]!;
    const h = tape.h[l]!;
    for (let r = 0; r < m; r++) {
      const g0 = zAt + r * 4 * H;
      for (let u = 0; u < H; u++) {
        const i = sigmoid(z[g0 + u]!);
        const f = sigmoid(z[g0 + H + u]!);
        const g = Math.tanh(z[g0 + 2 * H + u]!);
        const o = sigmoid(z[g0 + 3 * H + u]!);
        z[g0 + u] = i;
        z[g0 + H + u] = f;
        z[g0 + 2 * H + u] = g;
        z[g0 + 3 * H + u] = o;
        const s = at + r * H + u;
        const cell = (t > 0 ? f * c[s - m * H]! : 0) + i * g;
        c[s] = cell;
        tanhC[s] = Math.tanh(cell);
        h[s] = o * tanhC[s]!;
      }
    }
  });
}

/** What flows back from step t+1 into step t: the gradients of each layer's h and c. */
export interface LstmCarry {
  readonly dh: Float64Array[]; // per layer [m, H]
  readonly dc: Float64Array[]; // per layer [m, H]
  readonly dz: Float64Array; // scratch [m, 4H]
  readonly dx: Float64Array; // scratch [m, H]
}

export function lstmCarry(layers: number, hidden: number, m: number, alloc: Alloc = plainAlloc): LstmCarry {
  const make = () => Array.from({ length: layers }, () => alloc(m * hidden));
  return { dh: make(), dc: make(), dz: alloc(m * 4 * hidden), dx: alloc(m * hidden) };
}

/**
 * Backpropagates step t given dOut = ∂L/∂h of the top layer [m, H] from the heads: accumulates the
 * kernel and bias gradients, updates `carry` for step t−1 and writes ∂L/∂input of step t into dInput [m, H]
 * (zero unless the step's input is 'dense').
 */
export function lstmBackward(
  tape: LstmTape, weights: readonly LstmWeights[], grads: readonly LstmWeights[], t: number,
  dOut: Float64Array, carry: LstmCarry, dInput: Float64Array, kernelsT: readonly (Transposed | undefined)[] = [],
): void {
  const { hidden: H, m } = tape;
  const at = t * m * H;
  const { dz, dx } = carry;
  for (let l = weights.length - 1; l >= 0; l--) {
    const dh = carry.dh[l]!;
    const dc = carry.dc[l]!;
    const above = l === weights.length - 1 ? dOut : dx;
    const gates = tape.gates[l]!;
    const c = tape.c[l]!;
    const tanhC = tape.tanhC[l]!;
    for (let r = 0; r < m; r++) {
      const g0 = 4 * (at + r * H);
      for (let u = 0; u < H; u++) {
        const s = r * H + u;
        const i = gates[g0 + u]!;
        const f = gates[g0 + H + u]!;
        const g = gates[g0 + 2 * H + u]!;
        const o = gates[g0 + 3 * H + u]!;
        const tc = tanhC[at + s]!;
        const dhTotal = dh[s]! + above[s]!;
        const dcTotal = dc[s]! + dhTotal * o * (1 - tc * tc);
        const cPrev = t > 0 ? c[at + s - m * H]! : 0;
        dz[r * 4 * H + u] = dcTotal * g * i * (1 - i);
        dz[r * 4 * H + H + u] = dcTotal * cPrev * f * (1 - f);
        dz[r * 4 * H + 2 * H + u] = dcTotal * i * (1 - g * g);
        dz[r * 4 * H + 3 * H + u] = dhTotal * tc * o * (1 - o);
        dc[s] = dcTotal * f; // ∂L/∂c_(t−1)
      }
    }
    const { kernel } = weights[l]!;
    const { kernel: gKernel, bias: gBias } = grads[l]!;
    for (let r = 0; r < m; r++) for (let j = 0; j < 4 * H; j++) gBias[j]! += dz[r * 4 * H + j]!;
    const source = l === 0 ? tape.sources[t]! : DENSE;
    if (source.kind === 'dense') addOuter(gKernel, 0, l === 0 ? tape.input : tape.h[l - 1]!, at, m, H, dz, 0, 4 * H); // kernel[0:H] += xᵀ · dz
    if (source.kind === 'table') {
      for (let r = 0; r < m; r++) {
        const row = source.index[r]! * 4 * H;
        for (let j = 0; j < 4 * H; j++) source.gradient[row + j]! += dz[r * 4 * H + j]!;
      }
    }
    dh.fill(0);
    if (t > 0) {
      addOuter(gKernel, H * 4 * H, tape.h[l]!, at - m * H, m, H, dz, 0, 4 * H); // kernel[H:2H] += h_prevᵀ · dz
      addProductTransposed(dh, 0, dz, 0, m, 4 * H, kernel, H * 4 * H, H, kernelsT[l]); // ∂L/∂h_(t−1) = dz · kernel[H:2H]ᵀ
    }
    const target = l === 0 ? dInput : dx;
    target.fill(0);
    if (source.kind === 'dense') addProductTransposed(target, 0, dz, 0, m, 4 * H, kernel, 0, H, kernelsT[l]); // ∂L/∂x = dz · kernel[0:H]ᵀ
  }
}
