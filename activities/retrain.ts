// The end of a weight-sharing search (ENAS): its answer is a from-scratch accuracy, so k children by
// shared-weight reward and k by the controller's likeliest samples are written as children of phase
// 'retrain', which the workflow then trains like any child (trainChild). Runs on the controller
// worker (it reads the controller's parameters). Idempotent: a retry finds the picks it wrote.
import { parseSearchConfig } from '../config/parse';
import { controllerSpec } from '../controller/controller';
import { mostLikelyTokens, sampleTokens } from '../controller/sample';
import { mixSeed } from '../random/prng';
import { architectureKey } from '../space/architecture';
import { decodeArchitecture } from '../space/search-space';
import type { ChildKey, SampledChild } from '../store/children';
import type { Db } from '../store/db';
import { pullParameters } from '../store/parameters';
import { getSearch } from '../store/searches';
import { insertRetrainPicks, type RetrainPick, retrainKeys, topRewardedArchitectures } from '../store/shared-weights';

/** Samples drawn to find the controller's likeliest architectures after the greedy one. */
const LIKELY_DRAWS = 100;

export function createRetrainActivities({ pool }: { pool: Db }) {
  return {
    /** Writes (once) and returns the children to retrain from scratch; none when retrainTopK is 0. */
    async prepareRetrain(input: { searchId: string }): Promise<ChildKey[]> {
      const existing = await retrainKeys(pool, input.searchId);
      if (existing.length > 0) return existing;
      const config = parseSearchConfig((await getSearch(pool, input.searchId)).config);
      const k = config.weightSharing.retrainTopK;
      if (k === 0) return [];
      const rewarded = await topRewardedArchitectures(pool, input.searchId, k);
      if (rewarded.length === 0) return [];
      // The likeliest at the depth the search ended at: the greedy decode, then the likeliest distinct samples.
      const numLayers = Math.max(...rewarded.map((c) => c.numLayers));
      const { params } = await pullParameters(pool, input.searchId);
      const spec = controllerSpec(config);
      const drawn = [mostLikelyTokens(spec, params, numLayers), ...sampleTokens(spec, params, numLayers, LIKELY_DRAWS, mixSeed(config.seed, 0x11ce1))
        .sort((a, b) => b.logProb - a.logProb)];
      const likely: SampledChild[] = [];
      for (const s of drawn) {
        const architecture = decodeArchitecture(config.space, numLayers, s.tokens);
        if (likely.some((c) => architectureKey(c.architecture) === architectureKey(architecture))) continue;
        likely.push({ childIndex: likely.length, numLayers, architecture, tokens: s.tokens, logProb: s.logProb, entropy: s.entropy });
        if (likely.length === k) break;
      }
      const picks = new Map<string, RetrainPick>();
      for (const c of rewarded) picks.set(architectureKey(c.architecture), { ...c, pick: 'reward' });
      for (const c of likely) {
        const key = architectureKey(c.architecture);
        const seen = picks.get(key);
        picks.set(key, seen ? { ...seen, pick: 'both' } : { ...c, pick: 'likely' });
      }
      return insertRetrainPicks(pool, input.searchId, [...picks.values()].map((c, childIndex) => ({ ...c, childIndex })));
    },
  };
}

export type RetrainActivities = ReturnType<typeof createRetrainActivities>;
