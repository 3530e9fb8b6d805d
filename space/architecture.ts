// An architecture is a discriminated union over search spaces, with a JSON round trip and a stable
// key: `cnn` and `rnnCell` (Zoph & Le 2017, sections 3.1 and 3.4) and `nb201` (a NAS-Bench-201 cell).
import { InvalidArchitectureError } from '../errors';
import { type CnnArchitecture, validateCnn } from './cnn';
import { type Nb201Architecture, toCellString, validateNb201 } from './nb201';
import { describeRnnCell, type RnnCellArchitecture, validateRnnCell } from './rnn-cell';

export type Architecture = CnnArchitecture | Nb201Architecture | RnnCellArchitecture;

export function parseArchitecture(json: unknown): Architecture {
  const value = typeof json === 'string' ? safeJson(json) : json;
  const kind = (value as { kind?: unknown } | null)?.kind;
  if (kind === 'cnn') return validateCnn(value);
  if (kind === 'nb201') return validateNb201(value);
  if (kind === 'rnnCell') return validateRnnCell(value);
  throw new InvalidArchitectureError(`unknown architecture kind ${JSON.stringify(kind)}`);
}

/** Canonical JSON (keys sorted): equal architectures get equal keys. */
export function architectureKey(arch: Architecture): string {
  return JSON.stringify(arch, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : v);
}

/**
 * A one-line summary for logs and progress: `0:3x3/36 1:5x1/24<-0 2:max3x3s2<-1 ...` (a 3×3 max pool
 * is `max3x3`, an average pool `avg3x3`), the NB201 cell string, or the cell's nodes.
 */
export function describeArchitecture(arch: Architecture): string {
  if (arch.kind === 'nb201') return toCellString(arch);
  if (arch.kind === 'rnnCell') return describeRnnCell(arch);
  return arch.layers.map((l, i) => {
    const window = `${l.filterHeight}x${l.filterWidth}`;
    const op = l.type === undefined ? `${window}/${l.filters}` : `${l.type === 'maxPool' ? 'max' : 'avg'}${window}`;
    return `${i}:${op}${l.stride > 1 ? `s${l.stride}` : ''}${l.inputs.length ? `<-${l.inputs.join(',')}` : ''}`;
  }).join(' ');
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new InvalidArchitectureError(`architecture is not valid JSON: ${(err as Error).message}`);
  }
}
