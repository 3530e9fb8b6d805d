// The passes a worker keeps for its batches' gradients (reinforce/sampled-passes.ts): found only for
// the very parameters, depth and tokens they were drawn with, within their byte budget, and the
// gradient taken from one (as often as asked) is the gradient a replay of its tokens gives, bit for bit.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSearchConfig } from '../../config/parse';
import { controllerSpec } from '../../controller/controller';
import { initialParameters } from '../../controller/parameters';
import { sampleBatch } from '../../controller/sample';
import { reinforceGradient, reinforceGradientOfPass } from '../../reinforce/estimator';
import { SampledPasses } from '../../reinforce/sampled-passes';

const spec = controllerSpec(parseSearchConfig({}));
const params = initialParameters(spec.layout, 0.08, 3);
const bits = (x: Float32Array) => Buffer.from(x.buffer, x.byteOffset, x.byteLength);

test('a kept pass is found only for the same parameters (bit for bit), depth, batch size and tokens', () => {
  const passes = new SampledPasses();
  const { samples, pass } = sampleBatch(spec, params, 4, 3, 1);
  const tokens = samples.map((s) => s.tokens);
  passes.keep('k', params, 4, pass);
  const flipped = Float32Array.from(params);
  new Uint32Array(flipped.buffer)[7]! ^= 1; // the last bit of one parameter
  const changed = tokens.map((t, r) => (r === 1 ? t.map((x, i) => (i === 0 ? 1 - x : x)) : t));
  assert.equal(passes.find('k', flipped, 4, tokens), undefined, 'one parameter bit');
  assert.equal(passes.find('k', params, 5, tokens), undefined, 'depth');
  assert.equal(passes.find('k', params, 4, tokens.slice(0, 2)), undefined, 'batch size');
  assert.equal(passes.find('k', params, 4, changed), undefined, 'one token');
  assert.equal(passes.find('other', params, 4, tokens), undefined, 'another batch');
  assert.equal(passes.hits, 0);
  assert.equal(passes.find('k', params, 4, tokens), pass);
  assert.equal(passes.hits, 1);
});

test('a gradient from a kept pass, taken twice, is the replayed gradient bit for bit', () => {
  const { samples, pass } = sampleBatch(spec, params, 6, 8, 4);
  const advantages = samples.map((_, k) => (k % 3) * 0.2 - 0.25);
  const replayed = reinforceGradient(spec, params, 6, samples.map((s, k) => ({ tokens: s.tokens, advantage: advantages[k]! })), 0.01);
  const first = reinforceGradientOfPass(spec, pass, advantages, 0.01);
  const second = reinforceGradientOfPass(spec, pass, advantages, 0.01);
  assert.ok(bits(first.gradient).equals(bits(replayed.gradient)));
  assert.ok(bits(second.gradient).equals(bits(replayed.gradient)));
  assert.equal(first.loss, replayed.loss);
});

test('passes are kept within the byte budget, oldest dropped first; one larger than it is not kept', () => {
  const drawn = [1, 2, 3].map((seed) => sampleBatch(spec, params, 4, 3, seed));
  const probe = new SampledPasses();
  probe.keep('probe', params, 4, drawn[0]!.pass);
  const one = (probe as unknown as { bytes: number }).bytes;
  assert.ok(one > params.byteLength, 'a pass costs more than its parameters');
  const passes = new SampledPasses(2 * one + 1);
  drawn.forEach((d, k) => passes.keep(`b${k}`, params, 4, d.pass));
  assert.equal(passes.size, 2);
  assert.equal(passes.find('b0', params, 4, drawn[0]!.samples.map((s) => s.tokens)), undefined, 'the oldest went');
  assert.ok(passes.find('b2', params, 4, drawn[2]!.samples.map((s) => s.tokens)));
  passes.forget('b2');
  assert.equal(passes.size, 1);
  const tiny = new SampledPasses(one - 1);
  tiny.keep('big', params, 4, drawn[0]!.pass);
  assert.equal(tiny.size, 0);
});
