// Search config validation: paper defaults, and one readable error naming each bad key.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSearchConfig, parseSearchId } from '../../config/parse';
import { PRESETS } from '../../config/presets';
import { CnnSpaceConfig, samplesAhead } from '../../config/search-config';
import { InvalidConfigError } from '../../errors';

test('defaults are the paper: 35-unit 2-layer LSTM, lr 6e-4, 6 layers +2 every 1,600, reward exponent 3', () => {
  const c = parseSearchConfig({});
  assert.equal(c.controller.hiddenUnits, 35);
  assert.equal(c.controller.lstmLayers, 2);
  assert.equal(c.controller.learningRate, 6e-4);
  assert.equal(c.controller.initRange, 0.08);
  assert.equal(c.controller.baselineDecay, 0.95);
  assert.deepEqual(c.space.kind === 'cnn' && [c.space.filterHeights, c.space.filters], [[1, 3, 5, 7], [24, 36, 48, 64]]);
  assert.deepEqual([c.schedule.startLayers, c.schedule.addLayers, c.schedule.everyChildren], [6, 2, 1600]);
  assert.deepEqual([c.child.rewardExponent, c.child.rewardWindow, c.child.momentum], [3, 5, 0.9]);
  parseSearchConfig(PRESETS.digits);
  assert.throws(() => parseSearchConfig(PRESETS.paper), /data\.path/, 'the paper preset needs its CIFAR-10 folder');
  parseSearchConfig({ ...PRESETS.paper, data: { ...PRESETS.paper.data, path: '/data/cifar10' } });
  assert.throws(() => parseSearchConfig(PRESETS.nb201), /data\.path/, 'the nb201 preset needs its table path');
  parseSearchConfig({ ...PRESETS.nb201, data: { source: 'nb201Table', path: 'table.csv' } });
});

test('bad configs name the offending key', () => {
  const cases: [unknown, RegExp][] = [
    [{ budget: { maxChildren: -1 } }, /budget\.maxChildren/],
    [{ child: { optimizer: 'rmsprop' } }, /child\.optimizer/],
    [{ space: { kind: 'cnn', filters: [8, 8] } }, /space\.filters.*distinct|distinct[\s\S]*space\.filters/],
    [{ space: { kind: 'transformer' } }, /space/],
    [{ data: { source: 'idx' } }, /data\.path/],
    [{ space: { kind: 'nb201' } }, /space\.kind "nb201" and data\.source "mnist" do not go together/],
    [{ data: { source: 'nb201Table', path: 't.csv' } }, /space\.kind "cnn" and data\.source "nb201Table"/],
    [{ strategy: 'evolution', evolution: { childrenPerCycle: 0 } }, /evolution\.childrenPerCycle/],
    [{ budget: { maxMinutes: 0 } }, /budget\.maxMinutes/],
    [{ strategy: 'random', mode: 'weightSharing' }, /mode weightSharing searches the CNN space .* with the REINFORCE controller/],
    [{ strategy: 'bayesian' }, /strategy/],
    [{ data: { source: 'mnist', trainSize: 9500 } }, /10000 digits[\s\S]*data\.trainSize|data\.trainSize[\s\S]*10000 digits/],
    [{ contoller: {} }, /contoller/],
    [{ schedule: { startLayers: 9, maxLayers: 4 } }, /startLayers \(9\) exceeds schedule\.maxLayers \(4\)/],
    ['not an object', /expected object/],
  ];
  for (const [input, message] of cases) {
    assert.throws(() => parseSearchConfig(input), (e: Error) => e instanceof InvalidConfigError && message.test(e.message), JSON.stringify(input));
  }
});

test('search ids are restricted to a safe alphabet (they reach SQL, workflow ids and file names)', () => {
  assert.equal(parseSearchId('digits-2026.run_1'), 'digits-2026.run_1');
  for (const bad of ["x'; DROP TABLE children; --", '', '../etc', 'a b', 'x'.repeat(101)]) {
    assert.throws(() => parseSearchId(bad), InvalidConfigError, bad);
  }
});

