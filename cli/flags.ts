// The flags each `nas` command takes, as zod schemas: a flag a command does not know, a missing
// --out or a non-number where a count goes is one clear InvalidConfigError (exit 2) before anything
// runs. args.ts only splits the words; this file says what they must be.
import { z } from 'zod';
import { InvalidConfigError } from '../errors';

const Count = z.string().regex(/^[1-9]\d*$/, 'must be a positive whole number').transform(Number);
const Text = z.string().min(1);
const Sets = z.array(z.string()).optional();
const Help = z.boolean().optional();
const Json = z.boolean().optional();

const searchFlags = { preset: Text.optional(), config: Text.optional(), set: Sets, id: Text.optional(), help: Help, json: Json };

export const COMMAND_FLAGS = {
  'search run': z.strictObject({ ...searchFlags, workers: Count.optional() }),
  'search start': z.strictObject({ ...searchFlags, follow: z.boolean().optional() }),
  'search status': z.strictObject({ help: Help, json: Json }),
  'search control': z.strictObject({ help: Help, json: Json }),
  'search list': z.strictObject({ limit: Count.optional(), help: Help, json: Json }),
  best: z.strictObject({ top: Count.optional(), help: Help, json: Json }),
  export: z.strictObject({ out: Text, rank: Count.optional(), epochs: Count.optional(), help: Help, json: Json }),
  report: z.strictObject({ out: Text, top: Count.optional(), help: Help, json: Json }),
  worker: z.strictObject({ queue: Text.optional(), device: z.string().regex(/^\d+$/, 'must be a GPU index (0, 1, ...)').transform(Number).optional(), help: Help, json: Json }),
  migrate: z.strictObject({ help: Help, json: Json }),
  dev: z.strictObject({ help: Help, json: Json }),
} as const;

export type CommandName = keyof typeof COMMAND_FLAGS;

/** Validates `flags` for `command`; the message names the command and every bad flag as `--name`. */
export function parseFlags<C extends CommandName>(command: C, flags: Record<string, unknown>): z.infer<(typeof COMMAND_FLAGS)[C]> {
  const parsed = COMMAND_FLAGS[command].safeParse(flags);
  if (parsed.success) return parsed.data as z.infer<(typeof COMMAND_FLAGS)[C]>;
  const problems = parsed.error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') return issue.keys.map((k) => `unknown flag --${k}`).join(', ');
    const flag = `--${String(issue.path[0])}`;
    return issue.code === 'invalid_type' && issue.input === undefined ? `${flag} is required` : `${flag} ${issue.message}`;
  });
  throw new InvalidConfigError(`${command === 'search control' ? 'search pause|resume|stop' : command}: ${problems.join('; ')} (see nas ${command.split(' ')[0]} --help)`);
}
