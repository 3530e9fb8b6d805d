// The CNN search space of Zoph & Le 2017 (sections 3.1, 3.3, and 3.4's pooling layers): an
// architecture as a plain immutable value, and the token sequence the controller emits for it.
// Not the tfjs builder (child/), nor the controller (controller/): only the mapping and validation.
import { z } from 'zod';
import { CNN_POOL_TYPES, type CnnLayerType, type CnnSpaceConfig } from '../config/search-config';
import { InvalidArchitectureError } from '../errors';
import type { Step } from './step';

const size = z.number().int().positive();
/** Indices of earlier layers that feed this one (sorted); empty means the image does. */
const inputs = z.array(z.number().int().nonnegative());

/**
 * A convolution carries no `type` (as every architecture stored before section 3.4's pooling did);
 * `type: undefined` makes it the discriminant. Keys in this order: a parsed layer serialises as before.
 */
export const ConvLayer = z.object({
  filterHeight: size, filterWidth: size, filters: size, stride: size, inputs,
  type: z.undefined().optional(),
}).strict();
/** Section 3.4: a max or average pool over a filterHeight × filterWidth window; no filters, it keeps its input's channels. */
export const PoolLayer = z.object({
  type: z.enum(CNN_POOL_TYPES), filterHeight: size, filterWidth: size, stride: size, inputs,
}).strict();
export const CnnLayer = z.discriminatedUnion('type', [ConvLayer, PoolLayer]);
export type ConvLayer = Readonly<z.infer<typeof ConvLayer>>;
export type PoolLayer = Readonly<z.infer<typeof PoolLayer>>;
export type CnnLayer = ConvLayer | PoolLayer;

export const CnnArchitecture = z.object({
  kind: z.literal('cnn'),
  layers: z.array(CnnLayer).min(1),
}).strict();
export type CnnArchitecture = Readonly<{ kind: 'cnn'; layers: readonly CnnLayer[] }>;

/** A CNN of convolutions only: all the paper's section 3.1 space samples, and all weight sharing covers. */
export type ConvArchitecture = Readonly<{ kind: 'cnn'; layers: readonly ConvLayer[] }>;

export function layerType(layer: CnnLayer): CnnLayerType {
  return layer.type ?? 'conv';
}

/** Layer i as a convolution, for code that covers convolutions only; a pooling layer is refused by name. */
export function convLayer(arch: CnnArchitecture, i: number): ConvLayer {
  const layer = arch.layers[i];
  if (!layer) throw new InvalidArchitectureError(`layer ${i}: the architecture has ${arch.layers.length} layers`);
  if (layer.type !== undefined) throw new InvalidArchitectureError(`layer ${i} is a ${layer.type} layer, not a convolution`);
  return layer;
}

/**
 * The categorical decisions of one layer, in the order the controller emits them. A layerType
 * token is an index into space.layerTypes; the others index their value's list.
 */
export type LayerDecision = 'layerType' | 'filterHeight' | 'filterWidth' | 'filters' | 'stride';
const LAYER_DECISIONS: readonly LayerDecision[] = ['layerType', 'filterHeight', 'filterWidth', 'filters', 'stride'];

export function decisionChoices(space: CnnSpaceConfig, decision: LayerDecision): readonly number[] {
  switch (decision) {
    case 'layerType': return space.layerTypes.map((_, i) => i);
    case 'filterHeight': return space.filterHeights;
    case 'filterWidth': return space.filterWidths;
    case 'filters': return space.filters;
    case 'stride': return space.strides;
  }
}

/** Decisions that are sampled: a decision with a single choice is fixed, not emitted. */
export function sampledDecisions(space: CnnSpaceConfig): LayerDecision[] {
  return LAYER_DECISIONS.filter((d) => decisionChoices(space, d).length > 1);
}

/**
 * The controller's steps for a network of `numLayers` layers. Every layer has an anchor step when
 * skips are on; layer 0's has no candidates (it emits no token, but its state is what later
 * layers attend to).
 */
export function cnnSteps(space: CnnSpaceConfig, numLayers: number): Step[] {
  const steps: Step[] = [];
  const decisions = sampledDecisions(space);
  for (let layer = 0; layer < numLayers; layer++) {
    for (const decision of decisions) {
      steps.push({ kind: 'choice', decision, layer, choices: decisionChoices(space, decision) });
    }
    if (space.skips) steps.push({ kind: 'anchor', layer });
  }
  return steps;
}

/**
 * Without skips the network is a chain: layer i takes layer i-1. With skips the anchor decides,
 * and a layer with no chosen input takes the image (section 3.3).
 */
function chainInputs(space: CnnSpaceConfig, layer: number): number[] {
  return !space.skips && layer > 0 ? [layer - 1] : [];
}

/**
 * Tokens: for each choice step the index of the chosen value; for the anchor of layer i, i bits
 * (bit j = 1 when layer j feeds layer i). Returns the architecture they describe. The steps are
 * the same for every layer type (the controller's sequence has a fixed length per depth), so a
 * pooling layer still has a filters token when filters are sampled; it is ignored.
 */
