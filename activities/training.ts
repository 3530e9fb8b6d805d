// The trainChild activity: trains one sampled child on this worker's device and records its
// result once. Heartbeats every epoch (and between batches, throttled by the SDK) so a dead worker
// is noticed, and stops when Temporal cancels it. Not the training loop itself (trainer/).
import { activityContext, cancelled, heartbeatWhile } from './context';
import type { Tf } from '../backend/tf';
import { parseSearchConfig } from '../config/parse';
import { type ImageDataConfig, isTextData, type SearchConfig, type TextDataConfig } from '../config/search-config';
import type { ImageDataset } from '../data/dataset';
import type { TextCorpus } from '../data/text-corpus';
import { InvalidArchitectureError, InvalidConfigError } from '../errors';
import { mixSeed, mulberry32 } from '../random/prng';
import type { Nb201Architecture } from '../space/nb201';
import type { RnnCellArchitecture } from '../space/rnn-cell';
import { childReward } from '../trainer/reward';
import { type ChildKey, type ChildResult as ChildResultRow, describeKey, finishChild, getChild, startTraining } from '../store/children';
import type { Db } from '../store/db';
import { getSearch } from '../store/searches';
import { trainChild as trainNetwork } from '../trainer/train-child';
import { trainLanguageModel } from '../trainer/train-lm';

export interface TrainingDeps {
  pool: Db;
  tf: Tf;
  loadData: (config: ImageDataConfig, seed: number) => Promise<ImageDataset>;
  /** Recurrent-cell search: the word-level corpus a language-model child trains on. */
  loadText: (config: TextDataConfig) => Promise<TextCorpus>;
  /** Tabular mode: a NAS-Bench-201 cell's validation accuracy (in [0, 1]) and parameters, from a table. */
  lookupTable: (path: string, arch: Nb201Architecture) => Promise<{ validationAccuracy: number; paramCount: number }>;
  /** Recorded with every child: host, process and queue of this worker. */
  workerIdentity: string;
  /**
   * Benchmarks only (bench/scaling.ts): sleep this long instead of training, and score the child
   * with a made-up accuracy from its tokens. No config, flag or env turns this on.
   */
  simulateSeconds?: number;
}

export interface ChildOutcome {
  status: 'succeeded' | 'failed';
  reward: number;
  bestAccuracy: number | null;
  paramCount: number | null;
  seconds: number | null;
  /** True when an earlier attempt had already finished this child and nothing was trained now. */
  reused: boolean;
}

