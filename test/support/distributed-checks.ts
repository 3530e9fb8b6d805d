// What must hold in SQL after any distributed search (section 3.3), however its replicas
// interleaved and whatever crashed: shared by the distributed test and the chaos run. Read-only.
import assert from 'node:assert/strict';
import type { DistributedAudit } from './search-rows';

/** What must hold after any search, however its replicas interleaved. */
export function assertBookkeeping(audit: DistributedAudit, budget: number, shards: number, accumulate = 1, depthAfter = 8): void {
  const keys = audit.children.map((c) => `${c.replica}/${c.iteration}/${c.childIndex}`);
  assert.equal(audit.children.length, budget, 'the budget is claimed exactly, across replicas');
  assert.equal(new Set(keys).size, budget, 'every (replica, iteration, child) exactly once');
  for (const c of audit.children) {
    assert.ok(c.status === 'succeeded' || c.status === 'failed', `child ${c.replica}/${c.iteration}/${c.childIndex} ended ${c.status}`);
    assert.equal(typeof c.reward, 'number');
  }
  // Every (replica, iteration) that trained children has exactly one update, counting them all.
  const iterations = new Set(audit.children.map((c) => `${c.replica}/${c.iteration}`));
  assert.deepEqual(new Set(audit.updates.map((u) => `${u.replica}/${u.iteration}`)), iterations);
  assert.equal(audit.updates.reduce((n, u) => n + u.childrenCount, 0), budget);
  assert.equal(audit.rewardsSeen, budget);
  // Each shard took every update's slice once, and its version counts the steps it applied.
  assert.equal(audit.shards.length, shards);
  assert.equal(audit.pushes.length, audit.updates.length * shards);
  for (const shard of audit.shards) {
    const pushes = audit.pushes.filter((p) => p.shard === shard.shard);
    assert.equal(shard.version, pushes.filter((p) => p.applied).length, `shard ${shard.shard}: version = steps applied`);
    assert.equal(shard.version, Math.floor(pushes.length / accumulate), `shard ${shard.shard}: one step per ${accumulate} pushes`);
    assert.equal(shard.accumulatedCount, pushes.length % accumulate);
    assert.ok(shard.params.every(Number.isFinite), `shard ${shard.shard} has finite parameters`);
  }
  // Staleness is recorded per update: the most steps any shard took between its pull and its push.
  for (const u of audit.updates) {
    const mine = audit.pushes.filter((p) => p.replica === u.replica && p.iteration === u.iteration);
    assert.equal(u.staleness, Math.max(0, ...mine.map((p) => p.staleness)), `update ${u.replica}/${u.iteration} staleness`);
    assert.equal(u.versionsBefore.length, shards);
  }
  // The depth schedule (1 layer, then 2 after `depthAfter` children) counts every replica's children, in claim order.
  audit.children.forEach((c, k) => assert.equal(c.numLayers, k < depthAfter ? 1 : 2, `child #${k} (replica ${c.replica}) depth`));
}

