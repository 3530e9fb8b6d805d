// Pooling as a layer type (section 3.4: "the controller chooses the layer type"): tokens ↔
// architecture by hand and over random tokens, JSON round trip, channels, and the default space
// pinned to what it was before pooling existed (figures taken from main before this change).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSearchConfig } from '../../config/parse';
import { PRESETS } from '../../config/presets';
import { CnnSpaceConfig } from '../../config/search-config';
import { controllerSpec } from '../../controller/controller';
import { initialParameters } from '../../controller/parameters';
import { sampleTokens } from '../../controller/sample';
import { InvalidArchitectureError } from '../../errors';
import { mulberry32 } from '../../random/prng';
import { architectureKey, describeArchitecture, parseArchitecture } from '../../space/architecture';
import { cnnSteps, decodeCnn, encodeCnn, validateCnn } from '../../space/cnn';
import { layerChannels, layerShapes } from '../../space/cnn-graph';
import { controllerDecisions, decodeArchitecture } from '../../space/search-space';

const pooling = CnnSpaceConfig.parse({
  kind: 'cnn', layerTypes: ['conv', 'maxPool', 'avgPool'], filterHeights: [1, 3], filterWidths: [3], filters: [8, 16], strides: [1, 2],
});
//              type h f s | type h f s anchor | type h f s anchor(0,1)
const tokens = [0, 1, 1, 0, 1, 1, 1, 1, 1, 2, 0, 1, 1, 0, 1];

const stepNames = (space: CnnSpaceConfig, layers: number) => cnnSteps(space, layers).map((s) => (s.kind === 'choice' ? s.decision : 'anchor'));

test('the default space is as before pooling: steps, decisions, controller layout, decoded JSON, sampled tokens', () => {
  const space = CnnSpaceConfig.parse({ kind: 'cnn' });
  assert.deepEqual(space.layerTypes, ['conv']);
  assert.deepEqual(stepNames(space, 2), ['filterHeight', 'filterWidth', 'filters', 'anchor', 'filterHeight', 'filterWidth', 'filters', 'anchor']);
  assert.deepEqual(controllerDecisions(space), [{ name: 'filterHeight', size: 4 }, { name: 'filterWidth', size: 4 }, { name: 'filters', size: 4 }]);
  const arch = decodeCnn(space, 3, [1, 2, 3, 0, 3, 1, 1, 3, 0, 2, 1, 0]);
  // Byte for byte what the children table holds for it today: no `type`, keys in the same order.
  assert.equal(JSON.stringify(arch), '{"kind":"cnn","layers":[{"filterHeight":3,"filterWidth":5,"filters":64,"stride":1,"inputs":[]},'
    + '{"filterHeight":1,"filterWidth":7,"filters":36,"stride":1,"inputs":[0]},{"filterHeight":7,"filterWidth":1,"filters":48,"stride":1,"inputs":[0]}]}');
  assert.equal(describeArchitecture(arch), '0:3x5/64 1:1x7/36<-0 2:7x1/48<-0');
  assert.equal(JSON.stringify(parseArchitecture(JSON.stringify(arch))), JSON.stringify(arch));
  for (const [config, size] of [[parseSearchConfig({}), 23252], [parseSearchConfig(PRESETS['digits']), 23039]] as const) {
    const { layout } = controllerSpec(config);
    assert.equal(layout.size, size);
    assert.ok(!layout.slots.some((s) => s.name.includes('layerType')));
  }
  const spec = controllerSpec(parseSearchConfig({}));
  const sampled = sampleTokens(spec, initialParameters(spec.layout, 0.08, 3), 3, 2, 7);
  assert.deepEqual(sampled.map((s) => s.tokens), [[0, 3, 2, 1, 2, 0, 0, 0, 1, 1, 1, 0], [0, 2, 1, 0, 2, 0, 0, 1, 2, 3, 1, 1]]);
  assert.ok(Math.abs(sampled[0]!.logProb - -14.644197463989258) < 1e-4);
  assert.equal(architectureKey(decodeArchitecture(spec.space, 3, sampled[1]!.tokens)),
    '{"kind":"cnn","layers":[{"filterHeight":1,"filters":36,"filterWidth":5,"inputs":[],"stride":1},{"filterHeight":1,"filters":24,"filterWidth":5,"inputs":[],"stride":1},'
    + '{"filterHeight":3,"filters":64,"filterWidth":5,"inputs":[0,1],"stride":1}]}');
});

test('with more than one layer type, the type is decided first in each layer', () => {
  assert.deepEqual(stepNames(pooling, 2), ['layerType', 'filterHeight', 'filters', 'stride', 'anchor', 'layerType', 'filterHeight', 'filters', 'stride', 'anchor']);
  assert.deepEqual(controllerDecisions(pooling)[0], { name: 'layerType', size: 3 });
  const only = CnnSpaceConfig.parse({ kind: 'cnn', layerTypes: ['maxPool'], filterHeights: [1, 3], filterWidths: [1], filters: [8] });
  assert.deepEqual(stepNames(only, 1), ['filterHeight', 'anchor'], 'one layer type is fixed, not emitted');
  assert.deepEqual(decodeCnn(only, 1, [1]).layers, [{ type: 'maxPool', filterHeight: 3, filterWidth: 1, stride: 1, inputs: [] }]);
});

