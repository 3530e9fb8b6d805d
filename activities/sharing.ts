// Activities of the worker that holds the shared weights ω of weight-sharing searches (ENAS): claim
// (on the shared claim queue: "route this search's ω to me"), then, on this worker's own queue, train
// ω through an iteration and reward that iteration's children under it. ω stays in this process and
// is checkpointed to PostgreSQL; a retry, or another worker after a crash, resumes from the newest
// checkpoint. Idempotent on (search, iteration): a rewarded child is never rewarded again.
import { activityContext, cancelled, heartbeatWhile } from './context';
import type { Tf } from '../backend/tf';
import { parseSearchConfig } from '../config/parse';
import type { ImageDataConfig, SearchConfig } from '../config/search-config';
import { controllerSpec } from '../controller/controller';
import { sampleTokens } from '../controller/sample';
import type { ImageDataset } from '../data/dataset';
import { InvalidArchitectureError, NotFoundError } from '../errors';
import { mixSeed } from '../random/prng';
import type { CnnArchitecture } from '../space/cnn';
import { decodeArchitecture } from '../space/search-space';
import { type ChildKey, finishChild, iterationChildren } from '../store/children';
import type { Db } from '../store/db';
import { loadSnapshot } from '../store/parameters';
import { getSearch } from '../store/searches';
import { latestOmegaCheckpoint, recordOmegaStep, saveOmegaCheckpoint } from '../store/shared-weights';
import { childReward } from '../trainer/reward';
import { createOmegaHolder, type IterationKey, type OmegaHolder } from '../weight-sharing/omega-holder';
import { subgraphParamCount } from '../weight-sharing/shared-network';

export interface SharingDeps {
  pool: Db;
  tf: Tf;
  loadData: (config: ImageDataConfig, seed: number) => Promise<ImageDataset>;
  /** This worker's own task queue: where the searches it claims send their ω work. */
  ownQueue: string;
  workerIdentity: string;
}

export interface SharedEvaluation {
  /** The ω step the children were rewarded at. */
  omegaStep: number;
  children: { childIndex: number; reward: number; sharedAccuracy: number }[];
  /** True when every child already had its reward and nothing was evaluated now. */
  reused: boolean;
}

export function createSharingActivities({ pool, tf, loadData, ownQueue, workerIdentity }: SharingDeps): SharingActivities & { holder: OmegaHolder } {
  const configs = new Map<string, SearchConfig>();
  const configOf = async (searchId: string) => {
    let config = configs.get(searchId);
    if (!config) configs.set(searchId, (config = parseSearchConfig((await getSearch(pool, searchId)).config)));
    return config;
  };
  const imageData = (config: SearchConfig): ImageDataConfig => {
    if (config.data.source === 'nb201Table' || config.data.source === 'ptb' || config.data.source === 'text' || config.data.source === 'mobyDick') {
      throw new InvalidArchitectureError(`weight sharing trains on images, not data.source ${config.data.source}`);
    }
    return config.data;
  };
  const holder = createOmegaHolder({
    tf,
    loadData: (config) => heartbeatWhile(activityContext(), loadData(imageData(config), config.seed)),
    loadCheckpoint: (searchId, atMost) => latestOmegaCheckpoint(pool, searchId, atMost),
    saveCheckpoint: (searchId, checkpoint) => saveOmegaCheckpoint(pool, searchId, checkpoint, workerIdentity),
    // ENAS: each ω minibatch trains a child freshly drawn from the controller as it is during this
    // iteration (its update comes after), at the depth of the iteration's sampled children.
    trainingChildren: async ({ searchId, replica, iteration }, config, count) => {
      const [first] = await iterationChildren(pool, searchId, replica, iteration);
      if (!first) throw new InvalidArchitectureError(`iteration ${iteration} of ${searchId} has no sampled children to take its depth from`);
      // The parameters this iteration's children were sampled with (its snapshot): a stale attempt
      // that outlived the iteration's update finds no snapshot and stops, instead of drawing others.
      const snapshot = await loadSnapshot(pool, searchId, replica, iteration);
      if (!snapshot) throw new NotFoundError(`iteration ${iteration} of ${searchId} has no controller snapshot: its update was applied, its ω steps are done`);
      const { params } = snapshot;
      return sampleTokens(controllerSpec(config), params, first.numLayers, count, mixSeed(config.seed, 0x03e6a, iteration))
        .map((s) => decodeArchitecture(config.space, first.numLayers, s.tokens) as CnnArchitecture);
    },
  });
  const progress = () => {
    const ctx = activityContext();
    return { heartbeat: (details: unknown) => ctx?.heartbeat(details), cancelled: () => cancelled(ctx) };
  };

  return {
    holder,

    /** Any ω worker takes the claim; the search then sends its ω work to this worker's own queue. */
    async claimSharedWeights(input: { searchId: string }): Promise<{ taskQueue: string; worker: string }> {
      await configOf(input.searchId); // an unknown search fails here, not on the worker's queue
      return { taskQueue: ownQueue, worker: workerIdentity };
    },

    /** Trains ω on `stepsPerIteration` minibatches of iteration `iteration` (no-op when it is there already). */
    async trainSharedWeights(input: IterationKey): Promise<{ omegaStep: number; restoredFrom: number | null }> {
      const config = await configOf(input.searchId);
      const { step, restoredFrom } = await holder.train(input, config, progress());
      return { omegaStep: step, restoredFrom };
    },

    /** Rewards the iteration's sampled children by their accuracy under ω after the iteration's training. */
    async evaluateSharedChildren(input: IterationKey): Promise<SharedEvaluation> {
      const config = await configOf(input.searchId);
      const children = await iterationChildren(pool, input.searchId, input.replica, input.iteration);
      const toEvaluation = (rows: typeof children, omegaStep: number, reused: boolean): SharedEvaluation => ({
        omegaStep, reused,
        children: rows.map((c) => ({ childIndex: c.childIndex, reward: c.reward ?? 0, sharedAccuracy: c.bestValidationAccuracy ?? 0 })),
      });
      const expectedStep = (input.iteration + 1) * config.weightSharing.stepsPerIteration;
      if (children.length > 0 && children.every((c) => c.reward !== null)) return toEvaluation(children, expectedStep, true);
      const started = performance.now();
      const archs = children.map((c) => c.architecture as CnnArchitecture);
      const { step, accuracies } = await holder.evaluate(input, config, archs, progress());
      const seconds = (performance.now() - started) / 1000 / Math.max(1, children.length);
      const data = await loadData(imageData(config), config.seed);
      const stored = [];
      for (const [k, child] of children.entries()) {
        const key: ChildKey = { searchId: input.searchId, replica: input.replica, iteration: input.iteration, childIndex: child.childIndex };
        const accuracy = accuracies[k]!;
        // The step first: a crash between the two leaves a child without reward, which the retry evaluates again.
        await recordOmegaStep(pool, child.id, step);
        stored.push(await finishChild(pool, key, child.id, {
          status: 'succeeded', validationAccuracies: [accuracy], reward: childReward([accuracy], 1, config.weightSharing.rewardExponent),
          paramCount: subgraphParamCount(archs[k]!, data.channels, data.numClasses), trainingSeconds: seconds, worker: workerIdentity,
        }));
      }
      return toEvaluation(stored, step, false);
    },
  };
}

export interface SharingActivities {
  claimSharedWeights(input: { searchId: string }): Promise<{ taskQueue: string; worker: string }>;
  trainSharedWeights(input: IterationKey): Promise<{ omegaStep: number; restoredFrom: number | null }>;
  evaluateSharedChildren(input: IterationKey): Promise<SharedEvaluation>;
}
