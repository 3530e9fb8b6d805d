// What the CLI prints for a recurrent-cell search: perplexity (lower is better) wherever a CNN search
// shows validation accuracy, and next-word accuracy only under that name. `nas best` runs as a real
// process against a real PostgreSQL holding a seeded cell search (no Temporal needed for it).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { formatProgress } from '../../cli/follow';
import { describeResult, formatStatus } from '../../cli/search';
import { searchBest } from '../../store/search-best';
import type { SearchProgress } from '../../workflows/messages';
import { CELL_SEEDED, seedCellSearch } from '../support/cell-report-rows';
import { createTestDatabase, type TestDatabase } from '../support/servers';
import { seedReportSearch } from '../support/report-rows';

const MAIN = path.join(__dirname, '..', '..', 'cli', 'main.js');
const CELL = 'cell-output';
const CNN = 'cnn-output';
let db: TestDatabase;
let dir: string;

before(async () => {
  db = await createTestDatabase('cellcli');
  await seedCellSearch(db.pool, CELL);
  await seedReportSearch(db.pool, CNN);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nas-cellcli-'));
});
after(async () => {
  await db?.drop();
  fs.rmSync(dir, { recursive: true, force: true });
});

function nas(args: string[]) {
  const r = spawnSync(process.execPath, [MAIN, ...args], { env: { ...process.env, DATABASE_URL: db.url, NAS_HOME: dir }, cwd: dir, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const progress = (extra: Partial<SearchProgress> = {}): SearchProgress => ({
  searchId: CELL, phase: 'training', iteration: 3, childrenDone: 12, childrenBudget: 12, bestAccuracy: 0.135,
  baseline: 0.0001, currentDepth: 1, lastArchitecture: '0:add/tanh', ...extra,
});

test('nas best ranks a cell search by perplexity and says so; next-word accuracy is labelled', () => {
  const r = nas(['best', CELL, '--top', '3']);
  assert.equal(r.code, 0, r.err);
  const lines = r.out.split('\n');
  assert.match(lines[0]!, /best architectures of cell-output \(validation perplexity, lower is better\):/);
  assert.match(lines[1]!, /^ {2}#1 perplexity 650\.0 {2}next-word accuracy 0\.1200 {2}iteration 2 child 0 /);
  assert.match(lines[2]!, /^ {2}#2 perplexity 670\.0 {2}next-word accuracy 0\.1350 {2}iteration 2 child 3 /);
  assert.match(lines[3]!, /^ {2}#3 perplexity 680\.0 /);
  assert.match(r.out, /inject@\d:/, 'cells described as cells');
  assert.doesNotMatch(r.out, /\(validation accuracy\)/);
});

test('the final summary, the progress line and status show the best perplexity of a cell search', async () => {
  const best = await searchBest(db.pool, CELL);
  assert.deepEqual(best, { spaceKind: 'rnnCell', bestPerplexity: CELL_SEEDED.bestPerplexity, bestAccuracy: CELL_SEEDED.bestNextWordAccuracy });
  const result = { searchId: CELL, status: 'completed' as const, childrenDone: 12, iterations: 3, bestAccuracy: 0.135, bestArchitecture: '0:add/tanh' };
  assert.match(describeResult({ result, best } as Parameters<typeof describeResult>[0]),
    /best validation perplexity 650\.0 \(lower is better; next-word accuracy 0\.1350\)\n/);
  const line = formatProgress(progress(), null, 4, best);
  assert.match(line, /\| best perplexity 650\.0 \|/);
  assert.doesNotMatch(line, /0\.1350/);
  const status = formatStatus({ searchId: CELL, status: 'RUNNING', config: null, progress: progress(), best, workers: [] });
  assert.match(status, /\n {2}best: {7}perplexity 650\.0\n/);
  const closed = formatStatus({ searchId: CELL, status: 'COMPLETED', config: null, progress: null, best, workers: [] });
  assert.match(closed, /^search cell-output: COMPLETED\n {2}best: {7}perplexity 650\.0\n/);
});

test('a CNN search keeps accuracy in the summary, progress line and status', async () => {
  const best = await searchBest(db.pool, CNN);
  assert.equal(best.spaceKind, 'cnn');
  assert.equal(best.bestPerplexity, null);
  const result = { searchId: CNN, status: 'completed' as const, childrenDone: 12, iterations: 3, bestAccuracy: 0.95, bestArchitecture: 'x' };
  assert.match(describeResult({ result, best } as Parameters<typeof describeResult>[0]), /best validation accuracy 0\.9500\n/);
  assert.match(formatProgress(progress({ bestAccuracy: 0.91234 }), null, 4, best), /\| best 0\.9123 \|/);
  assert.match(formatStatus({ searchId: CNN, status: 'RUNNING', config: null, progress: progress({ bestAccuracy: 0.9 }), best, workers: [] }), /best: {7}0\.9000\n/);
});
