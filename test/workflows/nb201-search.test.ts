// Tabular mode through the durable workflow: a NAS-Bench-201 search whose trainChild answers from a
// table, against the real Temporal dev server and PostgreSQL, gives exactly the queries and rewards
// of the fast in-process harness for the same seed. Not the strategies' quality (bench/nb201/).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { ApplicationFailure, WorkflowFailedError } from '@temporalio/client';
import { PRESETS } from '../../config/presets';
import type { SearchConfigInput } from '../../config/search-config';
import { parseNb201Csv } from '../../data/nb201-table';
import { architectureKey } from '../../space/architecture';
import { mulberry32 } from '../../random/prng';
import { NB201_OPS, toCellString } from '../../space/nb201';
import { nb201Evaluator, runSearch, type Nb201Evaluation } from '../../strategies/harness';
import { createBaselineStrategy } from '../../strategies/baselines';
import type { Strategy } from '../../strategies/strategy';
import type { Architecture } from '../../space/architecture';
import { parseSearchConfig } from '../../config/parse';
import { createReinforceStrategy } from '../../strategies/reinforce';
import type { nasSearch } from '../../workflows';
import { NasChildrenDone } from '../../workflows/search-attributes';
import { eventually } from '../support/eventually';
import { startSearchWorkers, type SearchWorkers } from '../support/in-process-workers';
import { childRecords } from '../support/search-rows';
import { createTestDatabase, type TestDatabase, uniqueId } from '../support/servers';

let db: TestDatabase;
let workers: SearchWorkers;
let dir: string;
let tablePath: string;

/** All 15,625 cells with made-up accuracies (a seeded function of the cell), written as a CSV. */
function writeSyntheticTable(file: string): void {
  const random = mulberry32(99);
  const lines = ['index,arch,params_m,valid_acc_12ep,valid_acc_200ep,test_acc_200ep'];
  for (let i = 0; i < 5 ** 6; i++) {
    const ops = Array.from({ length: 6 }, (_, e) => NB201_OPS[Math.floor(i / 5 ** e) % 5]!);
    const convs = ops.filter((op) => op === 'nor_conv_3x3').length;
    const valid = 50 + 6 * convs + 10 * random();
    lines.push(`${i},${toCellString({ kind: 'nb201', ops })},${(0.1 + convs * 0.2).toFixed(4)},${valid.toFixed(4)},${(valid + 5).toFixed(4)},${(valid + 6).toFixed(4)}`);
  }
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
}

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nas-nb201-'));
  tablePath = path.join(dir, 'table.csv');
  writeSyntheticTable(tablePath);
  db = await createTestDatabase('nb201');
  workers = await startSearchWorkers(db.pool);
});
after(async () => {
  await workers?.stop();
  await db?.drop();
  fs.rmSync(dir, { recursive: true, force: true });
});

