// The recurrent-cell search space of Zoph & Le 2017 (section 3.4, Figure 5): a cell as a plain
// immutable value, and the token sequence the controller emits for it. Not the tfjs cell
// (child/rnn-cell.ts), nor the controller: only the mapping between the two and its validation.
import { z } from 'zod';
import { RNN_ACTIVATIONS, RNN_COMBINATIONS, type RnnCellSpaceConfig } from '../config/search-config';
import { InvalidArchitectureError } from '../errors';
import type { Step } from './step';

export type RnnCombination = (typeof RNN_COMBINATIONS)[number];
export type RnnActivation = (typeof RNN_ACTIVATIONS)[number];

/*
 * The encoding (section 3.4, Figure 5), for a tree of `base` = B leaves (B a power of two):
 *   nodes 0..B-1 are leaves; internal nodes follow level by level; the root, 2B-2, is last.
 *   Internal node n (n >= B) combines nodes 2(n-B) and 2(n-B)+1.
 *   Leaf l:          pre_l = combine(W_l·x_t, U_l·h_{t-1}) + b_l     (own W_l, U_l, b_l per leaf)
 *   Internal node n: pre_n = combine(out_left, out_right)             (no parameters)
 *   Every node:      out_n = activation(pre_n)
 *   Cell inject at node j = cellIndices[1]: out_j = injectActivation(injectCombination(out_j, c_{t-1}))
 *   Memory:          c_t = pre_k, k = cellIndices[0] (the node's output before its activation)
 *   Output:          h_t = out_{2B-2} (the node of largest index, the root)
 * Tokens, in Figure 5's order: per node 0..2B-2 (combination, activation); then the inject's
 * (combination, activation); then cellIndices[0] and cellIndices[1], each a node index 0..2B-2.
 * Combination and activation tokens index `space.combinations` / `space.activations`. The leaf bias
 * b_l is our addition: it lets a leaf be the constant 1 (W = U = 0, b = 1), so the LSTM and the
 * vanilla RNN are cells of this space (test/child/rnn-cell.test.ts).
 */

export const RnnNode = z.object({
  combination: z.enum(RNN_COMBINATIONS),
  activation: z.enum(RNN_ACTIVATIONS),
}).strict();
export type RnnNode = Readonly<z.infer<typeof RnnNode>>;

export const RnnCellArchitecture = z.object({
  kind: z.literal('rnnCell'),
  base: z.number().int().min(2),
  /** 2·base − 1 nodes: leaves, then internal nodes level by level, root last. */
  nodes: z.array(RnnNode),
  /** How c_{t-1} enters the tree: out_j ← activation(combination(out_j, c_{t-1})). */
  inject: RnnNode,
  /** [node whose pre-activation output is c_t, node at which c_{t-1} is injected]. */
  cellIndices: z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()]),
}).strict();
export type RnnCellArchitecture = Readonly<{
  kind: 'rnnCell';
  base: number;
  nodes: readonly RnnNode[];
  inject: RnnNode;
  cellIndices: readonly [number, number];
}>;

export function nodeCount(base: number): number {
  return 2 * base - 1;
}

export function rootNode(base: number): number {
  return nodeCount(base) - 1;
}

/** The two nodes an internal node combines; undefined for a leaf. */
export function nodeInputs(base: number, node: number): readonly [number, number] | undefined {
  return node < base ? undefined : [2 * (node - base), 2 * (node - base) + 1];
}

/** Decision names: the controller has one softmax head for each (shared by nodes and the inject). */
export const RNN_DECISIONS = ['combination', 'activation', 'cellIndex'] as const;
export type RnnDecision = (typeof RNN_DECISIONS)[number];

export function rnnDecisionSize(space: RnnCellSpaceConfig, decision: RnnDecision): number {
  switch (decision) {
    case 'combination': return space.combinations.length;
    case 'activation': return space.activations.length;
    case 'cellIndex': return nodeCount(space.base);
  }
}

const indices = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/** The controller's steps; `layer` is the node for tree steps, 2B−1 for the inject, 2B and 2B+1 for the indices. */
export function rnnCellSteps(space: RnnCellSpaceConfig): Step[] {
  const nodes = nodeCount(space.base);
  const choice = (decision: RnnDecision, layer: number): Step => ({ kind: 'choice', decision, layer, choices: indices(rnnDecisionSize(space, decision)) });
  const steps: Step[] = [];
  for (let node = 0; node <= nodes; node++) steps.push(choice('combination', node), choice('activation', node));
  steps.push(choice('cellIndex', nodes), choice('cellIndex', nodes + 1));
  return steps;
}

