// What can be known of a search's data before anything is started or written: data.path exists, is
// a file or a folder as its source needs, and a folder holds the files its reader looks for. It
// reads no content: a malformed file is the loader's InvalidDatasetError, when a child trains.
import fs from 'node:fs';
import path from 'node:path';
import { type DataConfig, MOBY_DICK_LEGACY_PATH, type SearchConfig } from '../config/search-config';
import { CIFAR10_TEST_FILE, CIFAR10_TRAIN_FILES, missingBatches } from '../data/cifar10';
import { IDX_FILES } from '../data/idx';
import { PTB_SPLITS, ptbFiles } from '../data/ptb';
import { DatasetNotFoundError } from '../errors';

type Kind = 'file' | 'folder' | 'missing' | 'other';

/**
 * Throws DatasetNotFoundError naming the path and what is wrong with it. The embedded sets (mnist,
 * mobyDick without a path) are installed packages: nothing to check.
 */
export function checkDataPath(config: SearchConfig): void {
  const data = config.data;
  if (data.source === 'mnist' || data.path === undefined) return;
  if (data.source === 'mobyDick' && data.path === MOBY_DICK_LEGACY_PATH) return; // read from the package (data/text.ts)
  const folder = data.path;
  const wanted = data.source === 'nb201Table' || data.source === 'text' ? 'file' : 'folder';
  const kind = kindOf(folder);
  if (kind === 'missing') throw new DatasetNotFoundError(`data.path ${folder} does not exist (source ${data.source})`);
  if (kind !== wanted) {
    throw new DatasetNotFoundError(`data.path ${folder} is ${kind === 'folder' ? 'a folder' : kind === 'file' ? 'a file' : 'not a regular file'}; source ${data.source} needs a ${wanted}`);
  }
  for (const names of requiredFiles(data)) {
    if (!names.some((name) => kindOf(path.join(folder, name)) === 'file')) {
      throw new DatasetNotFoundError(`data.path ${folder} holds no ${names.join(' or ')} (source ${data.source})`);
    }
  }
  if (data.source === 'cifar10') {
    // The batches' sizes, not their content: enough to name the ones a 45,000 + 5,000 split lacks.
    const present = new Map(CIFAR10_TRAIN_FILES.flatMap((name) => {
      const stat = fs.statSync(path.join(folder, name), { throwIfNoEntry: false });
      return stat?.isFile() ? [[name, stat.size] as const] : [];
    }));
    const shortfall = missingBatches(`data.path ${folder}`, present, data.trainSize + data.validSize);
    if (shortfall) throw shortfall;
  }
}

/** The files a folder source reads, each as its alternatives (plain or .gz; any one CIFAR-10 training batch). */
function requiredFiles(data: DataConfig): string[][] {
  switch (data.source) {
    case 'idx': return Object.values(IDX_FILES).map((name) => [name, `${name}.gz`]);
    case 'cifar10': return [[...CIFAR10_TRAIN_FILES], [CIFAR10_TEST_FILE]];
    case 'ptb': return PTB_SPLITS.map(ptbFiles);
    case 'mobyDick': return [['file_list.json']];
    default: return [];
  }
}

function kindOf(p: string): Kind {
  const stat = fs.statSync(p, { throwIfNoEntry: false });
  return !stat ? 'missing' : stat.isFile() ? 'file' : stat.isDirectory() ? 'folder' : 'other';
}
