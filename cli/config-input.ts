// Builds a search config from what a person types: a preset, then a YAML/JSON file, then
// `--set path=value` overrides, validated by the schema before anything is started or written.
import fs from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { parseSearchConfig } from '../config/parse';
import { PRESETS, type PresetName } from '../config/presets';
import type { SearchConfig, SearchConfigInput } from '../config/search-config';
import { InvalidConfigError } from '../errors';

type Json = Record<string, unknown>;

export function searchConfigFrom(options: { preset?: string; file?: string; set?: readonly string[]; trainingTaskQueue?: string; sharingTaskQueue?: string }): { input: SearchConfigInput; config: SearchConfig } {
  const presetName = options.preset ?? 'digits';
  if (!(presetName in PRESETS)) throw new InvalidConfigError(`unknown preset "${presetName}" (known: ${Object.keys(PRESETS).join(', ')})`);
  const preset = structuredClone(PRESETS[presetName as PresetName]) as Json;
  let overrides: Json = options.file ? readConfigFile(options.file) : {};
  for (const assignment of options.set ?? []) overrides = merge(overrides, fromAssignment(assignment));
  // Another data.source than the preset's starts its data section afresh: the preset's keys belong
  // to its own source (the cell preset's vocabularySize means nothing to PTB, and is refused there).
  const source = (section: unknown) => (isObject(section) ? section.source : undefined);
  if (source(overrides.data) !== undefined && source(overrides.data) !== source(preset.data)) delete preset.data;
  let input: Json = merge(preset, overrides);
  // Children go to the queue this deployment's training workers poll, unless the config names one.
  if (input.trainingTaskQueue === undefined && options.trainingTaskQueue) input.trainingTaskQueue = options.trainingTaskQueue;
  // Likewise the claims of a weight-sharing search go where this deployment's ω workers listen.
  if (input.mode === 'weightSharing' && options.sharingTaskQueue) {
    const sharing = isObject(input.weightSharing) ? input.weightSharing : {};
    if (sharing.taskQueue === undefined) input.weightSharing = { ...sharing, taskQueue: options.sharingTaskQueue };
  }
  return { input: input as SearchConfigInput, config: parseSearchConfig(input) };
}

function readConfigFile(file: string): Json {
  if (!fs.existsSync(file)) throw new InvalidConfigError(`config file ${file} does not exist`);
  let value: unknown;
  try {
    value = parseYaml(fs.readFileSync(file, 'utf8')); // YAML is a superset of JSON
  } catch (err) {
    throw new InvalidConfigError(`config file ${file} is not valid YAML or JSON: ${(err as Error).message}`);
  }
  if (!isObject(value)) throw new InvalidConfigError(`config file ${file} must hold a mapping of settings`);
  return value;
}

/** `child.epochs=5` → { child: { epochs: 5 } }; values are JSON when they parse as JSON, else strings. */
function fromAssignment(assignment: string): Json {
  const eq = assignment.indexOf('=');
  if (eq <= 0) throw new InvalidConfigError(`--set expects path=value, got "${assignment}"`);
  const path = assignment.slice(0, eq).split('.');
  if (path.some((p) => !/^[A-Za-z][A-Za-z0-9]*$/.test(p))) throw new InvalidConfigError(`--set: "${assignment.slice(0, eq)}" is not a config path`);
  const raw = assignment.slice(eq + 1);
  let value: unknown = raw;
  try {
    value = JSON.parse(raw);
  } catch {
    /* a plain string */
  }
  return path.reduceRight<unknown>((inner, key) => ({ [key]: inner }), value) as Json;
}

/** Deep merge of plain objects; arrays and scalars from `over` replace those in `base`. */
function merge(base: Json, over: Json): Json {
  const out: Json = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const prior = out[key];
    out[key] = isObject(prior) && isObject(value) ? merge(prior, value) : value;
  }
  return out;
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
