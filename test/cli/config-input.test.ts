// Building a search config from a preset, a file and --set: what the README's commands rely on.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { searchConfigFrom } from '../../cli/config-input';

test("another data.source than the preset's starts the data section afresh; the same source merges into it", () => {
  // The README's PTB command: the cell preset's Moby Dick keys (vocabularySize) would be refused for ptb.
  const ptb = searchConfigFrom({ preset: 'cell', set: ['data.source=ptb', 'data.path=/data/ptb'] }).config;
  assert.deepEqual({ source: ptb.data.source, path: 'path' in ptb.data ? ptb.data.path : undefined }, { source: 'ptb', path: '/data/ptb' });
  assert.equal(ptb.languageModel.hiddenSize, 32, 'the rest of the preset stays');
  const digits = searchConfigFrom({ preset: 'digits', set: ['data.trainSize=200'] }).config;
  assert.equal(digits.data.source, 'mnist');
  assert.equal('imageSize' in digits.data ? digits.data.imageSize : undefined, 14, "the preset's other data keys stay");
  assert.equal('trainSize' in digits.data ? digits.data.trainSize : undefined, 200);
});