for (const strategy of ['reinforce', 'random', 'evolution'] as const) {
  test(`${strategy}: the workflow and the in-process harness query the same cells with the same rewards for a seed`, async () => {
    // 3 iterations of 4, the last cut to 2 for REINFORCE (both must cut it alike); random search draws 4 an
    // iteration too (the same cells in the same order as one at a time), evolution one a cycle (R_EA.py).
    const budget = strategy === 'reinforce' ? 10 : 14;
    const config = {
      ...PRESETS.nb201, strategy, seed: 3, data: { source: 'nb201Table', path: tablePath },
      evolution: { populationSize: 5, sampleSize: 2 },
      budget: { childrenPerIteration: 4, maxChildren: budget }, trainingTaskQueue: workers.trainingQueue,
    } as SearchConfigInput;
    const searchId = uniqueId(`nb201-${strategy}`);
    const handle = await workers.client.workflow.start<typeof nasSearch>('nasSearch', {
      taskQueue: workers.controllerQueue, workflowId: searchId, args: [{ config }], workflowExecutionTimeout: '3m',
    });
    const result = await Promise.race([handle.result(), workers.failed]);
    assert.equal(result.childrenDone, budget);

    const table = parseNb201Csv(fs.readFileSync(tablePath, 'utf8'), tablePath);
    const evaluate = nb201Evaluator(table);
    const inProcess = strategy === 'reinforce'
      ? createReinforceStrategy(config, budget)
      : createBaselineStrategy(parseSearchConfig(config));
    const run = runSearch<Architecture, Nb201Evaluation>(inProcess as Strategy<Architecture>, (arch) => {
      if (arch.kind !== 'nb201') throw new Error('expected NAS-Bench-201 cells');
      return evaluate(arch);
    }, budget);
    const durable = await childRecords(db.pool, searchId);
    assert.equal(durable.length, budget);
    assert.deepEqual(durable.map((c) => c.archKey), run.queries.map((q) => architectureKey(q.arch)));
    durable.forEach((c, i) => assert.ok(Math.abs(c.reward! - run.queries[i]!.evaluation.reward) < 1e-12, `reward ${i}`));
    assert.ok(new Set(durable.map((c) => c.archKey)).size > 3, 'the search visits several cells');
    const updates = await db.pool.query('SELECT count(*)::int AS n FROM updates WHERE search_id = $1', [searchId]);
    assert.equal(updates.rows[0].n, strategy === 'reinforce' ? 3 : 0, 'only the controller has updates');

    // Typed search attributes: the Web UI's list, filtered by space and status, finds this search.
    await eventually(async () => {
      for await (const w of workers.client.workflow.list({ query: `NasSpace = "nb201" AND NasStatus = "completed" AND WorkflowId = "${searchId}"` })) {
        return w.typedSearchAttributes.get(NasChildrenDone) === budget;
      }
      return false;
    }, 30_000, 'the search listed by its search attributes');
  });
}

test('a table path that is a folder fails the search within seconds, DatasetNotFoundError, status failed; every activity retries boundedly', async () => {
  const config = {
    ...PRESETS.nb201, seed: 3, data: { source: 'nb201Table', path: dir }, budget: { childrenPerIteration: 2, maxChildren: 4 }, trainingTaskQueue: workers.trainingQueue,
  } as SearchConfigInput;
  const searchId = uniqueId('nb201-folder');
  const started = Date.now();
  const handle = await workers.client.workflow.start<typeof nasSearch>('nasSearch', {
    taskQueue: workers.controllerQueue, workflowId: searchId, args: [{ searchId, config }], workflowExecutionTimeout: '3m',
  });
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the search did not fail within 30 s')), 30_000).unref());
  const err = await Promise.race([handle.result(), workers.failed, timeout]).then(() => assert.fail('the search must fail'), (e: unknown) => e);
  assert.ok(err instanceof WorkflowFailedError, String(err));
  assert.ok(err.cause instanceof ApplicationFailure, String(err.cause));
  assert.equal(err.cause.type, 'ReplicaFailedError');
  assert.match(err.cause.message, new RegExp(`DatasetNotFoundError: .*${dir}.* is a folder`));
  console.log(`[nb201-search.test] a folder as the table failed the search in ${Date.now() - started} ms`);
  const { rows } = await db.pool.query('SELECT status FROM searches WHERE id = $1', [searchId]);
  assert.equal(rows[0].status, 'failed');
  const attempts = await db.pool.query('SELECT max(attempts)::int AS n FROM children WHERE search_id = $1', [searchId]);
  assert.ok(attempts.rows[0].n <= 1, `a child was tried ${attempts.rows[0].n} times`);

  // Every activity either workflow scheduled (controller and training) has a finite retry that gives up at once on our errors.
  for (const id of [searchId, `${searchId}/replica-0`]) {
    const { events } = await workers.client.workflow.getHandle(id).fetchHistory();
    const scheduled = (events ?? []).flatMap((e) => (e.activityTaskScheduledEventAttributes ? [e.activityTaskScheduledEventAttributes] : []));
    assert.ok(scheduled.length > 0, id);
    for (const a of scheduled) {
      const policy = a.retryPolicy!;
      assert.ok((policy.maximumAttempts ?? 0) > 0, `${a.activityType?.name} of ${id} retries without limit`);
      for (const type of ['InvalidConfigError', 'DatasetNotFoundError', 'InvalidGradientError']) {
        assert.ok(policy.nonRetryableErrorTypes?.includes(type), `${a.activityType?.name}: ${type} is retried`);
      }
    }
  }
});
