// The CNN space by hand: tokens ↔ architecture, the three buildability rules as shape arithmetic,
// and the depth schedule. Pure; the tfjs builder is tested in test/child/.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CnnSpaceConfig, ScheduleConfig } from '../../config/search-config';
import { InvalidArchitectureError } from '../../errors';
import { architectureKey, parseArchitecture } from '../../space/architecture';
import { cnnSteps, convLayer, decodeCnn, encodeCnn, validateCnn } from '../../space/cnn';
import { concatPadding, layerShapes, layerSources, unconsumedLayers } from '../../space/cnn-graph';
import { layersAt } from '../../space/schedule';

const space = CnnSpaceConfig.parse({ kind: 'cnn', filterHeights: [1, 3], filterWidths: [3, 5], filters: [8, 16], strides: [1, 2] });
//                  h  w  f  s | h  w  f  s anchor | h  w  f  s anchor(0,1)
const tokens = [1, 0, 1, 0, 0, 1, 0, 1, 1, 1, 1, 1, 0, 0, 1];

test('decodes tokens into layers and anchors, by hand', () => {
  const arch = decodeCnn(space, 3, tokens);
  assert.deepEqual(arch.layers, [
    { filterHeight: 3, filterWidth: 3, filters: 16, stride: 1, inputs: [] },
    { filterHeight: 1, filterWidth: 5, filters: 8, stride: 2, inputs: [0] },
    { filterHeight: 3, filterWidth: 5, filters: 16, stride: 1, inputs: [1] },
  ]);
  assert.deepEqual(encodeCnn(space, arch), tokens);
  assert.ok(Object.isFrozen(arch) && Object.isFrozen(arch.layers[0]));
});

test('token count: 4 choices a layer plus i anchor bits at layer i; fixed decisions emit nothing', () => {
  // Every layer has an anchor step; layer 0's emits no token (nothing to attend to).
  assert.equal(cnnSteps(space, 3).length, 3 * 4 + 3);
  const fixedStride = CnnSpaceConfig.parse({ kind: 'cnn', strides: [1] });
  assert.equal(cnnSteps(fixedStride, 6).filter((s) => s.kind === 'choice').length, 6 * 3);
  assert.throws(() => decodeCnn(space, 3, tokens.slice(1)), /expected 15 tokens/);
  assert.throws(() => decodeCnn(space, 3, [...tokens.slice(0, 14), 2]), InvalidArchitectureError);
  assert.throws(() => decodeCnn(space, 1, [2, 0, 0, 0]), /token 2 is not a filterHeight choice/);
});

test('without skips the network is a chain', () => {
  const chain = CnnSpaceConfig.parse({ kind: 'cnn', filterHeights: [1, 3], filterWidths: [3], filters: [8], strides: [1], skips: false });
  const arch = decodeCnn(chain, 3, [0, 1, 1]);
  assert.deepEqual(arch.layers.map((l) => l.inputs), [[], [0], [1]]);
  assert.deepEqual(encodeCnn(chain, arch), [0, 1, 1]);
});

test('architectures round-trip through JSON with a stable key, and bad ones are rejected by name', () => {
  const arch = decodeCnn(space, 3, tokens);
  const back = parseArchitecture(JSON.stringify(arch));
  assert.deepEqual(back, arch);
  assert.equal(architectureKey(back), architectureKey(arch));
  const reordered = { layers: arch.layers.map((_, i) => { const l = convLayer(arch, i); return { inputs: l.inputs, stride: l.stride, filters: l.filters, filterWidth: l.filterWidth, filterHeight: l.filterHeight }; }), kind: 'cnn' };
  assert.equal(architectureKey(parseArchitecture(reordered)), architectureKey(arch));
  assert.throws(() => parseArchitecture('{"kind":"cnn","layers":[{"filterHeight":3,"filterWidth":3,"filters":8,"stride":1,"inputs":[0]}]}'), /layer 0: input 0 is not an earlier layer/);
  assert.throws(() => parseArchitecture('{"kind":"rnn"}'), /unknown architecture kind "rnn"/);
  assert.throws(() => parseArchitecture('not json'), /not valid JSON/);
  assert.throws(() => parseArchitecture({ kind: 'cnn', layers: [{ filterHeight: 0, filterWidth: 3, filters: 8, stride: 1, inputs: [] }] }), InvalidArchitectureError);
});

test('rule 1 and 2: no input takes the image; unconsumed outputs go to the classifier', () => {
  const arch = validateCnn({ kind: 'cnn', layers: [
    { filterHeight: 3, filterWidth: 3, filters: 8, stride: 1, inputs: [] },
    { filterHeight: 3, filterWidth: 3, filters: 8, stride: 2, inputs: [] },
    { filterHeight: 3, filterWidth: 3, filters: 8, stride: 1, inputs: [0] },
    { filterHeight: 3, filterWidth: 3, filters: 8, stride: 1, inputs: [0, 2] },
  ] });
  assert.deepEqual(layerSources(arch).map((s) => s.kind), ['image', 'image', 'layers', 'layers']);
  assert.deepEqual(unconsumedLayers(arch), [1, 3]);
  assert.deepEqual(layerShapes(arch, { height: 9, width: 8 }), [
    { height: 9, width: 8 }, { height: 5, width: 4 }, { height: 9, width: 8 }, { height: 9, width: 8 },
  ]);
});

test('rule 3: smaller inputs are zero-padded to the largest height and width, odd pixel bottom/right', () => {
  const { target, paddings } = concatPadding([{ height: 8, width: 8 }, { height: 4, width: 4 }, { height: 5, width: 3 }]);
  assert.deepEqual(target, { height: 8, width: 8 });
  assert.deepEqual(paddings, [[[0, 0], [0, 0]], [[2, 2], [2, 2]], [[1, 2], [2, 3]]]);
});

test('depth schedule: start 6, +2 every 1,600 children, capped', () => {
  const schedule = ScheduleConfig.parse({});
  assert.deepEqual([0, 1599, 1600, 3199, 3200, 12800, 10 ** 6].map((n) => layersAt(schedule, n)), [6, 6, 8, 8, 10, 15, 15]);
  const small = ScheduleConfig.parse({ startLayers: 3, addLayers: 1, everyChildren: 50, maxLayers: 6 });
  assert.deepEqual([0, 49, 50, 99, 100].map((n) => layersAt(small, n)), [3, 3, 4, 4, 5]);
});
