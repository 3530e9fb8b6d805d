// Controller activities: create a search, sample a batch of children, apply the REINFORCE update.
// Each is idempotent on (search, replica, iteration): a retry returns what the first attempt
// stored and never applies a gradient twice. Training children lives in training.ts.
import { activityContext } from './context';
import { parseSearchConfig, parseSearchId } from '../config/parse';
import type { SearchConfig, SearchConfigInput } from '../config/search-config';
import { initialParameters } from '../controller/parameters';
import { controllerSpec } from '../controller/controller';
import { sampleBatch } from '../controller/sample';
import { NotFoundError } from '../errors';
import { mixSeed } from '../random/prng';
import { l2Norm } from '../reinforce/adam';
import { advantages, mean, updateBaseline } from '../reinforce/baseline';
import { reinforceGradient, reinforceGradientOfPass } from '../reinforce/estimator';
import { SampledPasses } from '../reinforce/sampled-passes';
import { describeArchitecture } from '../space/architecture';
import { decodeArchitecture, depthAt } from '../space/search-space';
import { bestChildren, insertSampledChildren, iterationChildren, sampledChildrenCount, searchProgress } from '../store/children';
import { fenceSampler, giveBackBatch, isFenced, recordSampler } from '../store/released-batches';
import { type Db, isUniqueViolation, withTransaction } from '../store/db';
import { deleteSnapshot, ensureBaseline, loadSnapshot, pullParameters, pushShardGradient, readBaseline, saveSnapshot, shardLayout, writeBaseline } from '../store/parameters';
import { createSearch, getSearch, lockSearch, setSearchStatus, type SearchStatus } from '../store/searches';
import { findUpdate, insertUpdate, type UpdateRow } from '../store/updates';
import { claimable, sampleBaselineChildren } from './baseline-sampling';
import { createRetrainActivities } from './retrain';

export interface ControllerDeps {
  pool: Db;
  /** Sampling passes kept for their batch's gradient (one set per worker process; tests pass their own). */
  passes?: SampledPasses;
}

export interface BatchKey {
  searchId: string;
  replica: number;
  iteration: number;
}

export interface SampledBatch {
  numLayers: number;
  children: { childIndex: number; summary: string }[];
}

export interface SearchSummary {
  childrenDone: number;
  bestAccuracy: number | null;
  bestChildId: number | null;
  bestArchitecture: string | null;
}

function heartbeat(details?: unknown): void {
  activityContext()?.heartbeat(details);
}

/**
 * The sampling activity this attempt belongs to (workflow run + activity id; every attempt of it has
 * the same), for the fence in store/released-batches.ts; null outside Temporal (tests, harnesses).
 */
function samplerIdentity(): string | null {
  const info = activityContext()?.info;
  if (!info?.workflowExecution) return null;
  return `${info.workflowExecution.workflowId}/${info.workflowExecution.runId}/${info.activityId}`;
}

const passKey = (key: BatchKey) => `${key.searchId}/${key.replica}/${key.iteration}`;

