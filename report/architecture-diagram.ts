// An architecture drawn as an SVG graph for the report. CNN (Zoph & Le 2017): the image, one box per
// layer (`3x5/36 s2`), edges for its inputs and skip connections, the concat of unconsumed outputs and
// the classifier. NAS-Bench-201: the 4-node cell DAG with an operation per edge. A recurrent cell:
// its tree (laid out in cell-diagram.ts). Anything else (a kind this build does not know yet) is
// drawn as a labelled box, never an error.
import { type Architecture, parseArchitecture } from '../space/architecture';
import type { CnnArchitecture } from '../space/cnn';
import { layerSources, unconsumedLayers } from '../space/cnn-graph';
import { NB201_EDGES, type Nb201Architecture } from '../space/nb201';
import { rnnCellGraph } from './cell-diagram';
import { escapeXml } from './svg-chart';

/** `marks` highlight a node (a recurrent cell's inject, the node c_t is read from). */
export interface Node { id: string; label: string; kind: 'input' | 'layer' | 'concat' | 'output' | 'cell-node'; x: number; y: number; marks?: readonly NodeMark[] }
export type NodeMark = 'inject' | 'cell-output';
/** An edge with its route already laid out: an SVG path and where its label (if any) goes. */
export interface Edge { from: string; to: string; d: string; label?: { text: string; x: number; y: number }; dashed?: boolean; color?: string }
/** `boxWidth` overrides the default box width (a wide cell tree uses narrower boxes). */
export interface Graph { nodes: Node[]; edges: Edge[]; width: number; height: number; boxWidth?: number }

export const BOX = { w: 140, h: 26 };

/** Parses what the store holds; an unknown or malformed kind becomes `undefined` (drawn as text). */
export function readArchitecture(json: unknown): Architecture | undefined {
  try {
    return parseArchitecture(json);
  } catch {
    return undefined;
  }
}

/** `3x5/36 s2`: a 3×5 kernel, 36 filters, stride 2; a pooling layer is `max 3x5 s2` or `avg 3x5`. */
export function cnnLayerLabel(l: CnnArchitecture['layers'][number]): string {
  const window = `${l.filterHeight}x${l.filterWidth}`;
  const op = l.type === undefined ? `${window}/${l.filters}` : `${l.type === 'maxPool' ? 'max' : 'avg'} ${window}`;
  return `${op}${l.stride > 1 ? ` s${l.stride}` : ''}`;
}

/** `key` keeps the arrow marker's id unique among several diagrams on one page. */
export function renderArchitectureSvg(json: unknown, title: string, key: string): string {
  const arch = readArchitecture(json);
  if (arch?.kind === 'cnn') return draw(cnnGraph(arch), title, 'cnn', key);
  if (arch?.kind === 'nb201') return draw(nb201Graph(arch), title, 'nb201', key);
  if (arch?.kind === 'rnnCell') return draw(rnnCellGraph(arch), title, 'rnnCell', key);
  return unknownBox(json, title);
}

/** Top to bottom: image, layers, concat, classifier. Adjacent rows get a straight edge, skips an arc to the right. */
function cnnGraph(arch: CnnArchitecture): Graph {
  const cx = 16 + BOX.w / 2;
  const row = (r: number) => 24 + r * 46;
  const nodes: Node[] = [{ id: 'image', label: 'image', kind: 'input', x: cx, y: row(0) }];
  arch.layers.forEach((l, i) => nodes.push({ id: `L${i}`, label: `${i}: ${cnnLayerLabel(l)}`, kind: 'layer', x: cx, y: row(i + 1) }));
  const depth = arch.layers.length;
  nodes.push({ id: 'concat', label: 'concat', kind: 'concat', x: cx, y: row(depth + 1) });
  nodes.push({ id: 'classifier', label: 'softmax classifier', kind: 'output', x: cx, y: row(depth + 2) });
  const pairs: [string, string, number, number][] = []; // from, to, from row, to row
  layerSources(arch).forEach((source, i) => {
    if (source.kind === 'image') pairs.push(['image', `L${i}`, 0, i + 1]);
    else source.layers.forEach((j) => pairs.push([`L${j}`, `L${i}`, j + 1, i + 1]));
  });
  unconsumedLayers(arch).forEach((i) => pairs.push([`L${i}`, 'concat', i + 1, depth + 1]));
  pairs.push(['concat', 'classifier', depth + 1, depth + 2]);
  let lane = 0;
  const edges = pairs.map(([from, to, a, b]): Edge => {
    if (b - a === 1) return { from, to, d: `M${cx} ${row(a) + BOX.h / 2}L${cx} ${row(b) - BOX.h / 2}` };
    const x = cx + BOX.w / 2;
    const bulge = 20 + 10 * (b - a) + 6 * (lane++ % 4);
    return { from, to, d: `M${x} ${row(a)}C${x + bulge} ${row(a)} ${x + bulge} ${row(b)} ${x} ${row(b)}` };
  });
  return { nodes, edges, width: cx + BOX.w / 2 + 40 + 10 * (depth + 2) + 24, height: row(depth + 2) + BOX.h / 2 + 8 };
}

