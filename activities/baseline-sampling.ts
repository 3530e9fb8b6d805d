// The sampling step of a baseline search (random search, regularized evolution) on any space, and the
// budget claim every sampling step shares (children and wall time). A proposal reads the stream state
// stored after the previous one and the last rewarded children, never the whole history; it is
// stored, with the stream's new state, in the transaction that claims its children.
import type { PoolClient } from 'pg';
import type { SearchConfig } from '../config/search-config';
import { mulberry32 } from '../random/prng';
import { decodeArchitecture, depthAt } from '../space/search-space';
import { replayedProposal } from '../strategies/baselines';
import { childrenPerProposal, initialStreamState, proposeTokens } from '../strategies/token-baselines';
import { latestRewarded, sampledBefore, saveStreamState, streamStateBefore } from '../store/baseline-streams';
import { insertSampledChildren, iterationChildren, sampledChildrenCount } from '../store/children';
import { type Db, withTransaction } from '../store/db';
import { fenceSampler, isFenced, recordSampler } from '../store/released-batches';
import { lockSearch, searchAgeMinutes } from '../store/searches';
import { encodeNb201 } from '../space/nb201';
import { activityContext } from './context';

export interface BaselineKey {
  searchId: string;
  replica: number;
  iteration: number;
}

/**
 * How many of `wanted` children the search may still claim: none once budget.maxMinutes have passed
 * since it was created, else up to budget.maxChildren. Call it holding `lockSearch` to claim.
 */
export async function claimable(db: Db | PoolClient, searchId: string, config: SearchConfig, wanted: number, claimed: number): Promise<number> {
  const { maxChildren, maxMinutes } = config.budget;
  if (maxMinutes !== undefined && (await searchAgeMinutes(db, searchId)) >= maxMinutes) return 0;
  return Math.max(0, Math.min(wanted, maxChildren - claimed));
}

/**
 * Samples and stores the iteration's children; returns false when the budget is spent. `sampler` is
 * the calling activity (store/released-batches.ts): fenced, it stores nothing.
 */
export async function sampleBaselineChildren(pool: Db, config: SearchConfig, key: BaselineKey, sampler: string | null): Promise<boolean> {
  const { searchId, replica, iteration } = key;
  const stored = await streamStateBefore(pool, searchId, replica, iteration);
  if (stored === null && (await sampledBefore(pool, searchId, replica, iteration))) return sampleLegacy(pool, config, key);
  const random = mulberry32(stored ?? initialStreamState(config));
  const population = config.strategy === 'evolution' ? await latestRewarded(pool, searchId, replica, iteration, config.evolution.populationSize) : [];
  return withTransaction(pool, async (client) => {
    await lockSearch(client, searchId);
    // A concurrent attempt of this same step stored it first.
    if ((await iterationChildren(client, searchId, replica, iteration)).length > 0) return true;
    // An older attempt of an activity whose outcome the workflow already took without a batch.
    if (sampler && (await isFenced(client, key, sampler))) return false;
    const claimed = await sampledChildrenCount(client, searchId);
    const count = await claimable(client, searchId, config, childrenPerProposal(config), claimed);
    if (count === 0) {
      if (sampler) await fenceSampler(client, key, sampler, 'spent');
      return false;
    }
    const numLayers = depthAt(config, claimed);
    // The whole proposal is drawn, then cut to the budget: the in-process strategy draws it whole too.
    const proposal = proposeTokens(config, { numLayers, count: childrenPerProposal(config), population }, random).slice(0, count);
    await insertSampledChildren(client, searchId, replica, iteration, proposal.map((tokens, childIndex) => ({
      childIndex, numLayers, tokens, architecture: decodeArchitecture(config.space, numLayers, tokens), logProb: 0, entropy: 0,
    })));
    await saveStreamState(client, searchId, replica, iteration, random.state());
    if (sampler) await recordSampler(client, key, sampler);
    return true;
  });
}

/**
 * A NAS-Bench-201 baseline search started before baseline_streams (migration 009) has no stream
 * state: it goes on as it began, replaying its history one child an iteration. No sampler fence
 * (store/released-batches.ts): such a search never samples ahead, so it never gives a batch back.
 */
async function sampleLegacy(pool: Db, config: SearchConfig, key: BaselineKey): Promise<boolean> {
  const history: number[][] = [];
  for (let iteration = 0; iteration < key.iteration; iteration++) {
    activityContext()?.heartbeat(); // one query an iteration: thousands for a long search
    const children = await iterationChildren(pool, key.searchId, key.replica, iteration);
    history.push(children.map((c) => c.bestValidationAccuracy ?? 0));
  }
  return withTransaction(pool, async (client) => {
    await lockSearch(client, key.searchId);
    if ((await iterationChildren(client, key.searchId, key.replica, key.iteration)).length > 0) return true;
    const claimed = await sampledChildrenCount(client, key.searchId);
    const proposal = replayedProposal(config, history).slice(0, await claimable(client, key.searchId, config, 1, claimed));
    if (proposal.length === 0) return false;
    await insertSampledChildren(client, key.searchId, key.replica, key.iteration,
      proposal.map((architecture, childIndex) => ({ childIndex, numLayers: 6, architecture, tokens: encodeNb201(architecture), logProb: 0, entropy: 0 })));
    return true;
  });
}
