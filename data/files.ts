// Finding and reading the files of an on-disk data set: a missing folder or file (or a folder where
// a file belongs) becomes a DatasetNotFoundError naming the path, a broken .gz an
// InvalidDatasetError. It parses no format.
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { DatasetNotFoundError, InvalidDatasetError } from '../errors';

const gunzipAsync = promisify(gunzip);

export interface DataFile {
  path: string;
  bytes: Uint8Array;
}

function isNotFound(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** Throws DatasetNotFoundError unless `folder` exists and is a folder. */
export async function requireFolder(folder: string, format: string): Promise<void> {
  try {
    if (!(await stat(folder)).isDirectory()) throw new DatasetNotFoundError(`${format} data path ${folder} is not a folder`);
  } catch (err) {
    if (isNotFound(err)) throw new DatasetNotFoundError(`${format} data folder ${folder} does not exist`);
    throw err;
  }
}

/** Reads `folder/name`, gunzipping it when the name ends in `.gz`; undefined when there is no such file. */
export async function readIfExists(folder: string, name: string): Promise<DataFile | undefined> {
  const path = join(folder, name);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (err) {
    if (isNotFound(err)) return undefined;
    // A folder where a file belongs is a wrong path, not a passing fault: no retry reads it.
    if ((err as NodeJS.ErrnoException).code === 'EISDIR') throw new DatasetNotFoundError(`${path} is a folder, not a data file`);
    throw err;
  }
  if (!name.endsWith('.gz')) return { path, bytes };
  try {
    return { path, bytes: await gunzipAsync(bytes) };
  } catch (err) {
    throw new InvalidDatasetError(`${path}: not a valid gzip file (${(err as Error).message})`);
  }
}

/** Reads the first of `names` found in `folder`, or throws DatasetNotFoundError listing what was looked for. */
export async function readFirstOf(folder: string, names: readonly string[]): Promise<DataFile> {
  for (const name of names) {
    const file = await readIfExists(folder, name);
    if (file) return file;
  }
  throw new DatasetNotFoundError(`${folder}: no ${names.join(' or ')} in this folder`);
}
