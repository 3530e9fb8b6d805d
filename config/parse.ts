// Parsing a search config at an edge (CLI, worker, workflow input) into the typed value, with one
// readable message naming every problem. Pure: safe to call from workflow code.
import { z } from 'zod';
import { InvalidConfigError } from '../errors';
import { isTextData, SearchConfig, TEXT_SOURCES } from './search-config';

export function parseSearchConfig(input: unknown): SearchConfig {
  const parsed = SearchConfig.safeParse(withTextDefault(input ?? {}));
  if (!parsed.success) throw new InvalidConfigError(`invalid search config:\n${z.prettifyError(parsed.error)}`);
  const config = parsed.data;
  const { schedule } = config;
  if (schedule.startLayers > schedule.maxLayers) {
    throw new InvalidConfigError(`invalid search config: schedule.startLayers (${schedule.startLayers}) exceeds schedule.maxLayers (${schedule.maxLayers})`);
  }
  const tabular = config.data.source === 'nb201Table';
  if (tabular !== (config.space.kind === 'nb201')) {
    throw new InvalidConfigError(`invalid search config: space.kind "${config.space.kind}" and data.source "${config.data.source}" do not go together (the nb201 space is answered from an nb201Table, and only it is)`);
  }
  const text = isTextData(config.data);
  if (config.space.kind === 'rnnCell' && !text) {
    throw new InvalidConfigError(`invalid search config: data.source "${config.data.source}" is not text; space.kind "rnnCell" trains language models and needs data.source ${TEXT_SOURCES.join(', ')}`);
  }
  if (config.space.kind === 'cnn' && text) {
    throw new InvalidConfigError(`invalid search config: data.source "${config.data.source}" is text; space.kind "cnn" needs an image data.source (mnist, idx, cifar10)`);
  }
  return config;
}

/** A recurrent-cell search without a data section reads the embedded text (Moby Dick), not digits. */
function withTextDefault(input: unknown): unknown {
  if (!input || typeof input !== 'object' || Array.isArray(input)) return input;
  const { space, data } = input as { space?: { kind?: unknown }; data?: unknown };
  return space?.kind === 'rnnCell' && data === undefined ? { ...input, data: { source: 'mobyDick' } } : input;
}

/** Search ids appear in SQL rows, workflow ids and file names: keep them to a safe alphabet. */
export const SearchId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'search id: 1-100 characters of letters, digits, ".", "_" or "-", starting with a letter or digit');

export function parseSearchId(input: unknown): string {
  const parsed = SearchId.safeParse(input);
  if (!parsed.success) throw new InvalidConfigError(`invalid search id ${JSON.stringify(input)}: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}
