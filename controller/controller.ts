// The controller of Zoph & Le 2017: a 2-layer LSTM that emits an architecture one decision at a
// time, with an anchor point per layer for CNNs (section 3.3). One forward pass serves both sampling
// (tokens drawn from a seeded generator) and replay (given tokens, the tape that backward.ts
// differentiates for REINFORCE). Plain arithmetic over Float64Array: at 35 units a step is a few
// thousand multiply-adds, far cheaper than dispatching tensor kernels. Not the optimiser, nor the store.
import type { ControllerConfig, SearchConfig, SpaceConfig } from '../config/search-config';
import { controllerDecisions, controllerSteps, usesAnchors } from '../space/search-space';
import type { Step } from '../space/step';
import { Arena } from './arena';
import { addProduct } from './dense';
import { lstmForward, lstmTape, type LstmInput, type LstmTape, type LstmWeights } from './lstm';
import { controllerLayout, slotView, type ParameterLayout } from './parameters';

export interface ControllerSpec {
  readonly space: SpaceConfig;
  readonly controller: ControllerConfig;
  readonly layout: ParameterLayout;
}

export function controllerSpec(config: SearchConfig): ControllerSpec {
  return { space: config.space, controller: config.controller, layout: controllerLayout(config.space, config.controller) };
}

/** The named slots of a flat vector (parameters or their gradient) as views into it. */
export interface ControllerWeights {
  readonly lstm: LstmWeights[];
  readonly go: Float64Array; // [H]
  readonly embed: ReadonlyMap<string, Float64Array>; // [choices, H]
  readonly headKernel: ReadonlyMap<string, Float64Array>; // [H, choices]
  readonly headBias: ReadonlyMap<string, Float64Array>; // [choices]
  readonly anchor?: { wPrev: Float64Array; wCurr: Float64Array; v: Float64Array }; // [H, H], [H, H], [H]
}

export function controllerWeights(spec: ControllerSpec, flat: Float64Array): ControllerWeights {
  const view = (name: string) => slotView(spec.layout, flat, name);
  const decisions = controllerDecisions(spec.space).map((d) => d.name);
  return {
    lstm: Array.from({ length: spec.controller.lstmLayers }, (_, l) => ({ kernel: view(`lstm${l}/kernel`), bias: view(`lstm${l}/bias`) })),
    go: view('go'),
    embed: new Map(decisions.map((d) => [d, view(`embed/${d}`)])),
    headKernel: new Map(decisions.map((d) => [d, view(`head/${d}/kernel`)])),
    headBias: new Map(decisions.map((d) => [d, view(`head/${d}/bias`)])),
    anchor: usesAnchors(spec.space) ? { wPrev: view('anchor/wPrev'), wCurr: view('anchor/wCurr'), v: view('anchor/v') } : undefined,
  };
}

/**
 * Picks the tokens of one step for the whole batch from its probabilities: for a choice of n values,
 * probs is [m, n] and the result [m] indices; for the anchor of layer i, probs is [m, i] and the result [m, i] bits.
 */
export type Chooser = (step: Step, index: number, probs: Float64Array) => Int32Array;

/** What one step leaves for the backward pass; all arrays are per sample, row-major. */
export type StepRecord =
  | { kind: 'choice'; decision: string; n: number; tokens: Int32Array; logp: Float64Array; probs: Float64Array } // logp, probs: [m, n]
  | { kind: 'anchor'; layer: number; tokens: Int32Array; logits: Float64Array; probs: Float64Array; scores: Float64Array }; // [m, i], scores [m, i, H]

/** An input layer 0 can read at a step, as a table of its rows · kernel[0:H] (see LstmInput in lstm.ts). */
export interface InputTable {
  readonly slot: 'go' | { embed: string };
  readonly values: Float64Array; // [n, H]: `go`, or a decision's embeddings
  readonly rows: Float64Array; // [n, 4H]
  readonly gradient: Float64Array; // [n, 4H]
}

export interface ControllerPass {
  readonly m: number;
  readonly arena: Arena; // what the pass's products read and write; backward.ts allocates there too
  readonly inputTables: InputTable[];
  readonly weights: ControllerWeights;
  readonly lstm: LstmTape;
  readonly records: StepRecord[];
  readonly anchorStep: number[]; // per layer, the index of its anchor step
  readonly logProb: Float64Array; // [m], summed over steps: log P(a_1..a_T)
  readonly entropy: Float64Array; // [m], summed over steps
}

