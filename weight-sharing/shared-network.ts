// The shared weights ω of a weight-sharing search (ENAS, Pham et al. 2018): one set of variables
// that holds every child of the CNN space as a subgraph, and the forward pass of one child through
// them. Not training (omega-trainer.ts), not storage (store/shared-weights.ts), not the shape rules
// (space/cnn-graph.ts decides them and this file follows them, as child/cnn-builder.ts does).
//
// Layer i keeps a kernel block per source it may read (the image, each earlier layer j): one of the
// largest kernel whose centre h×w a smaller kernel uses, or one per kernel shape. A child's layer
// with an h×w kernel and f filters reading sources S uses, of its block for each source in S, the
// kernel, the first f_j input channels and the first f output channels. A convolution of a channel-concatenation is the sum of
// per-block convolutions, so concatenating those slices gives exactly the kernel of the from-scratch
// child (child/cnn-builder.ts).
import type { Tensor2D, Tensor4D, Variable } from '@tensorflow/tfjs';
import type { Tf } from '../backend/tf';
import { InvalidArchitectureError } from '../errors';
import { type CnnArchitecture, type ConvArchitecture, convLayer } from '../space/cnn';
import { concatPadding, layerChannels, layerShapes, layerSources, type Padding, type SpatialShape, unconsumedLayers } from '../space/cnn-graph';

/** What ω must cover: the deepest child, the kernel sizes and the largest filter count of the space. */
export interface SharedNetworkShape {
  maxLayers: number;
  /** The space's choices (space.filterHeights / filterWidths). */
  filterHeights: number[];
  filterWidths: number[];
  maxFilters: number;
  image: { height: number; width: number; channels: number };
  numClasses: number;
  /**
   * centreSlice: one block of the largest kernel, whose centre every smaller kernel uses; perShape:
   * a block per kernel height × width, as ENAS keeps one set of weights per operation (more memory,
   * each block trained less often; it learned half as fast in the README's measurement).
   */
  kernels: 'perShape' | 'centreSlice';
}

/** The variables of ω, by stable name (they round-trip through checkpoints by these names). */
export interface SharedNetwork {
  shape: SharedNetworkShape;
  /** Kernel blocks by logical name (kernelName). */
  kernels: Map<string, Variable>;
  gammas: Variable[];
  betas: Variable[];
  /** head[j]: classifier block for layer j's pooled output, [maxFilters, numClasses]. */
  head: Variable[];
  headBias: Variable;
  variables: Variable[];
  /**
   * Prepended to every name: tfjs registers variables by name per process, so two ω's (two searches
   * in one worker) need their own. Checkpoints store the names without it.
   */
  prefix: string;
}

let instances = 0;

const BN_EPSILON = 1e-3;

/** Layer i's kernel block for source s (0 = the image, j + 1 = layer j), and kernel h × w when blocks are per shape. */
export function kernelName(layer: number, source: number, kernel?: { height: number; width: number }): string {
  const from = source === 0 ? `omega/layer${layer}/from_image` : `omega/layer${layer}/from_layer${source - 1}`;
  return kernel ? `${from}/${kernel.height}x${kernel.width}` : from;
}

