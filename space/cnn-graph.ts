// The three rules of section 3.3 that make every sampled CNN buildable, as pure shape arithmetic
// the builder follows and tests check by hand: a layer with no input takes the image; outputs no
// layer consumes are concatenated before the classifier; smaller inputs are zero-padded. A pooling
// layer (section 3.4) follows them as a convolution does: same 'same'-padded size, its input's channels.
import type { CnnArchitecture } from './cnn';

/** What feeds layer i: the image, or earlier layers (in index order). */
export type LayerSource = { kind: 'image' } | { kind: 'layers'; layers: readonly number[] };

export function layerSources(arch: CnnArchitecture): LayerSource[] {
  return arch.layers.map((l) => (l.inputs.length === 0 ? { kind: 'image' } : { kind: 'layers', layers: l.inputs }));
}

/** Layers whose output no later layer consumes: they all feed the classifier. Never empty. */
export function unconsumedLayers(arch: CnnArchitecture): number[] {
  const consumed = new Set(arch.layers.flatMap((l) => l.inputs));
  return arch.layers.map((_, i) => i).filter((i) => !consumed.has(i));
}

export interface SpatialShape { height: number; width: number }
/** Zero padding [[top, bottom], [left, right]] that brings an input up to the target size. */
export type Padding = [[number, number], [number, number]];

/**
 * Pads each input to the largest height and width among them, the extra split evenly with the odd
 * pixel at the bottom/right, so that inputs of different sizes can be concatenated on channels.
 */
export function concatPadding(shapes: readonly SpatialShape[]): { target: SpatialShape; paddings: Padding[] } {
  const target = {
    height: Math.max(...shapes.map((s) => s.height)),
    width: Math.max(...shapes.map((s) => s.width)),
  };
  const split = (d: number): [number, number] => [Math.floor(d / 2), d - Math.floor(d / 2)];
  const paddings = shapes.map((s): Padding => [split(target.height - s.height), split(target.width - s.width)]);
  return { target, paddings };
}

/** Output size of a 'same'-padded convolution (or pooling window) with this stride. */
export function convOutput(shape: SpatialShape, stride: number): SpatialShape {
  return { height: Math.ceil(shape.height / stride), width: Math.ceil(shape.width / stride) };
}

/** Spatial size of every layer's output for an image of the given size. */
export function layerShapes(arch: CnnArchitecture, image: SpatialShape): SpatialShape[] {
  const shapes: SpatialShape[] = [];
  arch.layers.forEach((layer, i) => {
    const source = layerSources(arch)[i]!;
    const input = source.kind === 'image' ? image : concatPadding(source.layers.map((j) => shapes[j]!)).target;
    shapes.push(convOutput(input, layer.stride));
  });
  return shapes;
}

/** Channels of every layer's output: a convolution's filters; a pooling layer keeps what it pools (the concatenation of its inputs). */
export function layerChannels(arch: CnnArchitecture, imageChannels: number): number[] {
  const channels: number[] = [];
  for (const layer of arch.layers) {
    if (layer.type === undefined) channels.push(layer.filters);
    else channels.push(layer.inputs.length === 0 ? imageChannels : layer.inputs.reduce((n, j) => n + channels[j]!, 0));
  }
  return channels;
}
