// The NAS-Bench-201 cell (Dong & Yang, ICLR 2020): 4 nodes, 6 edges (j → i for j < i), each one of
// 5 operations, written as the benchmark's cell string `|op~0|+|op~0|op~1|+|op~0|op~1|op~2|`.
// A plain value and its string round trip; looking cells up in a table lives in data/.
import { z } from 'zod';
import { InvalidArchitectureError } from '../errors';

export const NB201_OPS = ['none', 'skip_connect', 'nor_conv_1x1', 'nor_conv_3x3', 'avg_pool_3x3'] as const;
export type Nb201Op = (typeof NB201_OPS)[number];

/** Edges in cell-string order: (to node, from node). */
export const NB201_EDGES: readonly (readonly [number, number])[] = [[1, 0], [2, 0], [2, 1], [3, 0], [3, 1], [3, 2]];

export const Nb201Architecture = z.object({
  kind: z.literal('nb201'),
  /** One operation per edge, in NB201_EDGES order. */
  ops: z.array(z.enum(NB201_OPS)).length(NB201_EDGES.length),
}).strict();
export type Nb201Architecture = Readonly<{ kind: 'nb201'; ops: readonly Nb201Op[] }>;

export function validateNb201(value: unknown): Nb201Architecture {
  const parsed = Nb201Architecture.safeParse(value);
  if (!parsed.success) throw new InvalidArchitectureError(`not a NAS-Bench-201 cell: ${z.prettifyError(parsed.error)}`);
  return Object.freeze({ kind: 'nb201', ops: Object.freeze(parsed.data.ops) });
}

export function toCellString(arch: Nb201Architecture): string {
  const nodes = [1, 2, 3].map((to) =>
    NB201_EDGES.map(([t, from], e) => (t === to ? `${arch.ops[e]}~${from}` : null)).filter((x) => x !== null).join('|'));
  return `|${nodes.join('|+|')}|`;
}

/** Parses a cell string; anything but the exact benchmark form is an InvalidArchitectureError naming why. */
export function fromCellString(cell: string): Nb201Architecture {
  const nodes = cell.split('+');
  if (nodes.length !== 3) throw new InvalidArchitectureError(`cell "${cell}": expected 3 nodes separated by "+", got ${nodes.length}`);
  const ops: string[] = [];
  nodes.forEach((node, i) => {
    const match = /^\|(.*)\|$/.exec(node);
    const edges = match ? match[1]!.split('|') : [];
    if (!match || edges.length !== i + 1) throw new InvalidArchitectureError(`cell "${cell}": node ${i + 1} needs ${i + 1} edges as |op~j|, got "${node}"`);
    edges.forEach((edge, from) => {
      const [op, source] = edge.split('~');
      if (source !== String(from)) throw new InvalidArchitectureError(`cell "${cell}": edge "${edge}" of node ${i + 1} must come from node ${from}`);
      if (!(NB201_OPS as readonly string[]).includes(op!)) throw new InvalidArchitectureError(`cell "${cell}": unknown operation "${op}" (known: ${NB201_OPS.join(', ')})`);
      ops.push(op!);
    });
  });
  return validateNb201({ kind: 'nb201', ops });
}

/** Controller tokens (one op index per edge) → cell, and back. */
export function decodeNb201(tokens: readonly number[]): Nb201Architecture {
  if (tokens.length !== NB201_EDGES.length) throw new InvalidArchitectureError(`expected ${NB201_EDGES.length} tokens for a NAS-Bench-201 cell, got ${tokens.length}`);
  return validateNb201({ kind: 'nb201', ops: tokens.map((t) => NB201_OPS[t] ?? `token ${t}`) });
}

export function encodeNb201(arch: Nb201Architecture): number[] {
  return arch.ops.map((op) => NB201_OPS.indexOf(op));
}