/** Glorot-uniform kernels from `seed` (each block's own fans), BN at 1 / 0. */
export function createSharedNetwork(tf: Tf, shape: SharedNetworkShape, seed: number): SharedNetwork {
  checkShape(shape);
  const { maxLayers, maxFilters: f, image, numClasses } = shape;
  const prefix = `net${++instances}:`;
  let next = 0;
  const uniform = (dims: number[], fanIn: number, fanOut: number) => {
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    return tf.randomUniform(dims, -limit, limit, 'float32', seed * 100_003 + ++next);
  };
  const shapes = shape.kernels === 'perShape'
    ? shape.filterHeights.flatMap((height) => shape.filterWidths.map((width) => ({ height, width })))
    : [{ height: Math.max(...shape.filterHeights), width: Math.max(...shape.filterWidths) }];
  const kernels = new Map<string, Variable>();
  const gammas: Variable[] = [];
  const betas: Variable[] = [];
  const head: Variable[] = [];
  // In tidy: the initial values are freed once the variables hold them (variables outlive a tidy).
  tf.tidy(() => {
    for (let i = 0; i < maxLayers; i++) {
      for (let s = 0; s <= i; s++) {
        const channels = s === 0 ? image.channels : f;
        for (const k of shapes) {
          const name = kernelName(i, s, shape.kernels === 'perShape' ? k : undefined);
          const area = k.height * k.width;
          kernels.set(name, tf.variable(uniform([k.height, k.width, channels, f], area * channels, area * f), true, prefix + name));
        }
      }
      gammas.push(tf.variable(tf.ones([f]), true, `${prefix}omega/layer${i}/bn_gamma`));
      betas.push(tf.variable(tf.zeros([f]), true, `${prefix}omega/layer${i}/bn_beta`));
      head.push(tf.variable(uniform([f, numClasses], f, numClasses), true, `${prefix}omega/head/from_layer${i}`));
    }
  });
  const headBias = tf.tidy(() => tf.variable(tf.zeros([numClasses]), true, `${prefix}omega/head/bias`));
  const variables = [...kernels.values(), ...gammas, ...betas, ...head, headBias];
  return { shape, kernels, gammas, betas, head, headBias, variables, prefix };
}

/** Trainable parameters of ω (what a checkpoint holds, besides the optimizer's slots). */
export function sharedParamCount(net: SharedNetwork): number {
  return net.variables.reduce((n, v) => n + v.size, 0);
}

/** A variable's name without the network's prefix: the name checkpoints use. */
export function logicalName(net: SharedNetwork, variable: Variable): string {
  return variable.name.slice(net.prefix.length);
}

export function disposeSharedNetwork(net: SharedNetwork): void {
  for (const v of net.variables) v.dispose();
}

/**
 * Throws InvalidArchitectureError when `arch` is not a subgraph of ω (too deep, a pooling layer,
 * another kernel, too wide). ω holds convolutions only: a pooling layer's output has its inputs'
 * channels, which no block is sized for (the config refuses pooling with mode weightSharing).
 */
export function checkFits(net: SharedNetwork, arch: CnnArchitecture): asserts arch is ConvArchitecture {
  const { maxLayers, filterHeights, filterWidths, maxFilters } = net.shape;
  if (arch.layers.length > maxLayers) throw new InvalidArchitectureError(`${arch.layers.length} layers; the shared network has ${maxLayers}`);
  arch.layers.forEach((_, i) => {
    const l = convLayer(arch, i);
    if (!filterHeights.includes(l.filterHeight) || !filterWidths.includes(l.filterWidth)) {
      throw new InvalidArchitectureError(`layer ${i}: kernel ${l.filterHeight}x${l.filterWidth} is not one of the shared network's (${filterHeights.join('/')} x ${filterWidths.join('/')})`);
    }
    if (l.filters > maxFilters) throw new InvalidArchitectureError(`layer ${i}: ${l.filters} filters exceed the shared ${maxFilters}`);
  });
}

/** The block of layer i for source s that a child layer uses, and its slice: the kernel (centre, for one shared block), first channels. */
export function kernelSlice(net: SharedNetwork, arch: CnnArchitecture, i: number, source: number): { name: string; block: Variable; begin: number[]; size: number[] } {
  const layer = convLayer(arch, i);
  const channels = source === 0 ? net.shape.image.channels : convLayer(arch, source - 1).filters;
  const perShape = net.shape.kernels === 'perShape';
  const name = kernelName(i, source, perShape ? { height: layer.filterHeight, width: layer.filterWidth } : undefined);
  const block = net.kernels.get(name)!;
  const top = perShape ? 0 : Math.floor((block.shape[0]! - layer.filterHeight) / 2);
  const left = perShape ? 0 : Math.floor((block.shape[1]! - layer.filterWidth) / 2);
  return { name, block, begin: [top, left, 0, 0], size: [layer.filterHeight, layer.filterWidth, channels, layer.filters] };
}

/**
 * Logits of child `arch` on `images` ([batch, h, w, c]) through ω. Batch norm uses the batch's
 * statistics in training and evaluation alike: ω has no moving averages, because averages shared by
 * every child would describe none of them. Call inside tf.tidy / tf.variableGrads.
 */