/** log σ(x), without overflow for large |x|. */
export function logSigmoid(x: number): number {
  return x >= 0 ? -Math.log1p(Math.exp(-x)) : x - Math.log1p(Math.exp(x));
}

/**
 * Section 3.3: P(layer j feeds layer i) = sigmoid(vᵀ tanh(W_prev·h_j + W_curr·h_i)); this is the
 * logit vᵀ tanh(...) for one pair, given W_prev·h_j and W_curr·h_i; `scores` receives the tanh [H].
 */
export function anchorLogit(prevProjected: ArrayLike<number>, currentProjected: ArrayLike<number>, v: ArrayLike<number>, scores?: Float64Array, scoresAt = 0): number {
  let logit = 0;
  for (let u = 0; u < v.length; u++) {
    const s = Math.tanh(prevProjected[u]! + currentProjected[u]!);
    if (scores) scores[scoresAt + u] = s;
    logit += v[u]! * s;
  }
  return logit;
}

/** Runs the controller over the steps of a `numLayers`-layer network for a batch of m samples. */
export function controllerPass(spec: ControllerSpec, params: Float32Array | Float64Array, numLayers: number, m: number, choose: Chooser): ControllerPass {
  const { hiddenUnits: H, lstmLayers, temperature } = spec.controller;
  const steps = controllerSteps(spec.space, numLayers);
  const arena = new Arena(arenaSize(spec, steps, m));
  const { alloc } = arena;
  const flat = alloc(params.length);
  flat.set(params);
  const weights = controllerWeights(spec, flat);
  const lstm = lstmTape(lstmLayers, H, m, steps.length, alloc);
  const table = (slot: InputTable['slot'], values: Float64Array): InputTable => {
    const rows = alloc((values.length / H) * 4 * H);
    addProduct(rows, 0, values, 0, values.length / H, H, weights.lstm[0]!.kernel, 0, 4 * H);
    return { slot, values, rows, gradient: alloc(rows.length) };
  };
  const go = table('go', weights.go);
  const embedTables = new Map([...weights.embed].map(([d, values]) => [d, table({ embed: d }, values)]));
  const pass: ControllerPass = {
    m, arena, inputTables: [go, ...embedTables.values()], weights, lstm, records: [], anchorStep: [], logProb: new Float64Array(m), entropy: new Float64Array(m),
  };
  const projected: Float64Array[] = []; // per layer, W_prev · h_j [m, H]
  let source: LstmInput = { kind: 'table', rows: go.rows, gradient: go.gradient, index: new Int32Array(m) }; // step 0 reads `go` in every sample
  steps.forEach((step, t) => {
    lstmForward(lstm, weights.lstm, t, source);
    const out = lstm.h[lstmLayers - 1]!;
    const outAt = t * m * H;
    const nextAt = t + 1 < steps.length ? (t + 1) * m * H : -1; // where the next step's input goes
    if (step.kind === 'choice') {
      const n = step.choices.length;
      const logp = alloc(m * n);
      for (let r = 0; r < m; r++) logp.set(weights.headBias.get(step.decision)!, r * n);
      addProduct(logp, 0, out, outAt, m, H, weights.headKernel.get(step.decision)!, 0, n); // [m, n]
      const probs = logSoftmax(logp, m, n, temperature);
      const tokens = choose(step, t, probs);
      for (let r = 0; r < m; r++) {
        pass.logProb[r]! += logp[r * n + tokens[r]!]!;
        for (let j = 0; j < n; j++) pass.entropy[r]! -= probs[r * n + j]! * logp[r * n + j]!;
      }
      const embed = embedTables.get(step.decision)!; // the next input is the chosen token's embedding
      source = { kind: 'table', rows: embed.rows, gradient: embed.gradient, index: tokens };
      pass.records.push({ kind: 'choice', decision: step.decision, n, tokens, logp, probs });
      return;
    }
    const { wPrev, wCurr, v } = weights.anchor!;
    const layer = step.layer;
    pass.anchorStep[layer] = t;
    const prev = alloc(m * H);
    addProduct(prev, 0, out, outAt, m, H, wPrev, 0, H);
    projected.push(prev);
    const empty = new Float64Array(0);
    if (layer === 0) {
      // Layer 0 has nothing to attend to: its next input is zero; its state is kept for later layers.
      source = { kind: 'zero' };
      pass.records.push({ kind: 'anchor', layer, tokens: new Int32Array(0), logits: empty, probs: empty, scores: empty });
      return;
    }
    const current = alloc(m * H);
    addProduct(current, 0, out, outAt, m, H, wCurr, 0, H); // [m, H]
    const logits = new Float64Array(m * layer);
    const scores = new Float64Array(m * layer * H);
    for (let r = 0; r < m; r++) {
      for (let j = 0; j < layer; j++) {
        const row = r * H;
        const raw = anchorLogit(projected[j]!.subarray(row, row + H), current.subarray(row, row + H), v, scores, (r * layer + j) * H);
        logits[r * layer + j] = raw / temperature;
      }
    }
    const probs = logits.map((x) => 1 / (1 + Math.exp(-x)));
    const tokens = choose(step, t, probs);
    source = { kind: 'dense' };
    for (let r = 0; r < m; r++) {
      let on = 0;
      for (let j = 0; j < layer; j++) {
        const x = logits[r * layer + j]!;
        const p = probs[r * layer + j]!;
        const bit = tokens[r * layer + j]!;
        pass.logProb[r]! += bit * logSigmoid(x) + (1 - bit) * logSigmoid(-x);
        pass.entropy[r]! -= p * logSigmoid(x) + (1 - p) * logSigmoid(-x);
        on += bit;
        // The next input: the chosen layers' anchor states summed over (1 + how many): zero when none (as in ENAS, near their mean).
        if (bit !== 0 && nextAt >= 0) {
          const from = pass.anchorStep[j]! * m * H + r * H;
          for (let u = 0; u < H; u++) lstm.input[nextAt + r * H + u]! += out[from + u]!;
        }
      }
      if (nextAt >= 0) for (let u = 0; u < H; u++) lstm.input[nextAt + r * H + u]! /= 1 + on;
    }
    pass.records.push({ kind: 'anchor', layer, tokens, logits, probs, scores });
  });
  return pass;
}

