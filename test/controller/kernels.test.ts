// The WebAssembly route of the controller's matrix products (controller/kernels.wat, arena.ts): the
// committed bytes are what the text assembles to; each kernel gives bit for bit what dense.ts's loops
// give, over shapes that reach every remainder branch; and whole passes (sampling and the REINFORCE
// gradient) of every kind of space are bit-identical with and without it, inside their arenas.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseSearchConfig } from '../../config/parse';
import type { SearchConfigInput } from '../../config/search-config';
import { Arena, kernelsOf, useWasmKernels, type Alloc } from '../../controller/arena';
import { controllerSpec } from '../../controller/controller';
import { addOuter, addProduct, addProductTransposed, transpose } from '../../controller/dense';
import { KERNELS_BASE64 } from '../../controller/kernels-binary';
import { initialParameters } from '../../controller/parameters';
import { sampleBatch, sampleTokens } from '../../controller/sample';
import { mulberry32 } from '../../random/prng';
import { reinforceGradient, reinforceGradientOfPass } from '../../reinforce/estimator';
import { assembleKernels, BINARY_PATH, binarySource } from '../support/wat';

const bits = (x: Float64Array | Float32Array) => Buffer.from(x.buffer, x.byteOffset, x.byteLength);

test('the committed kernel bytes are what controller/kernels.wat assembles to', async () => {
  const bytes = await assembleKernels();
  const fix = 'run `node dist/test/support/wat.js --write` after editing kernels.wat';
  assert.equal(KERNELS_BASE64, Buffer.from(bytes).toString('base64'), fix);
  assert.equal(readFileSync(BINARY_PATH, 'utf8'), binarySource(bytes), fix);
});

/** Random values with a share of exact zeros (the kernels skip all-zero groups as dense.ts does) and of -0. */
function fill(x: Float64Array, random: () => number): Float64Array {
  for (let i = 0; i < x.length; i++) {
    const u = random();
    x[i] = u < 0.25 ? 0 : u < 0.3 ? -0 : random() * 4 - 2;
  }
  return x;
}

// addProductTransposed runs as WebAssembly only given Wᵀ (backward.ts makes it); without, JS in both routes.
const KERNELS = ['addProduct', 'addProductTransposed given Wᵀ', 'addOuter'] as const;

test('each kernel gives bit for bit what the JavaScript loops give, at offsets, for every remainder of rows, inner and columns', () => {
  const random = mulberry32(11);
  let cases = 0;
  for (const name of KERNELS) {
    for (const rows of [1, 3, 4, 5, 8, 9]) {
      for (const inner of [1, 2, 3, 4, 7, 9, 17, 35]) {
        for (const cols of [1, 2, 3, 8, 35, 140]) {
          // The sizes of (out, a or d, W) for this kernel; W gets one row more than the product reads, which it skips.
          const [outLen, aLen, wLen] = name === 'addProduct' ? [rows * cols, rows * inner, (inner + 1) * cols]
            : name === 'addOuter' ? [(inner + 1) * cols, rows * inner, rows * cols]
              : [rows * inner, rows * cols, (inner + 1) * cols];
          const at = [3, 5, cols]; // element offsets into each array
          const lengths = [outLen + at[0]!, aLen + at[1]!, name === 'addOuter' ? wLen + at[2]! : wLen];
          const arena = new Arena(2 * (outLen + aLen + wLen) + 64);
          assert.ok(arena.wasm, 'this runtime has WebAssembly SIMD');
          const inArena = lengths.map((n) => arena.alloc(n));
          const plain = lengths.map((n) => new Float64Array(n));
          inArena.forEach((x, i) => plain[i]!.set(fill(x, random)));
          assert.ok(kernelsOf(inArena[0]!.buffer));
          const call = ([out, a, w]: Float64Array[], alloc: Alloc) => {
            if (name === 'addProduct') addProduct(out!, at[0]!, a!, at[1]!, rows, inner, w!, at[2]!, cols);
            else if (name === 'addOuter') addOuter(out!, at[0]!, a!, at[1]!, rows, inner, w!, at[2]!, cols);
            else addProductTransposed(out!, at[0]!, a!, at[1]!, rows, cols, w!, at[2]!, inner, transpose(w!, cols, alloc));
          };
          call(inArena, arena.alloc);
          call(plain, (n) => new Float64Array(n));
          assert.ok(bits(inArena[0]!).equals(bits(plain[0]!)), `${name} rows ${rows} inner ${inner} cols ${cols}`);
          assert.ok(bits(inArena[1]!).equals(bits(plain[1]!)) && bits(inArena[2]!).equals(bits(plain[2]!)), `${name} wrote only its output`);
          assert.ok(!arena.overflowed);
          cases++;
        }
      }
    }
  }
  assert.equal(cases, 3 * 6 * 8 * 6);
});

