// Random search: seeded, one cell per proposal by default (or a batch), and uniform over every edge's
// five operations. Not a test of the harness or of the table.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NB201_OPS, encodeNb201, toCellString } from '../../space/nb201';
import { runSearch } from '../../strategies/harness';
import { createRandomSearch } from '../../strategies/random-search';
import { convCountReward } from './synthetic';

const cells = (seed: number, n: number) => runSearch(createRandomSearch(seed), convCountReward, n).queries.map((q) => toCellString(q.arch));

test('the same seed gives the same cells, another seed others', () => {
  assert.deepEqual(cells(3, 50), cells(3, 50));
  assert.notDeepEqual(cells(3, 50), cells(4, 50));
});

test('uniform-ish: each op on each edge about 1/5 of 5,000 cells, and about as many distinct cells as uniform draws give', () => {
  const n = 5000;
  const counts = Array.from({ length: 6 }, () => new Array<number>(NB201_OPS.length).fill(0));
  const strategy = createRandomSearch(1);
  const distinct = new Set<string>();
  for (let i = 0; i < n; i++) {
    const [arch] = strategy.propose();
    encodeNb201(arch!).forEach((t, e) => (counts[e]![t]! += 1));
    distinct.add(toCellString(arch!));
    strategy.observe([{ arch: arch!, reward: 0 }]);
  }
  for (const row of counts) for (const c of row) assert.ok(Math.abs(c - n / 5) < 0.1 * (n / 5), `count ${c} vs ${n / 5}`);
  // Uniform over 15,625 cells: expected distinct = 15625 (1 - (1 - 1/15625)^5000) ≈ 4,288.
  assert.ok(Math.abs(distinct.size - 4288) < 60, `${distinct.size} distinct cells`);
});

test('a batch size proposes that many cells at once and checks the observations answer them', () => {
  const strategy = createRandomSearch(2, 4);
  const batch = strategy.propose();
  assert.equal(batch.length, 4);
  assert.throws(() => strategy.observe(batch.slice(0, 3).map((arch) => ({ arch, reward: 0 }))), /observed 3 architectures, proposed 4/);
  assert.throws(() => strategy.observe([...batch].reverse().map((arch) => ({ arch, reward: 0 }))), /observation 0 is/);
  strategy.observe(batch.map((arch) => ({ arch, reward: 0 })));
  assert.throws(() => createRandomSearch(1, 0), /batchSize/);
});
