// The entry point the language-model trainer calls: reads the configured text source once per
// process and config (a training worker trains many children on it). Does not validate the config.
import { resolve } from 'node:path';
import type { TextDataConfig } from '../config/search-config';
import { loadCache } from './load-cache';
import { readPtb } from './ptb';
import { readMobyDick, readTextFile } from './text';
import type { TextCorpus } from './text-corpus';

const cache = loadCache<TextCorpus>();

/** The corpus for `config`; callers must treat its arrays as read-only. A failed load is not cached. */
export function loadTextCorpus(config: TextDataConfig): Promise<TextCorpus> {
  const key = JSON.stringify({ ...config, path: config.path === undefined ? null : resolve(config.path) });
  return cache.get(key, () => read(config));
}

export function clearTextCache(): void {
  cache.clear();
}

function read(config: TextDataConfig): Promise<TextCorpus> {
  switch (config.source) {
    case 'ptb': return readPtb(config.path);
    case 'text': return readTextFile(config.path, config);
    case 'mobyDick': return readMobyDick(config.path, config);
  }
}
