// Where one controller pass keeps the arrays its matrix products read and write: a WebAssembly memory
// of its own, so that dense.ts hands those products to the SIMD kernels of kernels.wat (bit-identical
// to its loops, about four times faster). An arena only hands out zeroed slices and never grows
// (growing would detach every view); past its size it hands out ordinary arrays, which dense.ts
// multiplies in JavaScript: slower, never wrong. Where WebAssembly SIMD is missing, every arena does so.
import { KERNELS_BASE64 } from './kernels-binary';

/** The exports of kernels.wat: byte addresses in the arena's memory, and element counts. */
export interface Kernels {
  addProduct(out: number, a: number, rows: number, inner: number, w: number, cols: number): void;
  addProductTransposed(out: number, d: number, rows: number, cols: number, wt: number, inner: number, stride: number): void;
  addOuter(gw: number, a: number, rows: number, inner: number, d: number, cols: number): void;
}

/**
 * The part of Node's WebAssembly API used here, typed locally: the ES2022 lib tsconfig.json targets
 * has no WebAssembly, and a global declaration of our own could clash with a later @types/node.
 */
interface WasmModule { readonly kind?: 'module' }
interface WasmApi {
  Module: new (bytes: Uint8Array) => WasmModule;
  Memory: new (descriptor: { initial: number }) => { readonly buffer: ArrayBuffer };
  Instance: new (module: WasmModule, imports: Record<string, Record<string, unknown>>) => { readonly exports: Record<string, unknown> };
  validate(bytes: Uint8Array): boolean;
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** Zeroed arrays of a given length. */
export type Alloc = (length: number) => Float64Array;

export const plainAlloc: Alloc = (length) => new Float64Array(length);

let compiled: WasmModule | null | undefined; // undefined until first asked; null where this runtime cannot run it
let enabled = true;
const kernelsByMemory = new WeakMap<ArrayBufferLike, Kernels>();

function kernelModule(): WasmModule | null {
  if (compiled === undefined) {
    const bytes = Buffer.from(KERNELS_BASE64, 'base64');
    compiled = wasm.validate(bytes) ? new wasm.Module(bytes) : null;
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
function wasmMemory(module: WasmModule, doubles: number): Float64Array | null {
  let memory: InstanceType<WasmApi['Memory']>;
  try {
    memory = new wasm.Memory({ initial: Math.max(1, Math.ceil((doubles * 8) / 65536)) });
  } catch (err) {
    if (err instanceof RangeError) return null; // "could not allocate memory": the JS loops do the same arithmetic
    throw err;
  }
  kernelsByMemory.set(memory.buffer, new wasm.Instance(module, { env: { memory } }).exports as unknown as Kernels);
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
