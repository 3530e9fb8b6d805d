// A controller activity task recorded as started that no worker runs (the dev server's loss of issue 11,
// bench/slots/results/2026-12-02-lost-tasks.md), on the real dev server: the search waits only the
// default heartbeat timeout for the retry and stores what an undisturbed search of the seed stores.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Context } from '@temporalio/activity';
import type { nasSearch } from '../../workflows';
import type { SearchConfigInput } from '../../config/search-config';
import { startSearchWorkers, type SearchWorkers } from '../support/in-process-workers';
import { childRecords, shardRecords } from '../support/search-rows';
import { createTestDatabase, type TestDatabase, uniqueId } from '../support/servers';
import { tinySearchConfig } from '../support/tiny-search';

const lossy = uniqueId('lost');
/** When the lost attempt began and when Temporal's retry of it began (ms since the epoch). */
const attempts: { lost?: number; retried?: number } = {};
/** Ends the lost attempt at the end of the test, so that the worker can shut down. */
let release: () => void = () => undefined;
const released = new Promise<void>((resolve) => { release = resolve; });

let db: TestDatabase;
let workers: SearchWorkers;
before(async () => {
  db = await createTestDatabase('lost');
  workers = await startSearchWorkers(db.pool, {
    controller: (activities) => ({
      ...activities,
      // Iteration 1's first sampling attempt of the lossy search does nothing and never heartbeats,
      // as when the server hands the task to a poll the worker never receives.
      async sampleArchitectures(input) {
        const { attempt } = Context.current().info;
        if (input.searchId === lossy && input.iteration === 1 && attempt === 1) {
          attempts.lost = Date.now();
          await Promise.race([released, Context.current().cancelled.catch(() => undefined)]);
          throw new Error('the lost attempt, ended by the test');
        }
        if (input.searchId === lossy && input.iteration === 1) attempts.retried ??= Date.now();
        return activities.sampleArchitectures(input);
      },
    }),
  });
});
after(async () => {
  release();
  await workers?.stop();
  await db?.drop();
});

/** The tiny search with the default controller timeouts (the tiny config's own are for kill tests). */
function config(): SearchConfigInput {
  const tiny = tinySearchConfig({ trainingTaskQueue: workers.trainingQueue, iterations: 3, seed: 99 });
  return { ...tiny, timeouts: { childHeartbeatSeconds: 10, childStartToCloseMinutes: 5 } };
}

async function run(searchId: string) {
  const handle = await workers.client.workflow.start<typeof nasSearch>('nasSearch', {
    taskQueue: workers.controllerQueue, workflowId: searchId, args: [{ config: config() }], workflowExecutionTimeout: '4m',
  });
  const result = await Promise.race([handle.result(), workers.failed]);
  assert.equal(result.status, 'completed');
  return { children: await childRecords(db.pool, searchId), shards: await shardRecords(db.pool, searchId) };
}

test('a lost first attempt of a controller activity costs the default 5-s heartbeat timeout and the retry\'s backoff, and changes nothing stored', async () => {
  const undisturbed = await run(uniqueId('whole'));
  const lost = await run(lossy);

  assert.ok(attempts.lost !== undefined && attempts.retried !== undefined, JSON.stringify(attempts));
  const waited = attempts.retried - attempts.lost;
  // At least the heartbeat timeout (the loss is what delayed it), and not the 30 s it used to be.
  assert.ok(waited >= 4_500 && waited <= 12_000, `the retry began ${waited} ms after the lost attempt`);
  const history = await workers.client.workflow.getHandle(`${lossy}/replica-0`).fetchHistory();
  const retried = history.events!.filter((e) => (e.activityTaskStartedEventAttributes?.attempt ?? 1) > 1);
  assert.equal(retried.length, 1, 'one activity was retried');
  assert.match(retried[0]!.activityTaskStartedEventAttributes!.lastFailure?.message ?? '', /heartbeat/i);

  // Same seed, same children, rewards and parameters, bit for bit.
  const sampled = (r: typeof lost) => r.children.map((c) => [c.iteration, c.childIndex, c.tokens, c.reward, c.status]);
  assert.deepEqual(sampled(lost), sampled(undisturbed));
  assert.equal(lost.children.length, 6);
  assert.deepEqual(lost.shards.map((s) => [s.version, s.params.toString('hex')]), undisturbed.shards.map((s) => [s.version, s.params.toString('hex')]));
});
