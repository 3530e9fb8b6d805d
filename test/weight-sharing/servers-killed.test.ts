// The weight-sharing mode survives its servers: a tiny search on private servers, run once
// undisturbed and once with PostgreSQL kill -9'd while ω trains (iteration 1) and the Temporal dev
// server kill -9'd while ω trains (iteration 2), each started again. It resumes from ω's newest
// checkpoint, and decides exactly the same: children, rewards, ω steps, picks, final ω, controller
// parameters and Adam slots, one update per iteration. The kill of the ω worker itself is search.test.ts.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sleep } from '../../dev/processes';
import { createPool, type Db } from '../../store/db';
import { migrate } from '../../store/migrate';
import { omegaCheckpointSteps } from '../../store/shared-weights';
import type { NasSearchResult } from '../../workflows/nas-search';
import { startChaosCluster, type ChaosCluster } from '../support/chaos-monkey';
import { eventually } from '../support/eventually';
import { runSearchThrough, startPrivateServers, type PrivateServers } from '../support/private-servers';
import { outcomeDifferences, outcomeLine, searchOutcome } from '../support/search-outcome';
import { searchStatusRow, updateRecords } from '../support/search-rows';
import { uniqueId } from '../support/servers';
import { omegaTrainingResults } from '../support/sharing-history';
import { tinySharingConfig } from '../support/tiny-search';

// Ports of this file only: its servers get killed, so nothing else may share them.
const PORTS = { temporal: 7560, ui: 8560, postgres: 54560 };
const ITERATIONS = 3;
const M = 2;
const STEPS = 150;
const EVERY = 10;
/** Each server stays down this long: longer than EVERY ω steps, so ω's next save meets a dead PostgreSQL. */
const DOWN_MS = 3000;
const started = Date.now();
const log = (message: string) => console.log(`[servers-killed.test +${((Date.now() - started) / 1000).toFixed(1)}s] ${message}`);

let servers: PrivateServers | undefined;
let pool: Db | undefined;
let cluster: ChaosCluster | undefined;
let passed = false;
const trainingQueue = uniqueId('ws-train');
const claimQueue = uniqueId('ws-sharing');

before(async () => {
  servers = await startPrivateServers(PORTS);
  pool = createPool(servers.databaseUrl);
  await migrate(pool);
  cluster = await startChaosCluster({ servers, pool, trainingQueue, trainingWorkers: 1, trainingConcurrency: 1, sharingQueue: claimQueue, log });
  log(`private Temporal ${servers.runtime.temporal.address} and PostgreSQL :${PORTS.postgres} in ${servers.home}; workers polling`);
});

after(async () => {
  await cluster?.stop();
  await pool?.end().catch(() => undefined);
  await servers?.stop({ keep: !passed });
  if (servers && !passed) console.log(`servers-killed.test failed: logs kept in ${servers.home}`);
});

async function runSearch(searchId: string, during?: (searchId: string) => Promise<void>): Promise<NasSearchResult> {
  const config = tinySharingConfig({ trainingTaskQueue: trainingQueue, iterations: ITERATIONS, childrenPerIteration: M, claimQueue, steps: STEPS, checkpointEvery: EVERY });
  return runSearchThrough(servers!, searchId, config, during, 150_000);
}

/** The newest ω checkpoint once ω trains inside `iteration`, past its first checkpoint there. */
async function midTraining(searchId: string, iteration: number): Promise<number> {
  return eventually(async () => {
    const newest = (await omegaCheckpointSteps(pool!, searchId).catch(() => [])).at(-1);
    return newest !== undefined && newest >= iteration * STEPS + EVERY ? newest : undefined;
  }, 120_000, `ω of ${searchId} checkpointed inside iteration ${iteration}`);
}

test('kill -9 of PostgreSQL and of Temporal while ω trains: the weight-sharing search resumes and decides bit for bit what it decides undisturbed', { timeout: 360_000 }, async () => {
  const reference = await runSearch(uniqueId('wsref'));
  assert.equal(reference.status, 'completed');
  const expected = await searchOutcome(pool!, reference.searchId);
  log(`reference: ${outcomeLine(expected)}`);

  const at = { postgres: -1, temporal: -1 };
  const killed = await runSearch(uniqueId('wskilled'), async (searchId) => {
    at.postgres = await midTraining(searchId, 1);
    log(`kill -9 PostgreSQL pid ${await servers!.killPostgres()} at ω checkpoint ${at.postgres}`);
    await sleep(DOWN_MS);
    await servers!.restart();
    log('PostgreSQL serving again');
    at.temporal = await midTraining(searchId, 2);
    log(`kill -9 Temporal pid ${await servers!.killTemporal()} at ω checkpoint ${at.temporal}`);
    await sleep(DOWN_MS);
    await servers!.restart();
    log('Temporal serving again');
  });
  assert.equal(killed.status, 'completed');
  assert.equal(await searchStatusRow(pool!, killed.searchId), 'completed');
  cluster!.assertWorkersAlive();
  const actual = await searchOutcome(pool!, killed.searchId);
  log(`killed twice: ${outcomeLine(actual)}`);

  assert.ok(at.postgres < 2 * STEPS && at.temporal < 3 * STEPS, `both kills struck mid-phase (ω checkpoints ${at.postgres}, ${at.temporal})`);
  // ω's next save after the PostgreSQL kill fails (at most EVERY steps on), and the retry restores the newest checkpoint.
  const trained = await omegaTrainingResults(await servers!.client(), killed.searchId);
  log(`ω training per iteration (step, restored from): ${trained.map((t) => `${t.omegaStep}/${t.restoredFrom}`).join(' ')}`);
  assert.deepEqual(trained.map((t) => t.omegaStep), [1, 2, 3].map((i) => i * STEPS));
  const resumed = trained[1]!.restoredFrom;
  assert.ok(resumed !== null && resumed >= at.postgres && resumed < 2 * STEPS,
    `iteration 1 resumed from a checkpoint of its own at or after the kill's (${at.postgres}): ${resumed}; at most ${EVERY} steps lost`);
  assert.deepEqual((await updateRecords(pool!, killed.searchId)).map((u) => u.iteration), [0, 1, 2], 'exactly one controller update per iteration');
  assert.ok(actual.shards.every((s) => Number(s.version) === ITERATIONS), 'the controller took one step per iteration, none twice');
  assert.equal(actual.omega?.step, ITERATIONS * STEPS);
  assert.deepEqual(outcomeDifferences(expected, actual), [], 'the killed search decided exactly what the undisturbed one did');
  assert.equal(killed.bestArchitecture, reference.bestArchitecture);
  passed = true;
});
