// Where one controller pass keeps the arrays its matrix products read and write: a WebAssembly memory
// of its own, so that dense.ts hands those products to the SIMD kernels of kernels.wat (bit-identical
// to its loops, about four times faster). An arena only hands out zeroed slices and never grows
// (growing would detach every view); past its size it hands out ordinary arrays, which dense.ts
// multiplies in JavaScript: slower, never wrong. Where WebAssembly SIMD is missing, every arena does so.
import { KERNELS_BASE64 } from './kernels-binary';

/** The exports of kernels.wat: byte addresses in the arena's memory, and element counts. */
export interface Kernels {
  addProduct(out: number, a: number, rows: number, inner: number, w: number, cols: number): void;
  addProductTransposed(out: number, d: number, rows: number, cols: number, w: number, inner: number): void;
  addProductTransposedT(out: number, d: number, rows: number, cols: number, wt: number, inner: number, stride: number): void;
  addOuter(gw: number, a: number, rows: number, inner: number, d: number, cols: number): void;
}

/** Zeroed arrays of a given length. */
export type Alloc = (length: number) => Float64Array;

export const plainAlloc: Alloc = (length) => new Float64Array(length);

let compiled: WebAssembly.Module | null | undefined; // undefined until first asked; null where this runtime cannot run it
let enabled = true;
const kernelsByMemory = new WeakMap<ArrayBufferLike, Kernels>();

function kernelModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    const bytes = Buffer.from(KERNELS_BASE64, 'base64');
    compiled = WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
  }
  return compiled;
}

/** The kernels whose memory `buffer` is, if it is an arena's. */
export function kernelsOf(buffer: ArrayBufferLike): Kernels | undefined {
  return kernelsByMemory.get(buffer);
}

/** Off: arenas made from now on hand out ordinary arrays (tests compare both routes). */
export function useWasmKernels(on: boolean): void {
  enabled = on;
}

/** A memory of `doubles` float64 values with the kernels bound to it; null if the runtime refuses one (address space). */
function wasmMemory(module: WebAssembly.Module, doubles: number): Float64Array | null {
  let memory: WebAssembly.Memory;
  try {
    memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil((doubles * 8) / 65536)) });
  } catch (err) {
    if (err instanceof RangeError) return null; // "could not allocate memory": the JS loops do the same arithmetic
    throw err;
  }
  kernelsByMemory.set(memory.buffer, new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as Kernels);
  return new Float64Array(memory.buffer);
}

export class Arena {
  private readonly memory: Float64Array | null;
  private used = 0;
  /** True once an allocation did not fit and fell back to an ordinary array. */
  overflowed = false;

  /** Room for `doubles` float64 values. */
  constructor(doubles: number) {
    const module = enabled ? kernelModule() : null;
    this.memory = module ? wasmMemory(module, doubles) : null;
  }

  get wasm(): boolean {
    return this.memory !== null;
  }

  /** How many float64 values fit: at least what was asked, rounded up to whole 64-KiB pages. */
  get capacity(): number {
    return this.memory?.length ?? 0;
  }

  readonly alloc: Alloc = (length) => {
    if (this.memory && this.used + length <= this.memory.length) {
      const slice = this.memory.subarray(this.used, this.used + length);
      this.used += length;
      return slice;
    }
    if (this.memory) this.overflowed = true;
    return new Float64Array(length);
  };

  /** Where the next allocation goes; `release(mark)` gives back, zeroed, everything allocated since. */
  mark(): number {
    return this.used;
  }

  release(mark: number): void {
    this.memory?.fill(0, mark, this.used);
    this.used = Math.min(this.used, mark);
  }
}
