// The cell preset's Moby Dick path: absent means the installed package, so `nas search run --preset
// cell` passes checkDataPath and loads the text from any working directory; explicit paths are
// still checked, and configs stored with the old relative default still parse and load. The paper
// preset's CIFAR-10 folder must hold every batch its split needs.
import assert from 'node:assert/strict';
import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
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

test('the paper preset names the CIFAR-10 batches its 45,000 + 5,000 split lacks, from file sizes alone', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'nas-cifar-'));
  try {
    const config = parseSearchConfig({ ...PRESETS.paper, data: { ...PRESETS.paper.data, path: dir } });
    assert.throws(() => checkDataPath(config), (e: Error) => e instanceof DatasetNotFoundError && /holds no data_batch_1\.bin or .* or data_batch_5\.bin/.test(e.message));
    // Sparse files of the real sizes (10,000 records of 3,073 bytes): stat sees them, nothing is read.
    const sized = (name: string) => truncate(path.join(dir, name), 10000 * 3073);
    await Promise.all(['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_4.bin', 'test_batch.bin'].map((name) => writeFile(path.join(dir, name), '')));
    await Promise.all(['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_4.bin', 'test_batch.bin'].map(sized));
    assert.throws(() => checkDataPath(config), (e: Error) => e instanceof DatasetNotFoundError
      && e.message.includes(`data.path ${dir}`) && /present hold 30000; missing: data_batch_3\.bin, data_batch_5\.bin$/.test(e.message));
    for (const name of ['data_batch_3.bin', 'data_batch_5.bin']) {
      await writeFile(path.join(dir, name), '');
      await sized(name);
    }
    checkDataPath(config);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