export function sharedForward(tf: Tf, net: SharedNetwork, arch: CnnArchitecture, images: Tensor4D): Tensor2D {
  checkFits(net, arch);
  const shapes = layerShapes(arch, net.shape.image);
  const outputs: Tensor4D[] = [];
  layerSources(arch).forEach((source, i) => {
    const layer = arch.layers[i]!;
    const sources = source.kind === 'image' ? [0] : source.layers.map((j) => j + 1);
    const x = source.kind === 'image' ? images : padConcat(tf, source.layers.map((j) => outputs[j]!), source.layers.map((j) => shapes[j]!)); // [batch, H, W, Σ f_j]
    const blocks = sources.map((s) => { const { block, begin, size } = kernelSlice(net, arch, i, s); return tf.slice(block, begin, size); });
    const kernel = blocks.length === 1 ? blocks[0]! : tf.concat(blocks, 2); // [h, w, Σ f_j, f]
    const conv = tf.conv2d(x, kernel as Tensor4D, layer.stride, 'same'); // [batch, ceil(H/stride), ceil(W/stride), f]
    const { mean, variance } = tf.moments(conv, [0, 1, 2]);
    const gamma = tf.slice(net.gammas[i]!, [0], [layer.filters]);
    const beta = tf.slice(net.betas[i]!, [0], [layer.filters]);
    outputs.push(tf.relu(tf.batchNorm(conv, mean, variance, beta, gamma, BN_EPSILON)) as Tensor4D); // same shape
  });
  const last = unconsumedLayers(arch);
  // Section 3.3's concat before the classifier, pooled: the mean over the padded map of each source.
  const { target } = concatPadding(last.map((j) => shapes[j]!));
  const area = target.height * target.width;
  const logits = last.map((j) => {
    const pooled = tf.div(tf.sum(outputs[j]!, [1, 2]), area); // [batch, f_j]: the padding's zeros count in the mean
    return tf.matMul(pooled, tf.slice(net.head[j]!, [0, 0], [arch.layers[j]!.filters, -1])); // [batch, classes]
  });
  return tf.add(logits.length === 1 ? logits[0]! : tf.addN(logits), net.headBias) as Tensor2D; // [batch, classes]
}

/** Section 3.3: inputs zero-padded to the largest, concatenated on channels. */
function padConcat(tf: Tf, inputs: Tensor4D[], shapes: SpatialShape[]): Tensor4D {
  if (inputs.length === 1) return inputs[0]!;
  const { paddings } = concatPadding(shapes);
  const padded = inputs.map((x, k) => {
    const p: Padding = paddings[k]!;
    return p.flat().every((v) => v === 0) ? x : tf.pad(x, [[0, 0], p[0], p[1], [0, 0]]);
  });
  return tf.concat(padded, 3);
}

/** Trainable parameters of the from-scratch child `arch` (what child/cnn-builder.ts's countParams reports); a pooling layer has none. */
export function subgraphParamCount(arch: CnnArchitecture, imageChannels: number, numClasses: number): number {
  const out = layerChannels(arch, imageChannels);
  let total = 0;
  layerSources(arch).forEach((source, i) => {
    const layer = arch.layers[i]!;
    if (layer.type !== undefined) return;
    const channels = source.kind === 'image' ? imageChannels : source.layers.reduce((n, j) => n + out[j]!, 0);
    total += layer.filterHeight * layer.filterWidth * channels * layer.filters + 2 * layer.filters; // kernel, BN gamma and beta
  });
  const features = unconsumedLayers(arch).reduce((n, j) => n + out[j]!, 0);
  return total + features * numClasses + numClasses;
}

function checkShape(shape: SharedNetworkShape): void {
  const dims = [shape.maxLayers, ...shape.filterHeights, ...shape.filterWidths, shape.maxFilters, shape.image.height, shape.image.width, shape.image.channels];
  if (!dims.every((d) => Number.isInteger(d) && d > 0)) throw new InvalidArchitectureError(`shared network dimensions must be positive integers: ${dims.join(', ')}`);
  if (!Number.isInteger(shape.numClasses) || shape.numClasses < 2) throw new InvalidArchitectureError(`numClasses ${shape.numClasses} must be an integer >= 2`);
}

