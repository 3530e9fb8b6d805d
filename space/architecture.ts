// An architecture is a discriminated union over search spaces, with a JSON round trip and a stable
// key. Only `cnn` exists so far; `rnnCell` joins the union when the recurrent space lands.
import { InvalidArchitectureError } from '../errors';
import { type CnnArchitecture, validateCnn } from './cnn';

export type Architecture = CnnArchitecture;

export function parseArchitecture(json: unknown): Architecture {
  const value = typeof json === 'string' ? safeJson(json) : json;
  const kind = (value as { kind?: unknown } | null)?.kind;
  if (kind === 'cnn') return validateCnn(value);
  throw new InvalidArchitectureError(`unknown architecture kind ${JSON.stringify(kind)}`);
}

/** Canonical JSON (keys sorted): equal architectures get equal keys. */
export function architectureKey(arch: Architecture): string {
  return JSON.stringify(arch, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : v);
}

/** A one-line summary for logs and progress: `3x3/36 5x1/24<-0 ...`. */
export function describeArchitecture(arch: Architecture): string {
  return arch.layers.map((l, i) =>
    `${i}:${l.filterHeight}x${l.filterWidth}/${l.filters}${l.stride > 1 ? `s${l.stride}` : ''}${l.inputs.length ? `<-${l.inputs.join(',')}` : ''}`,
  ).join(' ');
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new InvalidArchitectureError(`architecture is not valid JSON: ${(err as Error).message}`);
  }
}
