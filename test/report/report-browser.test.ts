// The report as a person sees it: built from a small search in a fresh PostgreSQL database, opened
// in headless Chromium (Debian's `chromium`, driven by playwright-core; setup/chromium.sh installs
// it), with the plots and the architecture diagrams counted in the rendered page, and a screenshot
// kept in test-artifacts/ for people to look at: one of a CNN search, one of a recurrent-cell search.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { repoRoot } from '../../config/runtime';
import { buildReport } from '../../report/build';
import { writeReportFiles } from '../../report/write';
import { CELL_SEEDED, seedCellSearch } from '../support/cell-report-rows';
import { seedReportSearch, SEEDED } from '../support/report-rows';
import { createTestDatabase, uniqueId, type TestDatabase } from '../support/servers';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
let db: TestDatabase;
let dir: string;
let browser: Browser;

before(async () => {
  assert.ok(fs.existsSync(CHROMIUM), `${CHROMIUM} is missing: run bash setup/chromium.sh (or set CHROMIUM_PATH)`);
  db = await createTestDatabase('report');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nas-report-'));
  // --no-sandbox: CI runs as root, where Chromium refuses its sandbox.
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
});
after(async () => {
  await browser?.close();
  await db?.drop();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Writes the search's report into `folder` and opens it; `requests` collects any request beyond the file. */
async function openReport(searchId: string, folder: string) {
  const out = path.join(dir, folder);
  writeReportFiles(out, await buildReport(db.pool, searchId, { top: 3 }));
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  // Any request beyond the file itself would mean the page is not self-contained.
  const requests: string[] = [];
  page.on('request', (r) => { if (!r.url().startsWith('file://')) requests.push(r.url()); });
  await page.goto(`file://${path.join(out, 'report.html')}`);
  const count = (selector: string) => page.locator(selector).count();
  return { out, page, requests, count };
}

test('the report renders its plots and architecture diagrams in Chromium', async (t) => {
  const searchId = uniqueId('report');
  const { children } = await seedReportSearch(db.pool, searchId);
  const { out, page, requests, count } = await openReport(searchId, 'report');
  // Reward curve: a dot per child (the failed one's reward is 0), and the per-update lines.
  assert.equal(await count('#reward-curve circle[data-series="child reward"]'), children);
  assert.equal(await page.getAttribute('#reward-curve path[data-series="mean reward per update"]', 'data-points'), String(SEEDED.iterations));
  assert.equal(await page.getAttribute('#best-so-far path.series-line', 'data-points'), String(children));
  // Accuracy against parameters: succeeded children only.
  assert.equal(await count('#accuracy-params circle.point'), children - SEEDED.failed);
  // Sampled depths: the bars add up to every child; filter sizes to every CNN layer.
  const depthTotal = await page.$$eval('#depths rect.bar', (rects) => rects.reduce((s, r) => s + Number(r.getAttribute('data-count')), 0));
  assert.equal(depthTotal, children);
  assert.ok((await count('#filter-sizes rect.bar')) > 0);
  // The plotted paths have a real size on screen (the browser laid them out, not just parsed them).
  const box = await page.locator('#best-so-far path.series-line').boundingBox();
  assert.ok(box && box.width > 100, `best-so-far path box: ${JSON.stringify(box)}`);

  // Top 3: the best child is of a kind this build does not know (a label), the next two are CNNs of
  // depth 3: image + 3 layers + concat + classifier = 6 boxes. Edges, counted from the stored JSON:
  // one per input of each layer (the image when it has none), one per unconsumed layer into the
  // concat, and concat → classifier.
  const ranked = await db.pool.query<{ architecture: { kind: string; layers: { inputs: number[] }[] } }>(
    `SELECT architecture FROM children WHERE search_id = $1 AND status = 'succeeded' ORDER BY best_validation_accuracy DESC, id LIMIT 3`, [searchId]);
  const diagrams = page.locator('svg.architecture');
  assert.equal(await diagrams.count(), 3);
  assert.equal(await diagrams.nth(0).getAttribute('data-arch-kind'), 'unknown');
  assert.equal(await diagrams.nth(0).locator('g.arch-node').count(), 1);
  for (const i of [1, 2]) {
    const layers = ranked.rows[i]!.architecture.layers;
    const consumed = new Set(layers.flatMap((l) => l.inputs));
    const edges = layers.reduce((n, l) => n + Math.max(1, l.inputs.length), 0) + layers.filter((_, j) => !consumed.has(j)).length + 1;
    const diagram = diagrams.nth(i);
    assert.equal(await diagram.getAttribute('data-arch-kind'), 'cnn');
    assert.equal(await diagram.locator('g.arch-node').count(), 6);
    assert.equal(await diagram.locator('g.arch-edge').count(), edges, JSON.stringify(layers));
    // Every edge is drawn with a visible length.
    const lengths = await diagram.locator('g.arch-edge path').evaluateAll((paths) => paths.map((p) => (p as unknown as { getTotalLength: () => number }).getTotalLength()));
    assert.ok(lengths.every((l) => l > 5), JSON.stringify(lengths));
  }
  assert.deepEqual(requests, []);

  const artifacts = path.join(repoRoot(), 'test-artifacts');
  fs.mkdirSync(artifacts, { recursive: true });
  const shot = path.join(artifacts, 'report.png');
  await page.screenshot({ path: shot, fullPage: true });
  t.diagnostic(`screenshot: ${shot}`);
  await page.close();
});

test('a recurrent-cell report: perplexity curves, sampled combinations and activations, cell trees', async (t) => {
  const searchId = uniqueId('cellreport');
  const { children } = await seedCellSearch(db.pool, searchId);
  const { out, page, requests, count } = await openReport(searchId, 'cell-report');
  const barTotal = (id: string) => page.$$eval(`#${id} rect.bar`, (rects) => rects.reduce((s, r) => s + Number(r.getAttribute('data-count')), 0));

  assert.match(await page.locator('table.summary').innerText(), /best validation perplexity \(lower is better\)\s+650\.0/);
  assert.match(await page.locator('table.summary').innerText(), /best next-word accuracy\s+0\.1350/);
  assert.equal(await count('#reward-curve circle[data-series="child reward"]'), children);
  assert.equal(await page.getAttribute('#best-so-far path.series-line', 'data-points'), String(children));
  assert.match(await page.locator('#best-so-far').getAttribute('aria-label') ?? '', /perplexity so far/);
  assert.equal(await count('#perplexity-params circle.point'), children - CELL_SEEDED.failed);
  // Every child's tree nodes (2·base − 1) and its inject, failed ones too (they were sampled).
  const perCell = 2 * CELL_SEEDED.base - 1 + 1;
  assert.equal(await barTotal('combinations'), children * perCell);
  assert.equal(await barTotal('activations'), children * perCell);
  for (const cnnOnly of ['#depths', '#filter-sizes', '#filter-counts', '#accuracy-params']) assert.equal(await count(cnnOnly), 0, cnnOnly);

  // Top 3 by perplexity (650, 670, 680): each a tree of 2·base − 1 nodes plus x_t, h_{t-1}, c_{t-1}, h_t, c_t.
  assert.match(await page.locator('#rank-1 h3').innerText(), /#1: perplexity 650\.0/);
  assert.match(await page.locator('#rank-3 h3').innerText(), /#3: perplexity 680\.0/);
  const diagrams = page.locator('svg.architecture');
  assert.equal(await diagrams.count(), 3);
  for (let i = 0; i < 3; i++) {
    const diagram = diagrams.nth(i);
    assert.equal(await diagram.getAttribute('data-arch-kind'), 'rnnCell');
    assert.equal(await diagram.locator('g.arch-node').count(), 2 * CELL_SEEDED.base - 1 + 5);
    assert.equal(await diagram.locator('g.arch-edge').count(), 4 * CELL_SEEDED.base + 1);
    assert.equal(await diagram.locator('g.arch-node[data-marks~="inject"]').count(), 1);
    assert.equal(await diagram.locator('g.arch-node[data-marks~="cell-output"]').count(), 1);
    const lengths = await diagram.locator('g.arch-edge path').evaluateAll((paths) => paths.map((p) => (p as unknown as { getTotalLength: () => number }).getTotalLength()));
    assert.ok(lengths.every((l) => l > 5), JSON.stringify(lengths));
    const box = await diagram.boundingBox();
    assert.ok(box && box.width > 400 && box.width < 1340, `diagram ${i} box: ${JSON.stringify(box)}`);
  }
  assert.deepEqual(requests, []);

  const artifacts = path.join(repoRoot(), 'test-artifacts');
  fs.mkdirSync(artifacts, { recursive: true });
  const shot = path.join(artifacts, 'report-cell.png');
  await page.screenshot({ path: shot, fullPage: true });
  t.diagnostic(`screenshot: ${shot}`);
  await page.close();
});

test('the same rows give the same bytes', async () => {
  const searchId = uniqueId('same');
  await seedReportSearch(db.pool, searchId);
  const a = await buildReport(db.pool, searchId, { top: 3 });
  const b = await buildReport(db.pool, searchId, { top: 3 });
  assert.deepEqual([...a.keys()], [...b.keys()]);
  for (const [name, content] of a) assert.ok(Buffer.from(content).equals(Buffer.from(b.get(name)!)), name);
});
