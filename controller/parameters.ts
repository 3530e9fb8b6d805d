// The controller's parameters as one flat Float32Array with a stable, named layout. The layout is
// what the parameter store shards and what Adam updates; the controller reads its slots as views of one float64 copy.
import type { ControllerConfig, SpaceConfig } from '../config/search-config';
import { controllerDecisions, usesAnchors } from '../space/search-space';
import { mulberry32 } from '../random/prng';

export interface ParameterSlot {
  readonly name: string;
  readonly shape: readonly number[];
  readonly offset: number;
  readonly size: number;
}

export interface ParameterLayout {
  readonly slots: readonly ParameterSlot[];
  readonly size: number;
}

/**
 * Variables, by name: a 2-layer LSTM (`lstm{l}/kernel` [in + H, 4H], `lstm{l}/bias` [4H]), the
 * first input `go` [1, H], per decision an embedding of the chosen token `embed/{d}` [choices, H]
 * and a softmax head `head/{d}/kernel` [H, choices] + `head/{d}/bias`, and the anchor attention
 * `anchor/wPrev`, `anchor/wCurr` [H, H] and `anchor/v` [H, 1] (section 3.3).
 */
export function controllerLayout(space: SpaceConfig, controller: ControllerConfig): ParameterLayout {
  const h = controller.hiddenUnits;
  const shapes: [string, number[]][] = [];
  for (let l = 0; l < controller.lstmLayers; l++) {
    shapes.push([`lstm${l}/kernel`, [2 * h, 4 * h]], [`lstm${l}/bias`, [4 * h]]);
  }
  shapes.push(['go', [1, h]]);
  for (const { name, size } of controllerDecisions(space)) {
    shapes.push([`embed/${name}`, [size, h]], [`head/${name}/kernel`, [h, size]], [`head/${name}/bias`, [size]]);
  }
  if (usesAnchors(space)) shapes.push(['anchor/wPrev', [h, h]], ['anchor/wCurr', [h, h]], ['anchor/v', [h, 1]]);
  let offset = 0;
  const slots = shapes.map(([name, shape]) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const slot = { name, shape, offset, size };
    offset += size;
    return slot;
  });
  return { slots, size: offset };
}

/** Section 4.1: parameters initialised uniformly in [-initRange, initRange], from the search seed. */
export function initialParameters(layout: ParameterLayout, initRange: number, seed: number): Float32Array {
  const random = mulberry32(seed);
  const values = new Float32Array(layout.size);
  for (let i = 0; i < values.length; i++) values[i] = (random() * 2 - 1) * initRange;
  return values;
}

export function slotByName(layout: ParameterLayout, name: string): ParameterSlot {
  const slot = layout.slots.find((s) => s.name === name);
  if (!slot) throw new Error(`controller has no parameter ${name}`);
  return slot;
}

/** One named slot of a flat vector, as a view that shares its memory (no copy). */
export function slotView(layout: ParameterLayout, flat: Float64Array, name: string): Float64Array {
  const slot = slotByName(layout, name);
  return flat.subarray(slot.offset, slot.offset + slot.size);
}
