// The CNN section of a search config (config/search-config.ts): the choices the controller decides
// among per layer (Zoph & Le 2017, sections 3.1, 3.3 and 3.4's layer types). The schema is the
// type; how the choices become tokens is space/cnn.ts.
import { z } from 'zod';

const choices = (defaults: number[]) =>
  z.array(z.number().int().positive()).min(1).default(defaults)
    .refine((xs) => new Set(xs).size === xs.length, { message: 'choices must be distinct' });

/**
 * Section 3.4: "the controller chooses the layer type". A pooling layer pools a filterHeight ×
 * filterWidth window with the layer's stride ('same' padding) and keeps its input's channels.
 */
export const CNN_POOL_TYPES = ['maxPool', 'avgPool'] as const;
export const CNN_LAYER_TYPES = ['conv', ...CNN_POOL_TYPES] as const;
export type CnnLayerType = (typeof CNN_LAYER_TYPES)[number];

/** Section 3.1: per layer, filter height/width, number of filters, stride; then the anchor point. */
export const CnnSpaceConfig = z.object({
  kind: z.literal('cnn'),
  /** ['conv'] (the paper's space) fixes the type: no decision is sampled for it. */
  layerTypes: z.array(z.enum(CNN_LAYER_TYPES)).min(1).default(['conv'])
    .refine((xs) => new Set(xs).size === xs.length, { message: 'layer types must be distinct' }),
  filterHeights: choices([1, 3, 5, 7]),
  filterWidths: choices([1, 3, 5, 7]),
  filters: choices([24, 36, 48, 64]),
  /** [1] fixes the stride (no decision is sampled for it). */
  strides: choices([1]),
  /** Section 3.3: whether anchor points (skip connections) are sampled at all. */
  skips: z.boolean().default(true),
}).strict();
export type CnnSpaceConfig = z.infer<typeof CnnSpaceConfig>;
