// Regularized evolution step by step: P = 3, S = 2 with every draw scripted and each expected cell worked
// out by hand below; the mutation's edge and op distribution; aging with a real seed; and that it beats
// random search on an additive synthetic reward. Not a test of the NAS-Bench-201 table.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mulberry32 } from '../../random/prng';
import { encodeNb201, toCellString, type Nb201Architecture } from '../../space/nb201';
import { runSearch } from '../../strategies/harness';
import { createRandomSearch } from '../../strategies/random-search';
import { createRegularizedEvolution, mutateCell } from '../../strategies/regularized-evolution';
import type { Strategy } from '../../strategies/strategy';
import { convCountReward, isAllConv3x3, pick, scripted } from './synthetic';

// Ops: 0 none, 1 skip_connect, 2 nor_conv_1x1, 3 nor_conv_3x3, 4 avg_pool_3x3. Edges: 1←0, 2←0, 2←1, 3←0, 3←1, 3←2.
const op = (k: number) => pick(k, 5);
const cellDraws = (ops: number[]) => ops.map(op);
const member = (i: number) => pick(i, 3); // one tournament draw among the P = 3 members
const node = (i: number) => pick(i, 3); // target node i + 1
const from = (j: number, ofNode: number) => pick(j, ofNode + 1);

/** Proposes, checks the proposal, observes it with the synthetic reward; returns the population's (ops, born). */
function step(strategy: ReturnType<typeof createRegularizedEvolution>, expected: number[]): [number[], number][] {
  const [arch, ...rest] = strategy.propose();
  assert.equal(rest.length, 0);
  assert.deepEqual(encodeNb201(arch!), expected);
  strategy.observe([{ arch: arch!, reward: convCountReward(arch!).reward }]);
  return strategy.population().map((m) => [encodeNb201(m.arch), m.born]);
}

test('P = 3, S = 2 by hand: random fill, tournaments with replacement (earliest wins ties), oldest removed', () => {
  const draws = scripted([
    ...cellDraws([3, 0, 0, 0, 0, 0]), // c0, reward 1/6
    ...cellDraws([3, 3, 3, 0, 0, 0]), // c1, reward 3/6
    ...cellDraws([1, 1, 1, 1, 1, 1]), // c2, reward 0
    // c3: sample {c2, c0} → parent c0; node 3, edge from 1 (edge 3←1); op none equals c0's, redrawn → 3x3.
    member(2), member(0), node(2), from(1, 2), op(0), op(3),
    // c4: population [c1, c2, c3]; sample {c1, c2} → c1; node 1 (edge 1←0); 3x3 is c1's own, redrawn → avg_pool.
    member(0), member(1), node(0), from(0, 0), op(3), op(4),
    // c5: population [c2, c3, c4]; sample {c3, c4}, both 2/6 → c3, the first drawn; edge 2←0 → 3x3.
    member(1), member(2), node(1), from(0, 1), op(3),
    // c6: population [c3, c4, c5]; sample {c3, c3}: with replacement; edge 3←0 → 3x3.
    member(0), member(0), node(2), from(0, 2), op(3),
  ]);
  const rea = createRegularizedEvolution(0, { populationSize: 3, sampleSize: 2, random: draws.random });
  assert.deepEqual(step(rea, [3, 0, 0, 0, 0, 0]), [[[3, 0, 0, 0, 0, 0], 0]]);
  assert.deepEqual(step(rea, [3, 3, 3, 0, 0, 0]), [[[3, 0, 0, 0, 0, 0], 0], [[3, 3, 3, 0, 0, 0], 1]]);
  assert.deepEqual(step(rea, [1, 1, 1, 1, 1, 1]).map(([, born]) => born), [0, 1, 2]);
  // c0 (reward 1/6) leaves before c2 (reward 0): aging removes the oldest, not the worst.
  assert.deepEqual(step(rea, [3, 0, 0, 0, 3, 0]), [[[3, 3, 3, 0, 0, 0], 1], [[1, 1, 1, 1, 1, 1], 2], [[3, 0, 0, 0, 3, 0], 3]]);
  assert.deepEqual(step(rea, [4, 3, 3, 0, 0, 0]).map(([, born]) => born), [2, 3, 4]);
  assert.deepEqual(step(rea, [3, 3, 0, 0, 3, 0]).map(([, born]) => born), [3, 4, 5]);
  assert.deepEqual(step(rea, [3, 0, 0, 3, 3, 0]), [[[4, 3, 3, 0, 0, 0], 4], [[3, 3, 0, 0, 3, 0], 5], [[3, 0, 0, 3, 3, 0], 6]]);
  assert.equal(draws.left(), 0);
});