/**
 * Float64 values a pass and one backward pass over it allocate in their arena (arena.ts): the
 * parameters, their gradient and transposed copies, the input tables, the LSTM's tape, per step the
 * logits and the anchor projections, and backward.ts's carries. An underestimate costs speed, never correctness.
 */
function arenaSize(spec: ControllerSpec, steps: readonly Step[], m: number): number {
  const { hiddenUnits: H, lstmLayers: L } = spec.controller;
  const { slots, size: parameters } = spec.layout;
  const tableValues = slots.filter((s) => s.name === 'go' || s.name.startsWith('embed/')).reduce((sum, s) => sum + s.size, 0);
  const widest = Math.max(1, ...slots.filter((s) => s.name.startsWith('head/') && s.name.endsWith('/bias')).map((s) => s.size));
  const layers = steps.filter((s) => s.kind === 'anchor').length;
  const forward = parameters + 8 * tableValues + steps.length * m * (H * (1 + 7 * L) + widest + 2 * H);
  const backward = 2 * parameters + m * H * (2 * L + 8 + 2 * layers) + steps.length * m * widest; // the gradient, transposed weights
  return forward + backward + 1024;
}

/** Divides the logits [m, n] by the temperature and turns them into log-probabilities in place; returns the probabilities. */
function logSoftmax(logits: Float64Array, m: number, n: number, temperature: number): Float64Array {
  const probs = new Float64Array(m * n);
  for (let r = 0; r < m; r++) {
    let max = -Infinity;
    for (let j = 0; j < n; j++) max = Math.max(max, (logits[r * n + j]! /= temperature));
    let sum = 0;
    for (let j = 0; j < n; j++) sum += Math.exp(logits[r * n + j]! - max);
    const shift = max + Math.log(sum);
    for (let j = 0; j < n; j++) {
      logits[r * n + j]! -= shift;
      probs[r * n + j] = Math.exp(logits[r * n + j]!);
    }
  }
  return probs;
}

/** Each sample's tokens in step order (an anchor contributes its bits; layer 0's anchor none). */
export function tokensPerSample(pass: ControllerPass): number[][] {
  return Array.from({ length: pass.m }, (_, r) => pass.records.flatMap((rec) => {
    const width = rec.kind === 'choice' ? 1 : rec.layer;
    return Array.from(rec.tokens.subarray(r * width, (r + 1) * width));
  }));
}
