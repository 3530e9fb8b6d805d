// The project's promise, in small: a K=1 search run twice with the same seed on private servers, once
// undisturbed and once while seeded kill -9s strike each kind of process (a training worker, the
// controller worker, the Temporal dev server, PostgreSQL with its backends), decides exactly the same:
// same children, per-epoch accuracies, rewards, updates, baselines, and bit-identical parameters and
// Adam slots, each recorded once. The soak with 100+ kills is test/chaos/chaos.ts, not this.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { migrate } from '../../store/migrate';
import { createPool, type Db } from '../../store/db';
import { mulberry32 } from '../../random/prng';
import type { NasSearchResult } from '../../workflows/nas-search';
import { describe, killPlan, killsByKind, startChaosCluster, VICTIMS, type ChaosCluster } from '../support/chaos-monkey';
import { assertBookkeeping } from '../support/distributed-checks';
import { runSearchThrough, startPrivateServers, type PrivateServers } from '../support/private-servers';
import { distributedAudit, searchStatusRow } from '../support/search-rows';
import { outcomeDifferences, outcomeLine, searchOutcome } from '../support/search-outcome';
import { tinySearchConfig } from '../support/tiny-search';
import { uniqueId } from '../support/servers';

// Ports of this file only: its servers get killed, so nothing else may share them.
const PORTS = { temporal: 7470, ui: 8470, postgres: 54470 };
const ITERATIONS = 10;
const M = 2;
const SHARDS = 2;
const KILLS_PER_KIND = 2;
/** Seeds the kill plan (which process, when, how long down); the search's own seed is the config's. */
const CHAOS_SEED = 4242;
const started = Date.now();
const log = (message: string) => console.log(`[chaos.test +${((Date.now() - started) / 1000).toFixed(1)}s] ${message}`);

let servers: PrivateServers | undefined;
let pool: Db | undefined;
let cluster: ChaosCluster | undefined;
let passed = false;
const trainingQueue = uniqueId('chaos-train');

before(async () => {
  servers = await startPrivateServers(PORTS);
  pool = createPool(servers.databaseUrl);
  await migrate(pool);
  cluster = await startChaosCluster({ servers, pool, trainingQueue, trainingWorkers: 2, trainingConcurrency: 1, log });
  log(`private Temporal ${servers.runtime.temporal.address} and PostgreSQL :${PORTS.postgres} in ${servers.home}; workers polling`);
});

after(async () => {
  await cluster?.stop();
  await pool?.end().catch(() => undefined);
  // On failure the servers' and workers' logs stay for a look.
  await servers?.stop({ keep: !passed });
  if (servers && !passed) console.log(`chaos.test failed: logs kept in ${servers.home}`);
});

async function runSearch(searchId: string, during?: (searchId: string) => Promise<void>): Promise<NasSearchResult> {
  const config = {
    ...tinySearchConfig({ trainingTaskQueue: trainingQueue, iterations: ITERATIONS, childrenPerIteration: M, epochs: 2, heartbeatSeconds: 3 }),
    schedule: { startLayers: 1, addLayers: 1, everyChildren: (ITERATIONS * M) / 2, maxLayers: 2 },
    distributed: { replicas: 1, shards: SHARDS, accumulateGradients: 1 },
  };
  return runSearchThrough(servers!, searchId, config, during, 120_000);
}

test('a K=1 search under kill -9 of every kind of process decides bit for bit what it decides undisturbed', { timeout: 420_000 }, async () => {
  const budget = ITERATIONS * M;
  const reference = await runSearch(uniqueId('reference'));
  assert.equal(reference.status, 'completed');
  const expected = await searchOutcome(pool!, reference.searchId);
  log(`reference: ${outcomeLine(expected)}`);

  // Progress = finished children + updates. The kills are planned in its first half, but restarts take
  // seconds and the search goes on meanwhile: on a slow day it may end during the second round of kills.
  const totalProgress = budget + ITERATIONS;
  const plan = killPlan(mulberry32(CHAOS_SEED), KILLS_PER_KIND * VICTIMS.length, Math.floor(totalProgress / 2), { maxDelayMs: 1500, minDownMs: 200, maxDownMs: 1500 });
  const chaos = await runSearch(uniqueId('chaos'), (searchId) => cluster!.run(plan, searchId, {
    minKills: VICTIMS.length, stallMs: 90_000, deadline: Date.now() + 300_000,
  }));
  assert.equal(chaos.status, 'completed');
  assert.equal(await searchStatusRow(pool!, chaos.searchId), 'completed');
  cluster!.assertWorkersAlive();
  const actual = await searchOutcome(pool!, chaos.searchId);
  log(`under chaos: ${outcomeLine(actual)}`);

  const byKind = killsByKind(cluster!.kills);
  for (const victim of VICTIMS) assert.ok(byKind[victim] >= 1, `${victim} was killed (${JSON.stringify(byKind)})`);
  const { rows } = await pool!.query<{ retried: string }>('SELECT count(*) FILTER (WHERE attempts > 1) AS retried FROM children WHERE search_id = $1', [chaos.searchId]);
  log(`${cluster!.kills.length} kills; ${rows[0]!.retried} children trained more than once:\n  ${cluster!.kills.map(describe).join('\n  ')}`);
  // Else this test proves little: a training kill landed mid-training, and that child was trained again.
  const struck = cluster!.kills.flatMap((k) => k.struckChild === undefined ? [] : [k.struckChild]);
  assert.ok(struck.length >= 1, 'a training kill struck a child mid-training');
  const { rows: again } = await pool!.query<{ id: string }>('SELECT id FROM children WHERE search_id = $1 AND id = ANY($2) AND attempts > 1', [chaos.searchId, struck]);
  assert.ok(again.length >= 1, `a child struck mid-training (${struck.join(', ')}) was trained again`);

  // Exactly once: every child, update, shard push and reward; then the same decisions, bit for bit.
  assertBookkeeping(await distributedAudit(pool!, chaos.searchId), budget, SHARDS, 1, budget / 2);
  assert.equal(actual.snapshotsLeft, 0, 'every sampled batch\'s parameter snapshot was consumed by its update');
  assert.deepEqual(outcomeDifferences(expected, actual), [], 'the search under chaos decided exactly what the undisturbed one did');
  assert.equal(chaos.childrenDone, reference.childrenDone);
  assert.equal(chaos.bestArchitecture, reference.bestArchitecture);
  passed = true;
});