export function decodeCnn(space: CnnSpaceConfig, numLayers: number, tokens: readonly number[]): CnnArchitecture {
  const steps = cnnSteps(space, numLayers);
  const expected = steps.reduce((n, s) => n + (s.kind === 'anchor' ? s.layer : 1), 0);
  if (tokens.length !== expected) {
    throw new InvalidArchitectureError(`expected ${expected} tokens for ${numLayers} layers, got ${tokens.length}`);
  }
  const layers: CnnLayer[] = [];
  let cursor = 0;
  for (let layer = 0; layer < numLayers; layer++) {
    const values = Object.fromEntries(LAYER_DECISIONS.map((d) => [d, decisionChoices(space, d)[0]!])) as Record<LayerDecision, number>;
    const inputs: number[] = chainInputs(space, layer);
    for (const step of steps.filter((s) => s.layer === layer)) {
      if (step.kind === 'choice') {
        const token = tokens[cursor++]!;
        const value = step.choices[token];
        if (value === undefined) {
          throw new InvalidArchitectureError(`layer ${layer}: token ${token} is not a ${step.decision} choice (0..${step.choices.length - 1})`);
        }
        values[step.decision as LayerDecision] = value;
      } else {
        for (let j = 0; j < layer; j++) {
          const bit = tokens[cursor++]!;
          if (bit !== 0 && bit !== 1) throw new InvalidArchitectureError(`layer ${layer}: anchor bit for layer ${j} is ${bit}, not 0 or 1`);
          if (bit === 1) inputs.push(j);
        }
      }
    }
    layers.push(layerOf(space.layerTypes[values.layerType]!, values, inputs));
  }
  return validateCnn({ kind: 'cnn', layers });
}

function layerOf(type: CnnLayerType, v: Record<LayerDecision, number>, inputs: number[]): CnnLayer {
  return type === 'conv'
    ? { filterHeight: v.filterHeight, filterWidth: v.filterWidth, filters: v.filters, stride: v.stride, inputs }
    : { type, filterHeight: v.filterHeight, filterWidth: v.filterWidth, stride: v.stride, inputs };
}

/**
 * The inverse of decodeCnn: the tokens the controller would emit for `arch`, so that
 * decodeCnn(encodeCnn(arch)) equals arch. A pooling layer's filters token, which decoding ignores,
 * is encoded as 0. Every value is checked against the space, fixed ones too: a pooling layer in a
 * conv-only space is refused, not encoded as a convolution.
 */
export function encodeCnn(space: CnnSpaceConfig, arch: CnnArchitecture): number[] {
  const chosen = arch.layers.map((layer, i) => {
    const chain = chainInputs(space, i);
    if (!space.skips && layer.inputs.join() !== chain.join()) {
      throw new InvalidArchitectureError(`layer ${i}: inputs [${layer.inputs.join(', ')}] need skips, which this space does not sample`);
    }
    return new Map(LAYER_DECISIONS.map((d) => [d, decisionToken(space, layer, i, d)]));
  });
  const tokens: number[] = [];
  for (const step of cnnSteps(space, arch.layers.length)) {
    const layer = arch.layers[step.layer]!;
    if (step.kind === 'choice') tokens.push(chosen[step.layer]!.get(step.decision as LayerDecision)!);
    else for (let j = 0; j < step.layer; j++) tokens.push(layer.inputs.includes(j) ? 1 : 0);
  }
  return tokens;
}

/** The index of `layer`'s value for `decision` among the space's choices. */
function decisionToken(space: CnnSpaceConfig, layer: CnnLayer, i: number, decision: LayerDecision): number {
  const value = layerValue(layer, decision);
  if (value === undefined) return 0; // a pooling layer's filters: decoding ignores the token
  const choices: readonly (string | number)[] = decision === 'layerType' ? space.layerTypes : decisionChoices(space, decision);
  const index = choices.indexOf(value);
  if (index < 0) throw new InvalidArchitectureError(`layer ${i}: ${decision} ${value} is not in the space (${choices.join(', ')})`);
  return index;
}

function layerValue(layer: CnnLayer, decision: LayerDecision): string | number | undefined {
  if (decision === 'layerType') return layerType(layer);
  if (decision !== 'filters') return layer[decision];
  return layer.type === undefined ? layer.filters : undefined;
}

/** Checks an architecture from anywhere (JSON, SQL, a user) and returns it frozen. */
export function validateCnn(value: unknown): CnnArchitecture {
  const parsed = CnnArchitecture.safeParse(value);
  if (!parsed.success) throw new InvalidArchitectureError(`not a CNN architecture: ${z.prettifyError(parsed.error)}`);
  parsed.data.layers.forEach((layer, i) => {
    layer.inputs.forEach((j, k) => {
      if (j >= i) throw new InvalidArchitectureError(`layer ${i}: input ${j} is not an earlier layer`);
      if (k > 0 && layer.inputs[k - 1]! >= j) throw new InvalidArchitectureError(`layer ${i}: inputs must be sorted and distinct`);
    });
  });
  return deepFreeze(parsed.data);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}
