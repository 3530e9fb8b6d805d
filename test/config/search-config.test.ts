// Search config validation: paper defaults, and one readable error naming each bad key.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSearchConfig, parseSearchId } from '../../config/parse';
import { PRESETS } from '../../config/presets';
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
  parseSearchConfig(PRESETS.paper);
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
    [{ strategy: 'evolution' }, /strategy "evolution" searches the nb201 space only/],
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
