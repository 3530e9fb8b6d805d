// Recurrent-cell search through the same durable nasSearch workflow, against the real Temporal dev
// server and PostgreSQL: a tiny PTB-format corpus in a temporary folder, base-2 cells, tiny language
// models. Every cell lands in SQL with its validation perplexity and reward c / perplexity².
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, test } from 'node:test';
import type { SearchConfigInput } from '../../config/search-config';
import { parseArchitecture } from '../../space/architecture';
import type { nasSearch } from '../../workflows';
import { startSearchWorkers, type SearchWorkers } from '../support/in-process-workers';
import { createTestDatabase, type TestDatabase, uniqueId } from '../support/servers';
import { writeTinyPtb } from '../support/tiny-corpus';

let db: TestDatabase;
let workers: SearchWorkers;
let folder: string;

before(async () => {
  folder = writeTinyPtb(true);
  db = await createTestDatabase('rnn');
  workers = await startSearchWorkers(db.pool);
});
after(async () => {
  await workers?.stop();
  await db?.drop();
  fs.rmSync(folder, { recursive: true, force: true });
});

test('a cell search runs durably; every cell is in SQL with its validation perplexity', async () => {
  const config: SearchConfigInput = {
    seed: 4,
    space: { kind: 'rnnCell', base: 2 },
    controller: { learningRate: 0.05 },
    languageModel: { embeddingSize: 8, hiddenSize: 8, layers: 1, bptt: 8, batchSize: 4, dropout: 0, epochs: 2, optimizer: 'adam', learningRate: 0.02, rewardConstant: 80 },
    data: { source: 'ptb', path: folder },
    budget: { childrenPerIteration: 3, maxChildren: 9 },
    trainingTaskQueue: workers.trainingQueue,
    timeouts: { childHeartbeatSeconds: 10, controllerHeartbeatSeconds: 10, childStartToCloseMinutes: 2, controllerStartToCloseMinutes: 2 },
  };
  const searchId = uniqueId('cell');
  const handle = await workers.client.workflow.start<typeof nasSearch>('nasSearch', {
    taskQueue: workers.controllerQueue, workflowId: searchId, args: [{ config }], workflowExecutionTimeout: '2m',
  });
  const result = await Promise.race([handle.result(), workers.failed]);
  assert.equal(result.status, 'completed');
  assert.equal(result.childrenDone, 9);
  assert.equal(result.iterations, 3);

  const { rows } = await db.pool.query<{ status: string; validation_perplexity: number | null; validation_perplexities: number[] | null; reward: number; architecture: unknown; num_layers: number }>(
    `SELECT c.status, c.validation_perplexity, c.validation_perplexities, c.reward, c.architecture, c.num_layers
     FROM children c WHERE c.search_id = $1 ORDER BY iteration, child_index`, [searchId]);
  assert.equal(rows.length, 9);
  for (const row of rows) {
    assert.equal(parseArchitecture(row.architecture).kind, 'rnnCell');
    assert.equal(row.num_layers, 3, 'a base-2 tree has 3 nodes');
    assert.ok(row.status === 'succeeded' || row.status === 'failed');
    if (row.status === 'succeeded') {
      assert.equal(row.validation_perplexities?.length, 2);
      assert.equal(row.validation_perplexity, Math.min(...row.validation_perplexities!));
      assert.ok(Math.abs(row.reward - 80 / row.validation_perplexity! ** 2) < 1e-9, 'reward = 80 / perplexity²');
    } else {
      assert.equal(row.reward, 0);
    }
  }
  assert.ok(rows.filter((r) => r.status === 'succeeded').length >= 5, 'most tiny cells train');
  const view = await db.pool.query<{ rank: string; validation_perplexity: number }>(
    `SELECT rank, validation_perplexity FROM rnn_cells WHERE search_id = $1 AND status = 'succeeded' ORDER BY rank`, [searchId]);
  assert.equal(Number(view.rows[0]!.rank), 1);
  assert.equal(view.rows[0]!.validation_perplexity, Math.min(...rows.filter((r) => r.status === 'succeeded').map((r) => r.validation_perplexity!)));
  assert.match(result.bestArchitecture ?? '', /inject@\d:/, 'the summary names the best cell');
  const updates = await db.pool.query('SELECT count(*)::int AS n FROM updates WHERE search_id = $1', [searchId]);
  assert.equal(updates.rows[0].n, 3, 'one REINFORCE update per iteration');
});
