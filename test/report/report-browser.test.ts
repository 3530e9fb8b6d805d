// The report as a person sees it: built from a small search in a fresh PostgreSQL database, opened
// in headless Chromium (Debian's `chromium`, driven by playwright-core; setup/chromium.sh installs
// it), with the plots and the architecture diagrams counted in the rendered page, and a screenshot
// kept in test-artifacts/ for people to look at.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { repoRoot } from '../../config/runtime';
import { buildReport } from '../../report/build';
import { writeReportFiles } from '../../report/write';
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

test('the report renders its plots and architecture diagrams in Chromium', async (t) => {
  const searchId = uniqueId('report');
  const { children } = await seedReportSearch(db.pool, searchId);
  const out = path.join(dir, 'report');
  writeReportFiles(out, await buildReport(db.pool, searchId, { top: 3 }));
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  // Any request beyond the file itself would mean the page is not self-contained.
  const requests: string[] = [];
  page.on('request', (r) => { if (!r.url().startsWith('file://')) requests.push(r.url()); });
  await page.goto(`file://${path.join(out, 'report.html')}`);

  const count = (selector: string) => page.locator(selector).count();
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

test('the same rows give the same bytes', async () => {
  const searchId = uniqueId('same');
  await seedReportSearch(db.pool, searchId);
  const a = await buildReport(db.pool, searchId, { top: 3 });
  const b = await buildReport(db.pool, searchId, { top: 3 });
  assert.deepEqual([...a.keys()], [...b.keys()]);
  for (const [name, content] of a) assert.ok(Buffer.from(content).equals(Buffer.from(b.get(name)!)), name);
});
