// A small command-line parser: positional words, `--flag value`, `--flag=value`, boolean flags and
// repeatable flags. The shapes of the results are checked with zod by each command.
import { InvalidConfigError } from '../errors';

export interface ParsedArgs {
  positional: string[];
  flags: Record<string, string | boolean | string[]>;
}

export function parseArgs(argv: readonly string[], spec: { booleans?: readonly string[]; repeatable?: readonly string[] } = {}): ParsedArgs {
  const booleans = new Set(spec.booleans ?? []);
  const repeatable = new Set(spec.repeatable ?? []);
  const positional: string[] = [];
  const flags: ParsedArgs['flags'] = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    let value: string | boolean;
    if (booleans.has(name)) value = eq < 0 ? true : arg.slice(eq + 1) !== 'false';
    else if (eq >= 0) value = arg.slice(eq + 1);
    else if (i + 1 < argv.length) value = argv[++i]!;
    else throw new InvalidConfigError(`flag --${name} needs a value`);
    if (repeatable.has(name)) flags[name] = [...((flags[name] as string[] | undefined) ?? []), String(value)];
    else flags[name] = value;
  }
  return { positional, flags };
}
