// What the controller needs of any search space: its decision types (one softmax head each),
// the steps of one sample, whether anchors are used, the depth at a point of the search, and
// decoding tokens into an architecture. The spaces themselves are cnn.ts, nb201.ts and rnn-cell.ts.
import type { SearchConfig, SpaceConfig } from '../config/search-config';
import type { Architecture } from './architecture';
import { cnnSteps, decisionChoices, decodeCnn, sampledDecisions } from './cnn';
import { decodeNb201, NB201_EDGES, NB201_OPS } from './nb201';
import { decodeRnnCell, nodeCount, RNN_DECISIONS, rnnCellSteps, rnnDecisionSize } from './rnn-cell';
import { layersAt } from './schedule';
import type { Step } from './step';

const NB201_CHOICES: readonly number[] = NB201_OPS.map((_, i) => i);

export interface Decision {
  name: string;
  size: number;
}

export function controllerDecisions(space: SpaceConfig): Decision[] {
  if (space.kind === 'nb201') return [{ name: 'op', size: NB201_OPS.length }];
  if (space.kind === 'rnnCell') return RNN_DECISIONS.map((name) => ({ name, size: rnnDecisionSize(space, name) }));
  return sampledDecisions(space).map((name) => ({ name, size: decisionChoices(space, name).length }));
}

export function usesAnchors(space: SpaceConfig): boolean {
  return space.kind === 'cnn' && space.skips;
}

/** For nb201, a "layer" is an edge of the cell and `numLayers` is always 6; rnnCell ignores it. */
export function controllerSteps(space: SpaceConfig, numLayers: number): Step[] {
  if (space.kind === 'nb201') return NB201_EDGES.map((_, edge) => ({ kind: 'choice', decision: 'op', layer: edge, choices: NB201_CHOICES }));
  if (space.kind === 'rnnCell') return rnnCellSteps(space);
  return cnnSteps(space, numLayers);
}

/** Layers (cnn, by the depth schedule), edges (nb201, fixed) or tree nodes (rnnCell, fixed) of the children sampled now. */
export function depthAt(config: SearchConfig, childrenSoFar: number): number {
  switch (config.space.kind) {
    case 'nb201': return NB201_EDGES.length;
    case 'rnnCell': return nodeCount(config.space.base);
    case 'cnn': return layersAt(config.schedule, childrenSoFar);
  }
}

export function decodeArchitecture(space: SpaceConfig, numLayers: number, tokens: readonly number[]): Architecture {
  switch (space.kind) {
    case 'nb201': return decodeNb201(tokens);
    case 'rnnCell': return decodeRnnCell(space, tokens);
    case 'cnn': return decodeCnn(space, numLayers, tokens);
  }
}