test('rnnCell: defaults (base 8, all combinations and activations, Moby Dick), presets, and the LM child', () => {
  const c = parseSearchConfig({ space: { kind: 'rnnCell' } });
  assert.deepEqual(c.space, { kind: 'rnnCell', base: 8, combinations: ['add', 'elemMult'], activations: ['identity', 'tanh', 'sigmoid', 'relu'] });
  assert.equal(c.data.source, 'mobyDick', 'a cell search without data reads the embedded text');
  assert.deepEqual([c.languageModel.rewardConstant, c.languageModel.layers, c.languageModel.bptt], [80, 2, 35]);
  const cell = parseSearchConfig(PRESETS.cell);
  assert.equal(cell.space.kind, 'rnnCell');
  assert.equal(cell.languageModel.maxTrainTokens, 12000);
  const ptb = parseSearchConfig({ ...PRESETS.cell, data: { source: 'ptb', path: '/data/ptb' } });
  assert.deepEqual(ptb.data, { source: 'ptb', path: '/data/ptb' });
  const text = parseSearchConfig({ space: { kind: 'rnnCell', base: 2 }, data: { source: 'text', path: 'book.txt', vocabularySize: 500 } });
  assert.deepEqual(text.data, { source: 'text', path: 'book.txt', vocabularySize: 500, lowercase: true, validFraction: 0.1, testFraction: 0.1 });
});

test('rnnCell cross-checks name the key', () => {
  const cases: [unknown, RegExp][] = [
    [{ space: { kind: 'rnnCell' }, data: { source: 'mnist' } }, /data\.source "mnist" is not text; space\.kind "rnnCell"/],
    [{ data: { source: 'ptb', path: 'p' } }, /data\.source "ptb" is text; space\.kind "cnn" needs an image data\.source/],
    [{ data: { source: 'mobyDick' } }, /data\.source "mobyDick" is text/],
    [{ space: { kind: 'rnnCell', base: 6 } }, /power of two[\s\S]*space\.base|space\.base[\s\S]*power of two/],
    [{ space: { kind: 'rnnCell', activations: ['tanh', 'gelu'] } }, /space\.activations/],
    [{ space: { kind: 'rnnCell', combinations: ['add', 'add'] } }, /distinct/],
    [{ space: { kind: 'rnnCell' }, data: { source: 'ptb' } }, /data\.path/],
    [{ space: { kind: 'rnnCell' }, languageModel: { layers: 3 } }, /languageModel\.layers/],
    [{ space: { kind: 'rnnCell' }, languageModel: { hiddenUnits: 3 } }, /hiddenUnits/],
    [{ space: { kind: 'rnnCell' }, strategy: 'random', distributed: { replicas: 2 } }, /random search and evolution run as one replica/],
  ];
  for (const [input, message] of cases) {
    assert.throws(() => parseSearchConfig(input), (e: Error) => e instanceof InvalidConfigError && message.test(e.message), JSON.stringify(input));
  }
});

test('a CNN space with nothing for the controller to decide is refused, naming its keys', () => {
  const oneChoice = { kind: 'cnn', filterHeights: [3], filterWidths: [3], filters: [8], strides: [1] };
  for (const input of [
    { space: { ...oneChoice, skips: false } },
    // Skips decide from the second layer on: a search that starts at one layer has a first iteration with nothing.
    { space: { ...oneChoice, skips: true }, schedule: { startLayers: 1, maxLayers: 3 } },
  ]) {
    assert.throws(() => parseSearchConfig(input), (e: Error) => e.name === 'InvalidConfigError'
      && /nothing for the controller to decide/.test(e.message)
      && /space\.filterHeights, space\.filterWidths, space\.filters, space\.strides/.test(e.message)
      && /space\.skips/.test(e.message), JSON.stringify(input));
  }
  // One decision is enough: a second choice anywhere, or anchors from two layers on.
  parseSearchConfig({ space: { ...oneChoice, filters: [8, 16], skips: false } });
  parseSearchConfig({ space: { ...oneChoice, strides: [1, 2], skips: false } });
  parseSearchConfig({ space: { ...oneChoice, skips: true }, schedule: { startLayers: 2, maxLayers: 3 } });
  // The other spaces always decide: 5 operations per nb201 edge; an rnnCell's cell indices among 2·base − 1 nodes.
  parseSearchConfig({ space: { kind: 'nb201' }, data: { source: 'nb201Table', path: 't.csv' } });
  parseSearchConfig({ space: { kind: 'rnnCell', base: 2, combinations: ['add'], activations: ['tanh'] } });
});