test('a mutation changes exactly one edge to another op: node uniform, then edge within it (1/3, 1/6, 1/6, 1/9, 1/9, 1/9)', () => {
  const random = mulberry32(11);
  const parent: Nb201Architecture = { kind: 'nb201', ops: ['none', 'skip_connect', 'nor_conv_1x1', 'nor_conv_3x3', 'avg_pool_3x3', 'none'] };
  const n = 36_000;
  const edges = [0, 0, 0, 0, 0, 0];
  const newOps = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const child = mutateCell(parent, random);
    const changed = child.ops.flatMap((o, e) => (o === parent.ops[e] ? [] : [e]));
    assert.equal(changed.length, 1);
    edges[changed[0]!]! += 1;
    const key = `${changed[0]}:${child.ops[changed[0]!]}`;
    newOps.set(key, (newOps.get(key) ?? 0) + 1);
  }
  [1 / 3, 1 / 6, 1 / 6, 1 / 9, 1 / 9, 1 / 9].forEach((p, e) => assert.ok(Math.abs(edges[e]! / n - p) < 0.01, `edge ${e}: ${edges[e]! / n} vs ${p}`));
  // Edge 0 (12,000 mutations): each of its 4 other ops about 3,000 times.
  for (const o of ['skip_connect', 'nor_conv_1x1', 'nor_conv_3x3', 'avg_pool_3x3']) {
    const count = newOps.get(`0:${o}`) ?? 0;
    assert.ok(Math.abs(count - edges[0]! / 4) < 0.1 * (edges[0]! / 4), `edge 0 → ${o}: ${count}`);
  }
});

test('with a real seed: P random cells first, then each child is one edge away from a living member; the population is the last P', () => {
  const P = 3;
  const rea = createRegularizedEvolution(7, { populationSize: P, sampleSize: 2 });
  const seen: Nb201Architecture[] = [];
  for (let q = 0; q < 40; q++) {
    const living = rea.population();
    const [arch] = rea.propose();
    if (q >= P) {
      const distances = living.map((m) => m.arch.ops.filter((o, e) => o !== arch!.ops[e]).length);
      assert.ok(distances.includes(1), `query ${q}: no member one edge away`);
    }
    rea.observe([{ arch: arch!, reward: convCountReward(arch!).reward }]);
    seen.push(arch!);
    const expected = seen.slice(-P).map((a, i) => [toCellString(a), seen.length - Math.min(P, seen.length) + i]);
    assert.deepEqual(rea.population().map((m) => [toCellString(m.arch), m.born]), expected);
  }
});

test('the same seed replays the same search; its first P cells are random search\'s first P (common random numbers)', () => {
  const run = (seed: number) => runSearch(createRegularizedEvolution(seed), convCountReward, 60).queries.map((q) => toCellString(q.arch));
  assert.deepEqual(run(5), run(5));
  assert.notDeepEqual(run(5), run(6));
  const random = runSearch(createRandomSearch(5), convCountReward, 10).queries.map((q) => toCellString(q.arch));
  assert.deepEqual(run(5).slice(0, 10), random);
});

test('finds the synthetic optimum far more often than random search at the same budget (50 seeds, 300 queries)', () => {
  const found = (make: (seed: number) => Strategy<Nb201Architecture>) =>
    Array.from({ length: 50 }, (_, i) => runSearch(make(i + 1), convCountReward, 300)).filter((run) => isAllConv3x3(run.bestSoFar.at(-1)!.arch)).length;
  const evolution = found((seed) => createRegularizedEvolution(seed));
  const random = found((seed) => createRandomSearch(seed));
  // Seeds 1..50 give 39 and 1; random search's chance per run is about 300 / 15,625 ≈ 2%.
  assert.ok(evolution >= 30 && random <= 3, `evolution found it in ${evolution}/50 runs, random search in ${random}/50`);
});

test('options are checked and propose must alternate with observe', () => {
  assert.throws(() => createRegularizedEvolution(1, { populationSize: 0 }), /populationSize/);
  assert.throws(() => createRegularizedEvolution(1, { sampleSize: 1.5 }), /sampleSize/);
  const rea = createRegularizedEvolution(1);
  const [arch] = rea.propose();
  assert.throws(() => rea.propose(), /before observe/);
  assert.throws(() => rea.observe([]), /observed 0 architectures, proposed 1/);
  rea.observe([{ arch: arch!, reward: 0.5 }]);
});
