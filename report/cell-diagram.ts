// The layout of a recurrent cell's diagram (section 3.4, Figure 5): the tree drawn bottom-up, inputs
// x_t and h_{t-1} into every leaf, internal nodes level by level up to the root and h_t, c_{t-1}
// entering at the inject node, c_t read from the cell-index node. Only the layout: architecture-diagram.ts draws it.
import type { RnnCellArchitecture, RnnNode } from '../space/rnn-cell';
import { nodeCount, nodeInputs, rootNode } from '../space/rnn-cell';
// Types only: architecture-diagram.ts imports this file, so a value import back would be a cycle.
import type { Edge, Graph, Node, NodeMark } from './architecture-diagram';

const BOX_W = 124;
const BOX_H = 26; // the height architecture-diagram.ts draws every box with (its BOX_H)
const PITCH = BOX_W + 12;
const ROW = 84;
/** The inject's and c_t's horizontal runs keep this far from their node, so the two never share a line. */
const RUN = BOX_H / 2 + 6;
const INJECT_COLOR = '#d62728';
const CELL_COLOR = '#2ca02c';

/** `3: mult tanh`: the node's combination (elemMult shown as mult) and activation. */
export function rnnNodeLabel(index: number, node: RnnNode): string {
  return `${index}: ${node.combination === 'elemMult' ? 'mult' : node.combination} ${node.activation}`;
}

/** Nodes: 2·base − 1 tree nodes + x_t, h_{t-1}, c_{t-1}, h_t, c_t. Edges: 2·base from the inputs, 2·(base − 1) in the tree, 3 more. */
export function rnnCellGraph(cell: RnnCellArchitecture): Graph {
  const base = cell.base;
  const levels = Math.log2(base);
  const root = rootNode(base);
  const row = (r: number) => 24 + r * ROW;
  const half = BOX_H / 2;
  // Level of a node (leaves 0, root `levels`) and its x: leaves side by side, a parent over its two inputs.
  const level: number[] = [];
  const x: number[] = [];
  for (let n = 0; n < nodeCount(base); n++) {
    const inputs = nodeInputs(base, n);
    level[n] = inputs ? level[inputs[0]]! + 1 : 0;
    x[n] = inputs ? (x[inputs[0]]! + x[inputs[1]]!) / 2 : 16 + BOX_W / 2 + n * PITCH;
  }
  const y = (n: number) => row(levels + 1 - level[n]!);
  const [cellOut, inject] = cell.cellIndices;
  const marks = (n: number): NodeMark[] => [...(n === inject ? ['inject' as const] : []), ...(n === cellOut ? ['cell-output' as const] : [])];
  const nodes: Node[] = cell.nodes.map((node, n) => ({ id: `N${n}`, label: rnnNodeLabel(n, node), kind: 'cell-node', x: x[n]!, y: y(n), marks: marks(n) }));

  const center = x[root]!;
  const bottom = row(levels + 2);
  const hPrevX = center + PITCH * 0.75;
  const side = Math.max(x[base - 1]!, hPrevX) + PITCH; // the column of c_{t-1} and c_t, right of everything
  nodes.push(
    { id: 'x', label: 'x_t', kind: 'input', x: center - PITCH * 0.75, y: bottom },
    { id: 'h_prev', label: 'h_{t-1}', kind: 'input', x: hPrevX, y: bottom },
    { id: 'c_prev', label: 'c_{t-1}', kind: 'input', x: side, y: bottom },
    { id: 'h', label: 'h_t', kind: 'output', x: center, y: row(0) },
    { id: 'c', label: 'c_t', kind: 'output', x: side, y: row(0) },
  );
  const at = (id: string) => nodes.find((node) => node.id === id)!;
  const up = (from: Node, to: Node): string => `M${from.x} ${from.y - half}L${to.x} ${to.y + half}`;

  const edges: Edge[] = [];
  for (let leaf = 0; leaf < base; leaf++) {
    for (const input of ['x', 'h_prev']) edges.push({ from: input, to: `N${leaf}`, d: up(at(input), nodes[leaf]!), color: '#9ab' });
  }
  for (let n = base; n < nodeCount(base); n++) {
    for (const i of nodeInputs(base, n)!) edges.push({ from: `N${i}`, to: `N${n}`, d: up(nodes[i]!, nodes[n]!) });
  }
  edges.push({ from: `N${root}`, to: 'h', d: up(nodes[root]!, at('h')) });
  // c_{t-1} rises in the side column (right of c_t's run up it) to just below the inject node, runs left, enters it from below.
  const j = nodes[inject]!;
  const cPrev = at('c_prev');
  const jx = j.x + BOX_W / 4;
  const below = j.y + RUN;
  edges.push({
    from: 'c_prev', to: `N${inject}`, color: INJECT_COLOR, d: `M${cPrev.x + 8} ${cPrev.y - half}L${cPrev.x + 8} ${below}L${jx} ${below}L${jx} ${j.y + half}`,
    label: { text: `inject ${rnnNodeLabel(inject, cell.inject).replace(/^\d+: /, '')}`, x: (cPrev.x + jx) / 2, y: below + 12 },
  });
  // c_t is node k's output before its activation: up from k to just above it, right, up the side column.
  const k = nodes[cellOut]!;
  const c = at('c');
  const kx = k.x + BOX_W / 4;
  const above = k.y - RUN;
  edges.push({
    from: `N${cellOut}`, to: 'c', color: CELL_COLOR, d: `M${kx} ${k.y - half}L${kx} ${above}L${c.x - 8} ${above}L${c.x - 8} ${c.y + half}`,
    label: { text: `c_t = pre-activation of node ${cellOut}`, x: (kx + c.x) / 2, y: above - 4 },
  });
  return { nodes, edges, width: side + BOX_W / 2 + 16, height: bottom + half + 8, boxWidth: BOX_W };
}