test('CNN layer types (section 3.4): convolutions only by default; pooling is refused with weightSharing, naming the keys', () => {
  const c = parseSearchConfig({});
  assert.deepEqual(c.space.kind === 'cnn' && c.space.layerTypes, ['conv']);
  const pooling = { kind: 'cnn', layerTypes: ['conv', 'maxPool', 'avgPool'] };
  assert.deepEqual(parseSearchConfig({ space: pooling }).space, { ...CnnSpaceConfig.parse({ kind: 'cnn' }), layerTypes: ['conv', 'maxPool', 'avgPool'] });
  for (const [space, message] of [
    [{ kind: 'cnn', layerTypes: ['conv', 'conv'] }, /space\.layerTypes[\s\S]*distinct|distinct[\s\S]*space\.layerTypes/],
    [{ kind: 'cnn', layerTypes: ['minPool'] }, /space\.layerTypes/],
    [{ kind: 'cnn', layerTypes: [] }, /space\.layerTypes/],
  ] as const) {
    assert.throws(() => parseSearchConfig({ space }), (e: Error) => e instanceof InvalidConfigError && message.test(e.message), JSON.stringify(space));
  }
  const sharing = { ...PRESETS.sharing, space: { ...PRESETS.sharing.space, ...pooling } };
  assert.throws(() => parseSearchConfig(sharing), (e: Error) => e instanceof InvalidConfigError
    && /mode weightSharing shares convolutions only: space\.layerTypes must be \["conv"\]/.test(e.message)
    && /→ at space\.layerTypes/.test(e.message));
  parseSearchConfig(PRESETS.sharing);
  parseSearchConfig({ ...PRESETS.sharing, space: { ...PRESETS.sharing.space, layerTypes: ['conv'] } });
  parseSearchConfig({ ...sharing, mode: 'fromScratch' });
  // A second layer type is a decision: it alone gives the controller something to decide.
  const oneChoice = { kind: 'cnn', filterHeights: [3], filterWidths: [3], filters: [8], strides: [1], skips: false };
  assert.throws(() => parseSearchConfig({ space: oneChoice }), /give one of them \(or space\.layerTypes\) a second choice/);
  parseSearchConfig({ space: { ...oneChoice, layerTypes: ['conv', 'maxPool'] } });
});

test('sample-ahead: on by default for REINFORCE and random search on trained children, off where it cannot help or would change the method', () => {
  assert.equal(samplesAhead(parseSearchConfig({})), true);
  assert.equal(samplesAhead(parseSearchConfig({ strategy: 'random' })), true);
  assert.equal(samplesAhead(parseSearchConfig({ strategy: 'evolution' })), false, 'evolution breeds from the last batch');
  assert.equal(samplesAhead(parseSearchConfig({ ...PRESETS.nb201, data: { source: 'nb201Table', path: 'table.csv' } })), false, 'a table lookup leaves no slot idle');
  assert.equal(samplesAhead(parseSearchConfig({ mode: 'weightSharing' })), false);
  assert.equal(samplesAhead(parseSearchConfig({ distributed: { sampleAhead: false } })), false);
  assert.equal(samplesAhead(parseSearchConfig({ ...PRESETS.nb201, data: { source: 'nb201Table', path: 'table.csv' }, distributed: { sampleAhead: true } })), true);
  for (const config of [{ strategy: 'evolution', distributed: { sampleAhead: true } }, { mode: 'weightSharing', distributed: { sampleAhead: true } }]) {
    assert.throws(() => parseSearchConfig(config), (err: unknown) => err instanceof InvalidConfigError && /distributed\.sampleAhead/.test(err.message));
  }
});
