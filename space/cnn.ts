// The CNN search space of Zoph & Le 2017 (section 3.1, 3.3): an architecture as a plain immutable
// value, and the token sequence the controller emits for it. Not the tfjs builder (child/), nor
// the controller (controller/): only the mapping between the two and its validation.
import { z } from 'zod';
import type { CnnSpaceConfig } from '../config/search-config';
import { InvalidArchitectureError } from '../errors';
import type { Step } from './step';

export const CnnLayer = z.object({
  filterHeight: z.number().int().positive(),
  filterWidth: z.number().int().positive(),
  filters: z.number().int().positive(),
  stride: z.number().int().positive(),
  /** Indices of earlier layers that feed this one (sorted); empty means the image does. */
  inputs: z.array(z.number().int().nonnegative()),
}).strict();
export type CnnLayer = Readonly<z.infer<typeof CnnLayer>>;

export const CnnArchitecture = z.object({
  kind: z.literal('cnn'),
  layers: z.array(CnnLayer).min(1),
}).strict();
export type CnnArchitecture = Readonly<{ kind: 'cnn'; layers: readonly CnnLayer[] }>;

/** The categorical decisions of one layer, in the order the controller emits them. */
export type LayerDecision = 'filterHeight' | 'filterWidth' | 'filters' | 'stride';
const LAYER_DECISIONS: readonly LayerDecision[] = ['filterHeight', 'filterWidth', 'filters', 'stride'];

export function decisionChoices(space: CnnSpaceConfig, decision: LayerDecision): readonly number[] {
  switch (decision) {
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
 * (bit j = 1 when layer j feeds layer i). Returns the architecture they describe.
 */
export function decodeCnn(space: CnnSpaceConfig, numLayers: number, tokens: readonly number[]): CnnArchitecture {
  const steps = cnnSteps(space, numLayers);
  const expected = steps.reduce((n, s) => n + (s.kind === 'anchor' ? s.layer : 1), 0);
  if (tokens.length !== expected) {
    throw new InvalidArchitectureError(`expected ${expected} tokens for ${numLayers} layers, got ${tokens.length}`);
  }
  const layers: CnnLayer[] = [];
  const fixed = (d: LayerDecision) => decisionChoices(space, d)[0]!;
  let cursor = 0;
  for (let layer = 0; layer < numLayers; layer++) {
    const values = { filterHeight: fixed('filterHeight'), filterWidth: fixed('filterWidth'), filters: fixed('filters'), stride: fixed('stride') };
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
    layers.push({ ...values, inputs });
  }
  return validateCnn({ kind: 'cnn', layers });
}

/** The inverse of decodeCnn: the tokens the controller would emit for `arch`. */
export function encodeCnn(space: CnnSpaceConfig, arch: CnnArchitecture): number[] {
  const tokens: number[] = [];
  arch.layers.forEach((layer, i) => {
    const chain = chainInputs(space, i);
    if (!space.skips && layer.inputs.join() !== chain.join()) {
      throw new InvalidArchitectureError(`layer ${i}: inputs [${layer.inputs.join(', ')}] need skips, which this space does not sample`);
    }
  });
  for (const step of cnnSteps(space, arch.layers.length)) {
    const layer = arch.layers[step.layer]!;
    if (step.kind === 'choice') {
      const value = layer[step.decision as LayerDecision];
      const index = step.choices.indexOf(value);
      if (index < 0) throw new InvalidArchitectureError(`layer ${step.layer}: ${step.decision} ${value} is not in the space (${step.choices.join(', ')})`);
      tokens.push(index);
    } else {
      for (let j = 0; j < step.layer; j++) tokens.push(layer.inputs.includes(j) ? 1 : 0);
    }
  }
  return tokens;
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
