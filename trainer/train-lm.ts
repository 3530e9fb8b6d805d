// Trains the language-model child of a recurrent-cell search and measures its reward (Zoph & Le
// 2017, section 4.2): truncated BPTT over a word stream, dropout, global-norm gradient clipping.
// Not the activity around it (heartbeats, storage) and not data loading: the corpus arrives in memory.
import type { Optimizer, Scalar, Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs';
import type { Tf } from '../backend/tf';
import { buildLanguageModel, countParameters, forwardSegment, type LanguageModel, negativeLogLikelihood, segmentLoss, zeroState } from '../child/language-model';
import type { CellState, ConstantLeaves } from '../child/rnn-cell';
import type { LanguageModelConfig } from '../config/search-config';
import type { TextCorpus } from '../data/text-corpus';
import { InvalidDatasetError } from '../errors';
import { mulberry32 } from '../random/prng';
import type { RnnCellArchitecture } from '../space/rnn-cell';
import { ChildCancelledError } from './child-cancelled-error';
import { perplexityReward } from './reward';

export interface TrainLanguageModelOptions {
  cell: RnnCellArchitecture;
  corpus: TextCorpus;
  lm: LanguageModelConfig;
  seed: number;
  /** Awaited after every epoch. */
  onEpoch?: (epoch: number, validationPerplexity: number, trainLoss: number) => void | Promise<void>;
  /** Polled between segments; true aborts with ChildCancelledError. */
  shouldStop?: () => boolean;
  /** Leaves held at a constant (the hand-written baselines, space/reference-cells.ts); searched cells use none. */
  constantLeaves?: ConstantLeaves;
}

export interface LanguageModelResult {
  status: 'succeeded' | 'failed';
  validationPerplexities: number[];
  /** Next-word accuracy on the validation split, per epoch (what the search's `accuracy` columns hold). */
  validationAccuracies: number[];
  reward: number;
  paramCount: number;
  seconds: number;
  /** Words trained on (epochs × capped train split), for throughput figures. */
  trainedTokens: number;
  error?: string;
}

/** A word stream cut into `batch` parallel rows of equal length: row b is words b·L .. (b+1)·L − 1. */
export interface Batched { rows: Int32Array[]; length: number }

export function batchify(stream: Int32Array, batch: number): Batched {
  const length = Math.floor(stream.length / batch);
  return { rows: Array.from({ length: batch }, (_, b) => stream.subarray(b * length, (b + 1) * length)), length };
}

/** Inputs and targets [batch, T] of the segment starting at `start`; T is shorter at the end. */
function segment(tf: Tf, data: Batched, start: number, bptt: number): { inputs: Tensor2D; targets: Tensor1D; steps: number } {
  const steps = Math.min(bptt, data.length - 1 - start);
  const inputs = new Int32Array(data.rows.length * steps);
  const targets = new Int32Array(data.rows.length * steps);
  data.rows.forEach((row, b) => {
    inputs.set(row.subarray(start, start + steps), b * steps);
    targets.set(row.subarray(start + 1, start + 1 + steps), b * steps);
  });
  return { inputs: tf.tensor2d(inputs, [data.rows.length, steps], 'int32'), targets: tf.tensor1d(targets, 'int32'), steps };
}

/**
 * Trains `cell` for `lm.epochs` epochs, validating after each. Failed (reward 0, no throw) when the
 * loss is not finite or the validation perplexity explodes past the vocabulary size (worse than
 * guessing uniformly). Throws InvalidDatasetError (splits too short) or ChildCancelledError.
 */
export async function trainLanguageModel(tf: Tf, options: TrainLanguageModelOptions): Promise<LanguageModelResult> {
  const { cell, corpus, lm, seed } = options;
  const started = performance.now();
  const train = batchify(capped(corpus.train, lm.maxTrainTokens), lm.batchSize);
  const valid = batchify(capped(corpus.valid, lm.maxValidTokens), Math.min(lm.batchSize, 10));
  if (train.length < 2 || valid.length < 2) throw new InvalidDatasetError(`the corpus is too short: ${corpus.train.length} train and ${corpus.valid.length} valid words for batch ${lm.batchSize}`);
  const random = mulberry32(seed);
  const model = buildLanguageModel(tf, cell, { vocabularySize: corpus.vocabulary.length, ...lm, constantLeaves: options.constantLeaves }, random);
  const optimizer: Optimizer = lm.optimizer === 'adam' ? tf.train.adam(lm.learningRate) : tf.train.sgd(lm.learningRate);
  const validationPerplexities: number[] = [];
  const validationAccuracies: number[] = [];
  let trainedTokens = 0;
  const result = (status: LanguageModelResult['status'], error?: string): LanguageModelResult => {
    const best = validationPerplexities.length ? Math.min(...validationPerplexities) : NaN;
    return {
      status, validationPerplexities, validationAccuracies, reward: status === 'succeeded' ? perplexityReward(best, lm.rewardConstant) : 0,
      paramCount: countParameters(model), seconds: (performance.now() - started) / 1000, trainedTokens, ...(error === undefined ? {} : { error }),
    };
  };
  try {
    for (let epoch = 0; epoch < lm.epochs; epoch++) {
      const loss = await trainEpoch(tf, model, optimizer, train, lm, random, options.shouldStop);
      trainedTokens += loss.tokens;
      if (!Number.isFinite(loss.value)) return result('failed', `non-finite training loss (${loss.value}) at epoch ${epoch}`);
      const measured = evaluate(tf, model, valid, lm.bptt);
      validationPerplexities.push(measured.perplexity);
      validationAccuracies.push(measured.accuracy);
      if (!Number.isFinite(measured.perplexity)) return result('failed', `non-finite validation perplexity at epoch ${epoch}`);
      await options.onEpoch?.(epoch, measured.perplexity, loss.value);
    }
    const best = Math.min(...validationPerplexities);
    if (best > corpus.vocabulary.length) return result('failed', `validation perplexity exploded (${best.toFixed(1)} > vocabulary ${corpus.vocabulary.length})`);
    return result('succeeded');
  } finally {
    model.dispose();
    optimizer.dispose();
  }
}

function capped(stream: Int32Array, max: number | undefined): Int32Array {
  return max === undefined ? stream : stream.subarray(0, max);
}

/** One pass of truncated BPTT; returns the mean segment loss (or the first non-finite one). */
async function trainEpoch(tf: Tf, model: LanguageModel, optimizer: Optimizer, data: Batched, lm: LanguageModelConfig, random: () => number, shouldStop?: () => boolean): Promise<{ value: number; tokens: number }> {
  let state = zeroState(tf, model, data.rows.length);
  const dropout = { rate: lm.dropout, seeds: () => Math.floor(random() * 2 ** 31) };
  let total = 0;
  let segments = 0;
  let tokens = 0;
  try {
    for (let start = 0; start < data.length - 1; start += lm.bptt) {
      if (shouldStop?.()) throw new ChildCancelledError(`child training cancelled after ${segments} segments of this epoch`);
      const { inputs, targets, steps } = segment(tf, data, start, lm.bptt);
      let carried: CellState[] = [];
      const { value, grads } = tf.variableGrads(() => {
        const out = forwardSegment(tf, model, inputs, state, dropout);
        // The state goes on to the next segment as a constant: no gradient flows across segments.
        carried = out.state.map((s) => ({ h: tf.keep(s.h), c: tf.keep(s.c) }));
        return segmentLoss(tf, out.logits, targets);
      }, model.variables);
      tf.dispose([inputs, targets, ...state.flatMap((s) => [s.h, s.c])]);
      state = carried;
      const loss = value.dataSync()[0]!;
      value.dispose();
      if (!Number.isFinite(loss)) {
        tf.dispose(grads);
        return { value: loss, tokens };
      }
      const frozen = model.freezeConstantLeaves(grads);
      const clipped = clipByGlobalNorm(tf, frozen, lm.clipNorm);
      optimizer.applyGradients(clipped);
      tf.dispose([grads, frozen, clipped]);
      total += loss;
      segments++;
      tokens += steps * data.rows.length;
      // Let the event loop run between segments: heartbeats flush and cancellation can arrive.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  } finally {
    tf.dispose(state.flatMap((s) => [s.h, s.c]));
  }
  return { value: total / Math.max(1, segments), tokens };
}

/** Scales all gradients by min(1, clip / ‖g‖) where ‖g‖ is the norm of all of them together. */
export function clipByGlobalNorm(tf: Tf, grads: Record<string, Tensor>, clip: number): Record<string, Tensor> {
  return tf.tidy(() => {
    const names = Object.keys(grads);
    const norm = tf.sqrt(tf.addN(names.map((n) => tf.sum(tf.square(grads[n]!))))); // []
    const scale = tf.minimum(1, tf.div(clip, tf.add(norm, 1e-6)));
    return Object.fromEntries(names.map((n) => [n, tf.mul(grads[n]!, scale)]));
  });
}

/** Perplexity exp(mean −log p) and next-word accuracy over a split, no dropout, state carried. */
export function evaluate(tf: Tf, model: LanguageModel, data: Batched, bptt: number): { perplexity: number; accuracy: number } {
  let state = zeroState(tf, model, data.rows.length);
  let nll = 0;
  let correct = 0;
  let count = 0;
  for (let start = 0; start < data.length - 1; start += bptt) {
    const { inputs, targets, steps } = segment(tf, data, start, bptt);
    const out = tf.tidy(() => {
      const { logits, state: next } = forwardSegment(tf, model, inputs, state, null);
      const sum = tf.sum(negativeLogLikelihood(tf, logits, targets)) as Scalar;
      const hits = tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), targets), 'int32')) as Scalar;
      return { sum, hits, next: next.flatMap((s) => [s.h, s.c]) };
    });
    tf.dispose([inputs, targets, ...state.flatMap((s) => [s.h, s.c])]);
    state = model.layers.map((_, l) => ({ h: out.next[2 * l] as Tensor2D, c: out.next[2 * l + 1] as Tensor2D }));
    nll += out.sum.dataSync()[0]!;
    correct += out.hits.dataSync()[0]!;
    count += steps * data.rows.length;
    tf.dispose([out.sum, out.hits]);
  }
  tf.dispose(state.flatMap((s) => [s.h, s.c]));
  return { perplexity: Math.exp(nll / count), accuracy: correct / count };
}