test('decodes pooling layers by hand: a window and a stride, no filters; encode is the inverse', () => {
  const arch = decodeCnn(pooling, 3, tokens);
  assert.deepEqual(arch.layers, [
    { filterHeight: 3, filterWidth: 3, filters: 16, stride: 1, inputs: [] },
    { type: 'maxPool', filterHeight: 3, filterWidth: 3, stride: 2, inputs: [0] },
    { type: 'avgPool', filterHeight: 1, filterWidth: 3, stride: 2, inputs: [1] },
  ]);
  assert.equal(describeArchitecture(arch), '0:3x3/16 1:max3x3s2<-0 2:avg1x3s2<-1');
  // A pooling layer's filters token is ignored when decoding and encoded as 0.
  const canonical = [0, 1, 1, 0, 1, 1, 0, 1, 1, 2, 0, 0, 1, 0, 1];
  assert.deepEqual(encodeCnn(pooling, arch), canonical);
  assert.deepEqual(decodeCnn(pooling, 3, canonical), arch);
  assert.ok(Object.isFrozen(arch.layers[1]));
});

test('random tokens: decode ∘ encode is the identity, tokens re-encode canonically, JSON round-trips with a stable key', () => {
  const random = mulberry32(34);
  let pools = 0;
  for (let n = 0; n < 300; n++) {
    const depth = 1 + (n % 6);
    const drawn = cnnSteps(pooling, depth).flatMap((s) => (s.kind === 'choice'
      ? [Math.floor(random() * s.choices.length)]
      : Array.from({ length: s.layer }, () => (random() < 0.4 ? 1 : 0))));
    const arch = decodeCnn(pooling, depth, drawn);
    pools += arch.layers.filter((l) => l.type !== undefined).length;
    const encoded = encodeCnn(pooling, arch);
    assert.deepEqual(decodeCnn(pooling, depth, encoded), arch);
    assert.deepEqual(encodeCnn(pooling, decodeCnn(pooling, depth, encoded)), encoded);
    const back = parseArchitecture(JSON.stringify(arch));
    assert.deepEqual(back, arch);
    assert.equal(architectureKey(back), architectureKey(arch));
  }
  assert.ok(pools > 300, `only ${pools} pooling layers drawn`);
});

test('one representation per network: an explicit conv type, filters on a pool, an unknown type are refused', () => {
  const conv = { filterHeight: 3, filterWidth: 3, filters: 8, stride: 1, inputs: [] };
  const pool = { type: 'maxPool', filterHeight: 3, filterWidth: 3, stride: 1, inputs: [] };
  validateCnn({ kind: 'cnn', layers: [conv, { ...pool, inputs: [0] }] });
  for (const layer of [{ ...conv, type: 'conv' }, { ...pool, filters: 8 }, { ...pool, type: 'minPool' }, { ...pool, filterHeight: 0 }]) {
    assert.throws(() => validateCnn({ kind: 'cnn', layers: [layer] }), InvalidArchitectureError, JSON.stringify(layer));
  }
  assert.throws(() => validateCnn({ kind: 'cnn', layers: [conv, { ...pool, inputs: [1] }] }), /layer 1: input 1 is not an earlier layer/);
});

test('encode refuses what the space does not sample, fixed decisions included', () => {
  const arch = decodeCnn(pooling, 3, tokens);
  const convOnly = CnnSpaceConfig.parse({ ...pooling, layerTypes: ['conv'] });
  assert.throws(() => encodeCnn(convOnly, arch), /layer 1: layerType maxPool is not in the space \(conv\)/);
  const noAvg = CnnSpaceConfig.parse({ ...pooling, layerTypes: ['conv', 'maxPool'] });
  assert.throws(() => encodeCnn(noAvg, arch), /layer 2: layerType avgPool is not in the space/);
  const wide = CnnSpaceConfig.parse({ ...pooling, filterWidths: [5] });
  assert.throws(() => encodeCnn(wide, arch), /layer 0: filterWidth 3 is not in the space \(5\)/);
});

test('a pooling layer keeps its input\'s channels and has the size of a convolution with its stride', () => {
  const arch = validateCnn({ kind: 'cnn', layers: [
    { type: 'avgPool', filterHeight: 3, filterWidth: 3, stride: 2, inputs: [] }, // the image: 3 channels, 9x8 → 5x4
    { filterHeight: 3, filterWidth: 3, filters: 8, stride: 1, inputs: [] }, // 9x8, 8 channels
    { type: 'maxPool', filterHeight: 2, filterWidth: 2, stride: 3, inputs: [0, 1] }, // padded to 9x8, 3 + 8 channels → 3x3
  ] });
  assert.deepEqual(layerChannels(arch, 3), [3, 8, 11]);
  assert.deepEqual(layerShapes(arch, { height: 9, width: 8 }), [{ height: 5, width: 4 }, { height: 9, width: 8 }, { height: 3, width: 3 }]);
});