const SPACES: [string, SearchConfigInput, number, number][] = [
  ['cnn, paper space, 6 layers', {}, 6, 8],
  ['cnn, paper space at its deepest, 20 layers', {}, 20, 8],
  ['cnn, strides and pooling', { space: { kind: 'cnn', strides: [1, 2, 3], layerTypes: ['conv', 'maxPool', 'avgPool'] } }, 5, 3],
  ['rnnCell, base 8', { space: { kind: 'rnnCell', base: 8 } }, 0, 4],
  ['nb201', { space: { kind: 'nb201' }, data: { source: 'nb201Table', path: 'unused' } }, 6, 4],
];

for (const [name, input, numLayers, m] of SPACES) {
  test(`${name}: samples and REINFORCE gradients are bit-identical with the WebAssembly kernels and without`, () => {
    const spec = controllerSpec(parseSearchConfig(input));
    const params = initialParameters(spec.layout, 0.5, 5);
    const run = (wasm: boolean) => {
      useWasmKernels(wasm);
      const { samples, pass } = sampleBatch(spec, params, numLayers, m, 9);
      const scored = samples.map((s, k) => ({ tokens: s.tokens, advantage: (k % 3) - 0.7 }));
      const replayed = reinforceGradient(spec, params, numLayers, scored, 0.01);
      const samePass = reinforceGradientOfPass(spec, pass, scored.map((s) => s.advantage), 0.01);
      return { samples, replayed, samePass, arena: pass.arena };
    };
    let fast, slow;
    try {
      fast = run(true);
      slow = run(false);
    } finally {
      useWasmKernels(true);
    }
    // The replayed pass has the sampled one's size (same space, depth and m): it fits as well.
    assert.ok(fast.arena.wasm && !fast.arena.overflowed, 'the pass fits its arena, so every product took the WebAssembly route');
    assert.ok(!slow.arena.wasm);
    assert.deepEqual(fast.samples, slow.samples);
    assert.ok(bits(fast.replayed.gradient).equals(bits(slow.replayed.gradient)), 'replayed gradient');
    assert.ok(bits(fast.samePass.gradient).equals(bits(slow.samePass.gradient)), 'same-pass gradient');
    assert.ok(fast.replayed.gradient.some((g) => g !== 0));
  });
}

test('an arena past its size hands out ordinary arrays and the results stay the same; release gives back zeroed room', () => {
  const arena = new Arena(10);
  const a = arena.alloc(6);
  assert.ok(kernelsOf(a.buffer));
  const mark = arena.mark();
  const b = arena.alloc(4);
  b.fill(7);
  assert.ok(!arena.overflowed && arena.capacity >= 10);
  const c = arena.alloc(arena.capacity - 9); // one more than is left
  assert.ok(arena.overflowed && !kernelsOf(c.buffer) && c.length === arena.capacity - 9);
  arena.release(mark);
  const again = arena.alloc(4);
  assert.equal(again.byteOffset, b.byteOffset);
  assert.deepEqual([...again], [0, 0, 0, 0]);

  // A gradient whose pass overflowed (the tiniest arena) equals the one that did not.
  const spec = controllerSpec(parseSearchConfig({}));
  const params = initialParameters(spec.layout, 0.08, 1);
  const samples = sampleTokens(spec, params, 4, 3, 2).map((s) => ({ tokens: s.tokens, advantage: 0.4 }));
  const whole = reinforceGradient(spec, params, 4, samples, 0);
  const { pass } = sampleBatch(spec, params, 4, 3, 2);
  pass.arena.alloc(pass.arena.capacity - pass.arena.mark() - spec.layout.size + 1); // backward's gradient no longer fits; its smaller arrays do
  const split = reinforceGradientOfPass(spec, pass, samples.map((s) => s.advantage), 0);
  assert.ok(pass.arena.overflowed);
  assert.ok(bits(split.gradient).equals(bits(whole.gradient)));
});
