// The workflow code as Temporal runs it: it bundles for the workflow sandbox (so it stays free of node,
// pg and tfjs imports), and histories replay against it: one recorded just now and every history kept
// in test/workflows/histories/. Not the search's results or SQL rows (nas-search.test.ts checks those).
//
// Regenerate the kept history (after a deliberate, patched() change of control flow, keep the old file
// under another name so running searches stay covered):
//   npx tsc -p . && NAS_RECORD_HISTORY=1 node --test dist/test/workflows/bundle.test.js
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, test } from 'node:test';
import { bundleWorkflowCode, DefaultLogger, Worker } from '@temporalio/worker';
import { repoRoot } from '../../config/runtime';
import type { nasSearch } from '../../workflows';
import { pauseSignal, progressQuery, resumeSignal } from '../../workflows/messages';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { eventually } from '../support/eventually';
import { quietTemporalRuntime, startSearchWorkers, WORKFLOWS_PATH } from '../support/in-process-workers';
import { createTestDatabase, uniqueId } from '../support/servers';
import { tinySearchConfig } from '../support/tiny-search';

const HISTORIES = path.join(repoRoot(), 'test', 'workflows', 'histories');
const RECORDED = path.join(HISTORIES, 'nas-search-pause-resume.json');
/** The history of the search's replica 0 in the same run (replicas are workflows of their own). */
const RECORDED_REPLICA = path.join(HISTORIES, 'nas-replica-pause-resume.json');
const record = process.env.NAS_RECORD_HISTORY === '1';
quietTemporalRuntime();
const logger = new DefaultLogger('ERROR');
/** Replay workers take no logger option; the Runtime's (quiet, see in-process-workers.ts) is used. */
const replay = { workflowsPath: WORKFLOWS_PATH };

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch((err: unknown) => console.error('cleanup failed:', err));
});

test('the workflows bundle for the sandbox, without pg, tfjs or node built-ins', async () => {
  const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger });
  assert.match(code, /nasSearch/);
  // Webpack names every bundled module by its path; none of these packages may be among them.
  assert.doesNotMatch(code, /node_modules\/(pg|pg-[a-z]+|@tensorflow\/[a-z-]+|@temporalio\/(activity|worker|client))\//);
  // Of our own folders only pure ones (space/ decodes and schedules, nothing more): a value import of
  // activities/, store/ or data/ would show here.
  const folders = new Set([...code.matchAll(/dist\/([a-z-]+)\/[a-z0-9-]+\.js/g)].map((m) => m[1]));
  assert.ok(folders.has('workflows'), 'module paths appear in the bundle');
  assert.deepEqual([...folders].filter((f) => !['workflows', 'config', 'errors', 'space'].includes(f!)), []);
});

test('a search with a pause and a resume replays against the current workflow code', async () => {
  const db = await createTestDatabase('replay');
  cleanups.push(db.drop);
  const workers = await startSearchWorkers(db.pool);
  cleanups.push(workers.stop);
  const searchId = uniqueId('replay');
  const handle = await workers.client.workflow.start<typeof nasSearch>('nasSearch', {
    taskQueue: workers.controllerQueue,
    workflowId: searchId,
    // searchId is given (not taken from the workflow id), so replay needs no workflow id.
    args: [{ searchId, config: tinySearchConfig({ iterations: 2, trainingTaskQueue: workers.trainingQueue }) }],
    workflowExecutionTimeout: '5m',
  });
  await eventually(async () => (await handle.query(progressQuery)).phase === 'training', 60_000, 'phase training');
  await handle.signal(pauseSignal);
  await eventually(async () => (await handle.query(progressQuery)).phase === 'paused', 60_000, 'phase paused');
  await handle.signal(resumeSignal);
  const result = await Promise.race([handle.result(), workers.failed]);
  assert.equal(result.status, 'completed');

  const history = await handle.fetchHistory();
  await Worker.runReplayHistory(replay, history, searchId);
  const replicaHistory = await workers.client.workflow.getHandle(`${searchId}/replica-0`).fetchHistory();
  await Worker.runReplayHistory(replay, replicaHistory, `${searchId}/replica-0`);
  if (record) {
    fs.mkdirSync(HISTORIES, { recursive: true });
    for (const [file, h] of [[RECORDED, history], [RECORDED_REPLICA, replicaHistory]] as const) {
      fs.writeFileSync(file, `${historyToJSON(h)}\n`);
      console.log(`recorded ${h.events?.length ?? 0} events to ${file}`);
    }
  }
});

test('every kept history in test/workflows/histories replays', async () => {
  const files = fs.existsSync(HISTORIES) ? fs.readdirSync(HISTORIES).filter((f) => f.endsWith('.json')).sort() : [];
  for (const kept of [RECORDED, RECORDED_REPLICA]) {
    assert.ok(files.includes(path.basename(kept)), `${kept} is missing: record it with NAS_RECORD_HISTORY=1 (see the top of this file)`);
  }
  for (const file of files) {
    const history: unknown = JSON.parse(fs.readFileSync(path.join(HISTORIES, file), 'utf8'));
    await assert.doesNotReject(Worker.runReplayHistory(replay, history, recordedWorkflowId(history)), `replay of ${file}`);
  }
});

/**
 * The workflow id a kept history ran under (a history file does not carry it, and replica ids are
 * derived from it): the search's id is its `searchId` input; a replica's is `<search>/replica-<k>`.
 */
function recordedWorkflowId(history: unknown): string | undefined {
  const start = (history as { events?: { workflowExecutionStartedEventAttributes?: { input?: { payloads?: { data?: string }[] } } }[] })
    .events?.[0]?.workflowExecutionStartedEventAttributes;
  const data = start?.input?.payloads?.[0]?.data;
  if (!data) return undefined;
  const input = JSON.parse(Buffer.from(data, 'base64').toString('utf8')) as { searchId?: string; searchWorkflowId?: string; replica?: number };
  return input.searchWorkflowId !== undefined ? `${input.searchWorkflowId}/replica-${input.replica}` : input.searchId;
}