export function createTrainingActivities({ pool, tf, loadData, loadText, lookupTable, workerIdentity, simulateSeconds }: TrainingDeps) {
  const configs = new Map<string, SearchConfig>();

  /** Section 3.4: a sampled recurrent cell trained in a word-level language model; reward c / perplexity² (section 4.2). */
  async function trainCell(arch: RnnCellArchitecture, config: SearchConfig, key: ChildKey): Promise<Omit<ChildResultRow, 'worker'>> {
    const ctx = activityContext();
    if (!isTextData(config.data)) throw new InvalidConfigError(`search ${key.searchId}: a recurrent cell needs a text data.source, not ${config.data.source}`);
    const textData = config.data;
    const corpus = await heartbeatWhile(ctx, loadText(textData));
    const trained = await trainLanguageModel(tf, {
      cell: arch,
      corpus,
      lm: config.languageModel,
      seed: mixSeed(config.seed, key.replica, key.iteration, key.childIndex),
      onEpoch: (epoch, validationPerplexity) => ctx?.heartbeat({ epoch, validationPerplexity }),
      shouldStop: () => cancelled(ctx),
    });
    return {
      status: trained.status, validationAccuracies: trained.validationAccuracies, validationPerplexities: trained.validationPerplexities,
      reward: trained.reward, paramCount: trained.paramCount, trainingSeconds: trained.seconds, error: trained.error,
    };
  }

  return {
    async trainChild(key: ChildKey): Promise<ChildOutcome> {
      const ctx = activityContext();
      const child = await getChild(pool, key);
      if (child.status === 'succeeded' || child.status === 'failed') {
        return { status: child.status, reward: child.reward ?? 0, bestAccuracy: child.bestValidationAccuracy, paramCount: child.paramCount, seconds: child.trainingSeconds, reused: true };
      }
      // Count the attempt and heartbeat before the (possibly slow, first-time) data load, so a
      // worker that dies while loading is noticed and its attempt is on record.
      await startTraining(pool, child.id, workerIdentity);
      ctx?.heartbeat({ epoch: -1 });
      let config = configs.get(key.searchId);
      if (!config) configs.set(key.searchId, (config = parseSearchConfig((await getSearch(pool, key.searchId)).config)));
      const arch = child.architecture;
      let result: Omit<ChildResultRow, 'worker'>;
      if (simulateSeconds !== undefined) {
        result = await simulatedTraining(simulateSeconds, child.tokens, config.child.rewardExponent, ctx);
      } else if (arch.kind === 'nb201') {
        if (config.data.source !== 'nb201Table') throw new InvalidConfigError(`search ${key.searchId}: an nb201 cell needs data.source nb201Table`);
        // Tabular mode (NAS-Bench-201): the child's accuracy is read, not trained.
        const row = await lookupTable(config.data.path, arch);
        const accuracies = [row.validationAccuracy];
        result = { status: 'succeeded', validationAccuracies: accuracies, reward: childReward(accuracies, 1, config.child.rewardExponent), paramCount: row.paramCount, trainingSeconds: 0 };
      } else if (arch.kind === 'rnnCell') {
        result = await trainCell(arch, config, key);
      } else {
        if (config.data.source === 'nb201Table' || isTextData(config.data)) throw new InvalidConfigError(`search ${key.searchId}: a CNN needs an image data.source, not ${config.data.source}`);
        const imageData = config.data;
        const data = await heartbeatWhile(ctx, loadData(imageData, config.seed));
        const trained = await trainNetwork(tf, {
          arch,
          data,
          training: config.child,
          seed: mixSeed(config.seed, key.replica, key.iteration, key.childIndex),
          onEpoch: (epoch, validationAccuracy) => ctx?.heartbeat({ epoch, validationAccuracy }),
          shouldStop: () => cancelled(ctx),
        }).catch((err: unknown) => {
          // The space's rules make every sample buildable; if one is not, it scores 0 and the search goes on.
          if (!(err instanceof InvalidArchitectureError)) throw err;
          return { status: 'failed' as const, validationAccuracies: [], reward: 0, paramCount: 0, seconds: 0, error: err.message };
        });
        result = { ...trained, trainingSeconds: trained.seconds };
      }
      const stored = await finishChild(pool, key, child.id, {
        status: result.status, validationAccuracies: result.validationAccuracies, reward: result.reward,
        paramCount: result.paramCount, trainingSeconds: result.trainingSeconds, worker: workerIdentity, error: result.error,
        validationPerplexities: result.validationPerplexities,
      });
      if (stored.reward === null || (stored.status !== 'succeeded' && stored.status !== 'failed')) {
        throw new Error(`child ${describeKey(key)} was not recorded`);
      }
      return { status: stored.status, reward: stored.reward, bestAccuracy: stored.bestValidationAccuracy, paramCount: stored.paramCount, seconds: stored.trainingSeconds, reused: false };
    },
  };
}

/** Heartbeats while a (possibly slow, first-time) data load runs, so a stuck load is noticed. */
/** A stand-in child for throughput benchmarks: waits (heartbeating, cancellable), then scores its tokens. */
async function simulatedTraining(seconds: number, tokens: readonly number[], exponent: number, ctx: ReturnType<typeof activityContext>): Promise<Omit<ChildResultRow, 'worker'>> {
  const started = Date.now();
  while (Date.now() - started < seconds * 1000) {
    if (ctx?.cancellationSignal.aborted) throw new Error('cancelled');
    ctx?.heartbeat({ simulated: true });
    await new Promise((resolve) => setTimeout(resolve, Math.min(500, seconds * 1000 - (Date.now() - started))));
  }
  const accuracy = 0.5 + 0.4 * mulberry32(tokens.reduce((h, t) => mixSeed(h, t), 17))();
  return { status: 'succeeded', validationAccuracies: [accuracy], reward: childReward([accuracy], 1, exponent), paramCount: 0, trainingSeconds: seconds };
}

export type TrainingActivities = ReturnType<typeof createTrainingActivities>;