export function createControllerActivities({ pool, passes = new SampledPasses() }: ControllerDeps) {
  const configs = new Map<string, SearchConfig>();
  const configOf = async (searchId: string) => {
    let config = configs.get(searchId);
    if (!config) configs.set(searchId, (config = parseSearchConfig((await getSearch(pool, searchId)).config)));
    return config;
  };

  return {
    // prepareRetrain: the end of a weight-sharing search (it reads the controller's parameters too).
    ...createRetrainActivities({ pool }),

    /** Writes the search, its initial parameters (version 0) and baseline; a second call is a no-op. */
    async startSearch(input: { searchId: string; config: SearchConfigInput }): Promise<{ created: boolean; parameterCount: number }> {
      const searchId = parseSearchId(input.searchId);
      const config = parseSearchConfig(input.config);
      const spec = controllerSpec(config);
      const initial = initialParameters(spec.layout, config.controller.initRange, mixSeed(config.seed, 0x5eed));
      // The workflow running the search, so a search closed by terminate can be found (workers/closed-searches.ts).
      const workflowId = activityContext()?.info.workflowExecution?.workflowId;
      const { created } = await createSearch(pool, searchId, config, initial, config.distributed.shards, config.distributed.replicas, workflowId);
      if (!created) await setSearchStatus(pool, searchId, 'running');
      return { created, parameterCount: spec.layout.size };
    },

    /**
     * Claims up to `count` children of the search's global budget (children, and wall time if budget.maxMinutes is set) for this replica's iteration and
     * samples them with the parameters as they are now. The claim, the children and the parameter
     * snapshot are written in one transaction holding the search row, so replicas never claim the
     * same slots and the depth schedule counts every replica's children (section 4.1). A retry
     * finds the stored batch and returns it; an empty batch means the budget is spent.
     */
    // `childrenBefore` is ignored (the claim counts in SQL); runs from before replicas still send it.
    async sampleArchitectures(input: BatchKey & { count: number; childrenBefore?: number }): Promise<SampledBatch> {
      heartbeat();
      const sampler = samplerIdentity();
      const existing = await iterationChildren(pool, input.searchId, input.replica, input.iteration);
      if (existing.length > 0) return toBatch(existing);
      const config = await configOf(input.searchId);
      if (config.strategy !== 'reinforce') {
        if (!(await sampleBaselineChildren(pool, config, input, sampler))) return { numLayers: depthAt(config, await sampledChildrenCount(pool, input.searchId)), children: [] };
        return toBatch(await iterationChildren(pool, input.searchId, input.replica, input.iteration));
      }
      // Sample outside the lock (the controller pass is the slow part), at the depth and count the
      // budget gives now; if other replicas moved either meanwhile, sample again.
      for (let attempt = 0; ; attempt++) {
        heartbeat(); // a resample (other replicas moved the budget) is a step of its own
        const claimedBefore = await sampledChildrenCount(pool, input.searchId);
        const numLayers = depthAt(config, claimedBefore);
        // Sample exactly what the claim will take: m samples drawn together are not m' < m drawn alone.
        const wanted = Math.max(1, Math.min(input.count, config.budget.maxChildren - claimedBefore));
        const snapshot = await pullParameters(pool, input.searchId);
        // The first attempt draws what the in-process strategies draw for this (replica, iteration).
        const seed = attempt === 0 ? mixSeed(config.seed, input.replica, input.iteration) : mixSeed(config.seed, input.replica, input.iteration, attempt);
        const { samples, pass } = sampleBatch(controllerSpec(config), snapshot.params, numLayers, wanted, seed);
        let storedWhole = false; // this attempt stored every sample it drew: its pass is the batch's
        const sampled = samples.map((s, childIndex) => ({
          childIndex, numLayers, tokens: s.tokens, logProb: s.logProb, entropy: s.entropy,
          architecture: decodeArchitecture(config.space, numLayers, s.tokens),
        }));
        heartbeat();
        const outcome = await withTransaction(pool, async (client) => {
          await lockSearch(client, input.searchId);
          if ((await iterationChildren(client, input.searchId, input.replica, input.iteration)).length > 0) return 'stored';
          if (sampler && (await isFenced(client, input, sampler))) return 'spent'; // an older attempt: the workflow took another's outcome
          const claimed = await sampledChildrenCount(client, input.searchId);
          const count = await claimable(client, input.searchId, config, input.count, claimed);
          if (count <= 0) {
            if (sampler) await fenceSampler(client, input, sampler, 'spent');
            return 'spent';
          }
          // Other replicas claimed meanwhile: the depth or the remaining budget moved; sample again.
          if ((depthAt(config, claimed) !== numLayers || count < sampled.length) && attempt < 10) return 'resample';
          await ensureBaseline(client, input.searchId, input.replica);
          await saveSnapshot(client, input.searchId, input.replica, input.iteration, snapshot);
          await insertSampledChildren(client, input.searchId, input.replica, input.iteration, sampled.slice(0, count));
          storedWhole = count >= sampled.length;
          if (sampler) await recordSampler(client, input, sampler);
          return 'stored';
        });
        if (outcome === 'spent') return { numLayers, children: [] };
        if (outcome === 'stored') {
          if (storedWhole) passes.keep(passKey(input), snapshot.params, numLayers, pass);
          return toBatch(await iterationChildren(pool, input.searchId, input.replica, input.iteration));
        }
      }
    },

    /**
     * Sections 3.2–3.3: the REINFORCE gradient of this batch at the parameters it was sampled with,
     * against this replica's EMA baseline, pushed to each shard in a transaction of its own (Adam,
     * or the mean of G accumulated gradients). The `updates` row, the baseline and the end of the
     * snapshot follow in one last transaction. A retry recomputes the same gradient (the snapshot
     * and this replica's baseline have not moved) and skips the shards that already took it.
     */
    async applyReinforceUpdate(input: BatchKey): Promise<UpdateRow> {
      heartbeat();
      const done = await findUpdate(pool, input.searchId, input.replica, input.iteration);
      if (done) {
        passes.forget(passKey(input));
        return done;
      }
      const config = await configOf(input.searchId);
      const snapshot = await loadSnapshot(pool, input.searchId, input.replica, input.iteration);
      if (!snapshot) {
        // A concurrent attempt may have applied the update (and dropped the snapshot) since we looked.
        passes.forget(passKey(input));
        const applied = await findUpdate(pool, input.searchId, input.replica, input.iteration);
        if (applied) return applied;
        throw new NotFoundError(`no parameter snapshot for ${input.searchId} replica ${input.replica} iteration ${input.iteration}`);
      }
      const children = await iterationChildren(pool, input.searchId, input.replica, input.iteration);
      const unfinished = children.filter((c) => c.reward === null);
      if (children.length === 0 || unfinished.length > 0) {
        throw new NotFoundError(`iteration ${input.iteration} of ${input.searchId} has ${unfinished.length} of ${children.length} children without a reward`);
      }
      const rewards = children.map((c) => c.reward!);
      const baselineBefore = await readBaseline(pool, input.searchId, input.replica);
      const { baseline, advantages: adv } = advantages(rewards, baselineBefore);
      const numLayers = children[0]!.numLayers;
      const spec = controllerSpec(config);
      // The pass this process sampled the batch in, if it did (reinforce/sampled-passes.ts); else replay the tokens.
      const pass = passes.find(passKey(input), snapshot.params, numLayers, children.map((c) => c.tokens));
      const result = pass
        ? reinforceGradientOfPass(spec, pass, adv, config.controller.entropyWeight)
        : reinforceGradient(spec, snapshot.params, numLayers, children.map((c, k) => ({ tokens: c.tokens, advantage: adv[k]! })), config.controller.entropyWeight);
      heartbeat();
      const adam = { learningRate: config.controller.learningRate };
      const pushes = await Promise.all((await shardLayout(pool, input.searchId)).map((range) => pushShardGradient(pool, {
        ...input, shard: range.shard, snapshotVersion: snapshot.versions[range.shard] ?? 0,
        gradient: result.gradient.subarray(range.start, range.start + range.size),
      }, adam, config.distributed.accumulateGradients).finally(() => heartbeat())));
      heartbeat();
      try {
        return await withTransaction(pool, async (client) => {
          if (await findUpdate(client, input.searchId, input.replica, input.iteration)) throw new AlreadyApplied();
          const baselineAfter = updateBaseline(baselineBefore, rewards, config.controller.baselineDecay);
          await writeBaseline(client, input.searchId, input.replica, baselineAfter, rewards.length);
          const row: UpdateRow = {
            ...input, childrenCount: rewards.length, meanReward: mean(rewards), maxReward: Math.max(...rewards),
            baselineBefore: baseline, baselineAfter, loss: result.loss, gradientNorm: l2Norm(result.gradient),
            parameterVersionsBefore: snapshot.versions, parameterVersionsAfter: pushes.map((p) => p.versionAfter),
            // Steps that landed on a shard between this batch's pull and its push (the most over shards).
            staleness: Math.max(0, ...pushes.map((p) => p.staleness)),
          };
          await insertUpdate(client, row);
          await deleteSnapshot(client, input.searchId, input.replica, input.iteration);
          return row;
        }).finally(() => passes.forget(passKey(input)));
      } catch (err) {
        // A concurrent attempt of this same update committed first: return what it stored.
        if (err instanceof AlreadyApplied || isUniqueViolation(err)) {
          const row = await findUpdate(pool, input.searchId, input.replica, input.iteration);
          if (row) return row;
        }
        throw err;
      }
    },

    /**
     * Gives back a batch a replica sampled ahead and will not train (it stops): its children, its
     * parameter snapshot and any random stream state stored with it go in one transaction holding the
     * search row, so the budget and the depth schedule count only children that train. A batch with a
     * child already training is kept. A retry finds nothing left and returns 0. The activity that had
     * stored the batch is fenced (store/released-batches.ts), so that an older attempt of it, still
     * running after timing out, does not store the batch again.
     */
    async releaseBatch(input: BatchKey): Promise<{ released: number }> {
      passes.forget(passKey(input));
      return withTransaction(pool, async (client) => {
        await lockSearch(client, input.searchId);
        return { released: await giveBackBatch(client, input) };
      });
    },

    async setStatus(input: { searchId: string; status: SearchStatus }): Promise<void> {
      await setSearchStatus(pool, input.searchId, input.status);
    },

    async summarizeSearch(input: { searchId: string }): Promise<SearchSummary> {
      const progress = await searchProgress(pool, input.searchId);
      const [best] = await bestChildren(pool, input.searchId, 1);
      return { ...progress, bestArchitecture: best ? describeArchitecture(best.architecture) : null };
    },
  };
}

class AlreadyApplied extends Error {}

function toBatch(children: { childIndex: number; numLayers: number; architecture: Parameters<typeof describeArchitecture>[0] }[]): SampledBatch {
  return {
    numLayers: children[0]!.numLayers,
    children: children.map((c) => ({ childIndex: c.childIndex, summary: describeArchitecture(c.architecture) })),
  };
}

export type ControllerActivities = ReturnType<typeof createControllerActivities>;