export function decodeRnnCell(space: RnnCellSpaceConfig, tokens: readonly number[]): RnnCellArchitecture {
  const steps = rnnCellSteps(space);
  if (tokens.length !== steps.length) {
    throw new InvalidArchitectureError(`expected ${steps.length} tokens for a base-${space.base} cell, got ${tokens.length}`);
  }
  const pick = <T>(values: readonly T[], i: number, what: string): T => {
    const value = values[tokens[i]!];
    if (value === undefined) throw new InvalidArchitectureError(`token ${i} (${what}) is ${tokens[i]}, not in 0..${values.length - 1}`);
    return value;
  };
  const nodes = nodeCount(space.base);
  const node = (n: number): RnnNode => ({
    combination: pick(space.combinations, 2 * n, `combination of ${n === nodes ? 'the inject' : `node ${n}`}`),
    activation: pick(space.activations, 2 * n + 1, `activation of ${n === nodes ? 'the inject' : `node ${n}`}`),
  });
  const all = indices(nodes);
  return validateRnnCell({
    kind: 'rnnCell',
    base: space.base,
    nodes: all.map(node),
    inject: node(nodes),
    cellIndices: [pick(all, 2 * nodes + 2, 'cell index 0'), pick(all, 2 * nodes + 3, 'cell index 1')],
  });
}

/** The inverse of decodeRnnCell: the tokens the controller would emit for `cell`. */
export function encodeRnnCell(space: RnnCellSpaceConfig, cell: RnnCellArchitecture): number[] {
  if (cell.base !== space.base) throw new InvalidArchitectureError(`cell has base ${cell.base}, the space ${space.base}`);
  const index = <T>(values: readonly T[], value: T, what: string): number => {
    const i = values.indexOf(value);
    if (i < 0) throw new InvalidArchitectureError(`${what} ${String(value)} is not in the space (${values.join(', ')})`);
    return i;
  };
  const node = (n: RnnNode, where: string) => [
    index(space.combinations, n.combination, `${where}: combination`),
    index(space.activations, n.activation, `${where}: activation`),
  ];
  return [...cell.nodes.flatMap((n, i) => node(n, `node ${i}`)), ...node(cell.inject, 'inject'), ...cell.cellIndices];
}

/** Checks a cell from anywhere (JSON, SQL, a user) and returns it frozen. */
export function validateRnnCell(value: unknown): RnnCellArchitecture {
  const parsed = RnnCellArchitecture.safeParse(value);
  if (!parsed.success) throw new InvalidArchitectureError(`not a recurrent cell: ${z.prettifyError(parsed.error)}`);
  const cell = parsed.data;
  if ((cell.base & (cell.base - 1)) !== 0) throw new InvalidArchitectureError(`cell base ${cell.base} is not a power of two`);
  const nodes = nodeCount(cell.base);
  if (cell.nodes.length !== nodes) throw new InvalidArchitectureError(`a base-${cell.base} cell has ${nodes} nodes, got ${cell.nodes.length}`);
  cell.cellIndices.forEach((k, i) => {
    if (k >= nodes) throw new InvalidArchitectureError(`cell index ${i} is ${k}, not a node (0..${nodes - 1})`);
  });
  return Object.freeze({
    kind: 'rnnCell',
    base: cell.base,
    nodes: Object.freeze(cell.nodes.map((n) => Object.freeze({ ...n }))),
    inject: Object.freeze({ ...cell.inject }),
    cellIndices: Object.freeze([cell.cellIndices[0], cell.cellIndices[1]] as const),
  });
}

/** One line: `0:add/tanh 1:elemMult/relu 2:elemMult/sigmoid inject@0:add/relu c<-1`. */
export function describeRnnCell(cell: RnnCellArchitecture): string {
  const nodes = cell.nodes.map((n, i) => `${i}:${n.combination}/${n.activation}`).join(' ');
  return `${nodes} inject@${cell.cellIndices[1]}:${cell.inject.combination}/${cell.inject.activation} c<-${cell.cellIndices[0]}`;
}
