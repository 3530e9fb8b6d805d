// Every on-disk loader (idx, cifar10, ptb, text, mobyDick) turns a path that cannot be read (a
// folder where a file belongs, a file that is missing) into a DatasetNotFoundError naming it: errors
// no retry can heal, which activities give up on at once. The formats' own checks are their files'.
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { readCifar10 } from '../../data/cifar10';
import { readIdx } from '../../data/idx';
import { readPtb } from '../../data/ptb';
import { readMobyDick, readTextFile } from '../../data/text';
import { NON_RETRYABLE_ERROR_TYPES } from '../../errors';
import { tempFolder } from './fixtures';

const splits = { vocabularySize: 100, lowercase: true, validFraction: 0.1, testFraction: 0.1 };

async function rejectsNamed(load: Promise<unknown>, name: string, pattern: RegExp): Promise<void> {
  await assert.rejects(load, (err: Error) => {
    assert.equal(err.name, name, `${err.name}: ${err.message}`);
    assert.match(err.message, pattern);
    return true;
  });
  assert.ok(NON_RETRYABLE_ERROR_TYPES.includes(name));
}

test('a folder where a data file belongs is a DatasetNotFoundError naming it, for every loader', async () => {
  const idx = await tempFolder();
  await mkdir(join(idx, 'train-images-idx3-ubyte'));
  await rejectsNamed(readIdx(idx), 'DatasetNotFoundError', /train-images-idx3-ubyte is a folder/);

  const cifar = await tempFolder();
  await mkdir(join(cifar, 'data_batch_1.bin'));
  await rejectsNamed(readCifar10(cifar), 'DatasetNotFoundError', /data_batch_1\.bin is a folder/);

  const ptb = await tempFolder();
  await mkdir(join(ptb, 'ptb.train.txt'));
  await rejectsNamed(readPtb(ptb), 'DatasetNotFoundError', /ptb\.train\.txt is a folder/);

  await rejectsNamed(readTextFile(await tempFolder(), splits), 'DatasetNotFoundError', /is not a file/);

  const moby = await tempFolder();
  await mkdir(join(moby, 'file_list.json'));
  await rejectsNamed(readMobyDick(moby, splits), 'DatasetNotFoundError', /file_list\.json is a folder/);
});

test('a Moby Dick folder whose list names a missing chapter, or is not a list, is named', async () => {
  const moby = await tempFolder();
  await writeFile(join(moby, 'file_list.json'), JSON.stringify(['chapter-1.txt', 'chapter-2.txt']));
  await writeFile(join(moby, 'chapter-1.txt'), 'Call me Ishmael.');
  await rejectsNamed(readMobyDick(moby, splits), 'DatasetNotFoundError', /no chapter-2\.txt/);
  await writeFile(join(moby, 'file_list.json'), '{"not": "a list"}');
  await rejectsNamed(readMobyDick(moby, splits), 'InvalidDatasetError', /file_list\.json: not a list of file names/);
});
