// The LSTM controller over the recurrent-cell space: for bases 2, 4 and 8 every sample decodes to a
// cell, the same seed gives the same cells, and the REINFORCE gradient on those tokens is finite on
// every parameter. The space itself is tested in test/space/rnn-cell.test.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSearchConfig } from '../../config/parse';
import { controllerSpec } from '../../controller/controller';
import { initialParameters } from '../../controller/parameters';
import { sampleTokens } from '../../controller/sample';
import { reinforceGradient } from '../../reinforce/estimator';
import { encodeRnnCell } from '../../space/rnn-cell';
import { decodeArchitecture, depthAt } from '../../space/search-space';

test('sampled cells decode for bases 2, 4, 8; same seed, same cells; finite REINFORCE gradient', () => {
  for (const base of [2, 4, 8]) {
    const config = parseSearchConfig({ space: { kind: 'rnnCell', base } });
    const spec = controllerSpec(config);
    const params = initialParameters(spec.layout, 0.08, base);
    const depth = depthAt(config, 0);
    const samples = sampleTokens(spec, params, depth, 16, 99);
    assert.deepEqual(sampleTokens(spec, params, depth, 16, 99), samples);
    for (const s of samples) {
      assert.equal(s.tokens.length, 2 * (2 * base - 1) + 4);
      const cell = decodeArchitecture(config.space, depth, s.tokens);
      assert.ok(cell.kind === 'rnnCell' && config.space.kind === 'rnnCell');
      assert.deepEqual(encodeRnnCell(config.space, cell), s.tokens);
      assert.ok(Number.isFinite(s.logProb) && s.logProb < 0);
    }
    const gradient = reinforceGradient(spec, params, depth, samples.map((s, k) => ({ tokens: s.tokens, advantage: k % 2 ? 0.5 : -0.5 })), 0.001);
    assert.equal(gradient.gradient.length, spec.layout.size);
    assert.ok(gradient.gradient.every(Number.isFinite));
    assert.ok(gradient.gradient.some((g) => g !== 0));
  }
});