/** Left to right: nodes 0..3; j → j+1 straight (label above), 0 → 2 and 1 → 3 arcs above, 0 → 3 an arc below. */
function nb201Graph(arch: Nb201Architecture): Graph {
  const gap = BOX.w + 100;
  const y = 110;
  const nodes: Node[] = [0, 1, 2, 3].map((i) => ({ id: `N${i}`, label: i === 0 ? 'node 0 (input)' : i === 3 ? 'node 3 (output)' : `node ${i}`, kind: 'cell-node' as const, x: 16 + BOX.w / 2 + i * gap, y }));
  const edges = NB201_EDGES.map(([to, from], e): Edge => {
    const a = nodes[from]!;
    const b = nodes[to]!;
    const op = arch.ops[e]!;
    const base = { from: a.id, to: b.id, dashed: op === 'none' };
    if (to - from === 1) return { ...base, d: `M${a.x + BOX.w / 2} ${y}L${b.x - BOX.w / 2} ${y}`, label: { text: op, x: (a.x + b.x) / 2, y: y - 6 } };
    const above = to - from === 2;
    const top = above ? y - BOX.h / 2 : y + BOX.h / 2;
    const control = above ? y - 130 : y + 150;
    const mid = (a.x + b.x) / 2;
    return { ...base, d: `M${a.x} ${top}Q${mid} ${control} ${b.x} ${top}`, label: { text: op, x: mid, y: (top + control) / 2 + (above ? -2 : 12) } };
  });
  return { nodes, edges, width: nodes[3]!.x + BOX.w / 2 + 16, height: y + 100 };
}

function draw(graph: Graph, title: string, kind: string, key: string): string {
  const marker = `arrow-${key.replace(/[^A-Za-z0-9_-]/g, '')}`;
  const edgeSvg = graph.edges.map((e) => `<g class="arch-edge" data-from="${e.from}" data-to="${e.to}"><path d="${e.d}" fill="none" `
    + `stroke="${e.color ?? (e.dashed ? '#bbb' : '#456')}" stroke-width="1.5"${e.dashed ? ' stroke-dasharray="4 3"' : ''} marker-end="url(#${marker})"/>`
    + (e.label ? `<text x="${Math.round(e.label.x)}" y="${Math.round(e.label.y)}" text-anchor="middle" font-size="11" fill="${e.color ?? '#555'}">${escapeXml(e.label.text)}</text>` : '')
    + '</g>').join('');
  const fill = { input: '#e8f0fe', layer: '#fff7e0', concat: '#eee', output: '#e6f4ea', 'cell-node': '#fff7e0' } as const;
  const w = graph.boxWidth ?? BOX.w;
  // A marked node gets a thick coloured border: red where c_{t-1} enters, green where c_t is read.
  const stroke = (node: Node) => (node.marks?.includes('inject') ? '#d62728' : node.marks?.includes('cell-output') ? '#2ca02c' : '#456');
  const nodeSvg = graph.nodes.map((node) => `<g class="arch-node" data-kind="${node.kind}"${node.marks?.length ? ` data-marks="${node.marks.join(' ')}"` : ''}>`
    + `<rect x="${node.x - w / 2}" y="${node.y - BOX.h / 2}" width="${w}" height="${BOX.h}" rx="5" fill="${fill[node.kind]}" stroke="${stroke(node)}"`
    + `${node.marks?.length ? ' stroke-width="2.5"' : ''}/>`
    + `<text x="${node.x}" y="${node.y + 4}" text-anchor="middle" font-size="12" font-family="monospace">${escapeXml(node.label)}</text></g>`).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" class="architecture" data-arch-kind="${kind}" data-nodes="${graph.nodes.length}" `
    + `data-edges="${graph.edges.length}" width="${graph.width}" height="${graph.height}" viewBox="0 0 ${graph.width} ${graph.height}" role="img" aria-label="${escapeXml(title)}">`
    + `<defs><marker id="${marker}" viewBox="0 0 8 8" refX="8" refY="4" markerWidth="7" markerHeight="7" orient="auto"><path d="M0 0L8 4L0 8z" fill="#456"/></marker></defs>`
    + edgeSvg + nodeSvg + '</svg>';
}

function unknownBox(json: unknown, title: string): string {
  const kind = typeof json === 'object' && json !== null && 'kind' in json ? String((json as { kind: unknown }).kind) : 'unknown';
  const text = JSON.stringify(json) ?? String(json);
  const shown = text.length > 90 ? `${text.slice(0, 87)}...` : text;
  return `<svg xmlns="http://www.w3.org/2000/svg" class="architecture" data-arch-kind="unknown" data-nodes="1" data-edges="0" width="640" height="64" viewBox="0 0 640 64" role="img" aria-label="${escapeXml(title)}">`
    + `<g class="arch-node" data-kind="unknown"><rect x="4" y="4" width="632" height="56" rx="5" fill="#f4f4f4" stroke="#999"/>`
    + `<text x="14" y="26" font-size="12">kind "${escapeXml(kind)}": no diagram for it in this version</text>`
    + `<text x="14" y="46" font-size="11" font-family="monospace">${escapeXml(shown)}</text></g></svg>`;
}
