// The cell preset's Moby Dick path: absent means the installed package, so `nas search run --preset
// cell` passes checkDataPath and loads the text from any working directory; explicit paths are
// still checked, and configs stored with the old relative default still parse and load.
import assert from 'node:assert/strict';
import os from 'node:os';
import { test } from 'node:test';
import { checkDataPath } from '../../cli/data-path';
import { parseSearchConfig } from '../../config/parse';
import { PRESETS } from '../../config/presets';
import { MOBY_DICK_LEGACY_PATH, type TextDataConfig } from '../../config/search-config';
import { clearTextCache, loadTextCorpus } from '../../data/text-load';
import { DatasetNotFoundError } from '../../errors';

/** Runs `body` with /tmp (or the OS temp folder) as the working directory, where no node_modules is. */
async function fromTmp<T>(body: () => Promise<T> | T): Promise<T> {
  const cwd = process.cwd();
  process.chdir(os.tmpdir());
  try {
    return await body();
  } finally {
    process.chdir(cwd);
  }
}

test('the cell preset has no data path and passes checkDataPath from another directory', async () => {
  const config = parseSearchConfig(PRESETS.cell);
  assert.equal(config.data.source, 'mobyDick');
  assert.equal((config.data as TextDataConfig).path, undefined, 'absent = the installed package');
  await fromTmp(() => checkDataPath(config));
});

test('an explicit mobyDick path is kept and checked', () => {
  const config = parseSearchConfig({ ...PRESETS.cell, data: { source: 'mobyDick', path: '/no/such/moby' } });
  assert.equal((config.data as TextDataConfig).path, '/no/such/moby');
  assert.throws(() => checkDataPath(config), (e: Error) => e instanceof DatasetNotFoundError && /\/no\/such\/moby/.test(e.message));
});

test('a config stored with the old relative default still parses, passes and loads from another directory', async () => {
  const config = parseSearchConfig({ ...PRESETS.cell, data: { source: 'mobyDick', path: MOBY_DICK_LEGACY_PATH, vocabularySize: 5000 } });
  assert.equal((config.data as TextDataConfig).path, MOBY_DICK_LEGACY_PATH);
  clearTextCache();
  const [legacy, absent] = await fromTmp(async () => {
    checkDataPath(config);
    return [await loadTextCorpus(config.data as TextDataConfig), await loadTextCorpus({ ...(config.data as TextDataConfig), path: undefined } as TextDataConfig)];
  });
  assert.equal(legacy.vocabulary.length, 5000);
  assert.deepEqual(legacy.train.subarray(0, 50), absent.train.subarray(0, 50), 'same text either way');
  clearTextCache();
});
