// The three row-major matrix products the controller's forward and backward passes are made of,
// over Float64Array with offsets so that no slice is ever copied. Not a general linear-algebra
// library: sizes are the controller's (tens of units), where a plain loop beats dispatching kernels.
// Each loop handles four rows of W at once, so every output element is loaded and stored a quarter
// as often (about twice as fast in V8 as the one-row loop, measured on the 35-unit LSTM). When all three
// arrays lie in one arena (arena.ts), the same arithmetic runs as kernels.wat instead, bit-identical
// (but for a NaN's payload). `out` never overlaps the arrays read: the two routes would then differ.
import { kernelsOf, type Alloc } from './arena';

/** Wᵀ of a whole [rows, cols] matrix W: values[j · stride + k] = W[k, j], stride = rows. */
export interface Transposed {
  readonly values: Float64Array;
  readonly stride: number;
}

export function transpose(w: Float64Array, cols: number, alloc: Alloc): Transposed {
  const rows = w.length / cols;
  const values = alloc(w.length);
  for (let k = 0; k < rows; k++) for (let j = 0; j < cols; j++) values[j * rows + k] = w[k * cols + j]!;
  return { values, stride: rows };
}

/** out[r, :] += a[r, :] · W for r < rows; a is [rows, inner], W is [inner, cols], out is [rows, cols]. */
export function addProduct(out: Float64Array, outAt: number, a: Float64Array, aAt: number, rows: number, inner: number, w: Float64Array, wAt: number, cols: number): void {
  const kernels = kernelsOf(out.buffer);
  if (kernels && a.buffer === out.buffer && w.buffer === out.buffer) {
    kernels.addProduct(out.byteOffset + 8 * outAt, a.byteOffset + 8 * aAt, rows, inner, w.byteOffset + 8 * wAt, cols);
    return;
  }
  for (let r = 0; r < rows; r++) {
    const o = outAt + r * cols;
    const ar = aAt + r * inner;
    let k = 0;
    for (; k + 3 < inner; k += 4) {
      const x0 = a[ar + k]!, x1 = a[ar + k + 1]!, x2 = a[ar + k + 2]!, x3 = a[ar + k + 3]!;
      if (x0 === 0 && x1 === 0 && x2 === 0 && x3 === 0) continue; // zero inputs (layer 0 after the first anchor) add nothing for finite W
      const w0 = wAt + k * cols, w1 = w0 + cols, w2 = w1 + cols, w3 = w2 + cols;
      for (let j = 0; j < cols; j++) out[o + j]! += x0 * w[w0 + j]! + x1 * w[w1 + j]! + x2 * w[w2 + j]! + x3 * w[w3 + j]!;
    }
    for (; k < inner; k++) {
      const x = a[ar + k]!;
      const w0 = wAt + k * cols;
      for (let j = 0; j < cols; j++) out[o + j]! += x * w[w0 + j]!;
    }
  }
}

/**
 * out[r, k] += Σ_j d[r, j] · W[k, j]: the input gradient of `addProduct`, d is [rows, cols], out [rows, inner].
 * Given `wT`, Wᵀ of the whole of w, the WebAssembly route reads that instead (eight sums at once, same bits).
 */
export function addProductTransposed(out: Float64Array, outAt: number, d: Float64Array, dAt: number, rows: number, cols: number, w: Float64Array, wAt: number, inner: number, wT?: Transposed): void {
  const kernels = kernelsOf(out.buffer);
  if (kernels && wT && d.buffer === out.buffer && wT.values.buffer === out.buffer) {
    if (wAt % cols !== 0 || wT.values.length !== w.length || wAt / cols + inner > wT.stride) throw new Error(`Wᵀ does not match W [${w.length / cols}, ${cols}] at row ${wAt / cols}`);
    kernels.addProductTransposed(out.byteOffset + 8 * outAt, d.byteOffset + 8 * dAt, rows, cols, wT.values.byteOffset + 8 * (wAt / cols), inner, wT.stride);
    return;
  }
  for (let r = 0; r < rows; r++) {
    const dr = dAt + r * cols;
    const o = outAt + r * inner;
    let k = 0;
    for (; k + 3 < inner; k += 4) {
      const w0 = wAt + k * cols, w1 = w0 + cols, w2 = w1 + cols, w3 = w2 + cols;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let j = 0; j < cols; j++) {
        const v = d[dr + j]!;
        s0 += v * w[w0 + j]!;
        s1 += v * w[w1 + j]!;
        s2 += v * w[w2 + j]!;
        s3 += v * w[w3 + j]!;
      }
      out[o + k]! += s0;
      out[o + k + 1]! += s1;
      out[o + k + 2]! += s2;
      out[o + k + 3]! += s3;
    }
    for (; k < inner; k++) {
      const w0 = wAt + k * cols;
      let s = 0;
      for (let j = 0; j < cols; j++) s += d[dr + j]! * w[w0 + j]!;
      out[o + k]! += s;
    }
  }
}

/** W[k, j] += Σ_r a[r, k] · d[r, j]: the weight gradient of `addProduct`, a is [rows, inner], d [rows, cols]. */
export function addOuter(gw: Float64Array, gwAt: number, a: Float64Array, aAt: number, rows: number, inner: number, d: Float64Array, dAt: number, cols: number): void {
  const kernels = kernelsOf(gw.buffer);
  if (kernels && a.buffer === gw.buffer && d.buffer === gw.buffer) {
    kernels.addOuter(gw.byteOffset + 8 * gwAt, a.byteOffset + 8 * aAt, rows, inner, d.byteOffset + 8 * dAt, cols);
    return;
  }
  let r = 0;
  for (; r + 3 < rows; r += 4) {
    const d0 = dAt + r * cols, d1 = d0 + cols, d2 = d1 + cols, d3 = d2 + cols;
    const a0 = aAt + r * inner, a1 = a0 + inner, a2 = a1 + inner, a3 = a2 + inner;
    for (let k = 0; k < inner; k++) {
      const x0 = a[a0 + k]!, x1 = a[a1 + k]!, x2 = a[a2 + k]!, x3 = a[a3 + k]!;
      if (x0 === 0 && x1 === 0 && x2 === 0 && x3 === 0) continue;
      const g = gwAt + k * cols;
      for (let j = 0; j < cols; j++) gw[g + j]! += x0 * d[d0 + j]! + x1 * d[d1 + j]! + x2 * d[d2 + j]! + x3 * d[d3 + j]!;
    }
  }
  for (; r < rows; r++) {
    const d0 = dAt + r * cols;
    for (let k = 0; k < inner; k++) {
      const x = a[aAt + r * inner + k]!;
      if (x === 0) continue;
      const g = gwAt + k * cols;
      for (let j = 0; j < cols; j++) gw[g + j]! += x * d[d0 + j]!;
    }
  }
}
