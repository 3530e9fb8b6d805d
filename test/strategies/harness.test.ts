// The search loop, the NAS-Bench-201 evaluator and the per-budget summary, on scripted strategies and a
// three-row table whose numbers are worked out by hand. Not a test of any real strategy.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createNb201Table, type Nb201Row } from '../../data/nb201-table';
import { decodeNb201, toCellString, type Nb201Architecture } from '../../space/nb201';
import { nb201Evaluator, runSearch, summarize } from '../../strategies/harness';
import type { Observation, Strategy } from '../../strategies/strategy';

const cell = (k: number) => decodeNb201([k, 0, 0, 0, 0, 0]);

/** Proposes `archs` in batches of `batch`, cycling; records what it observes. */
function scriptedStrategy(archs: readonly Nb201Architecture[], batch: number): Strategy<Nb201Architecture> & { observed: Observation<Nb201Architecture>[][] } {
  let next = 0;
  const observed: Observation<Nb201Architecture>[][] = [];
  return {
    name: 'scripted',
    observed,
    propose: () => Array.from({ length: batch }, () => archs[next++ % archs.length]!),
    observe: (observations) => void observed.push([...observations]),
  };
}

test('stops at the budget mid-batch, observes only whole batches, in order, with arch and reward only', () => {
  const archs = [0, 1, 2, 3, 4, 0, 1].map(cell); // the last two repeat cells 0 and 1: they still count as queries
  const rewards = [0.2, 0.5, 0.5, 0.1, 0.7, 0.7, 0.3];
  const strategy = scriptedStrategy(archs, 3);
  let calls = 0;
  const run = runSearch(strategy, (arch) => ({ reward: rewards[calls++]!, secret: toCellString(arch) }), 7);
  assert.equal(run.queries.length, 7);
  assert.equal(calls, 7);
  assert.deepEqual(run.queries.map((q) => q.step), [0, 1, 2, 3, 4, 5, 6]);
  assert.deepEqual(strategy.observed.map((batch) => batch.map((o) => o.reward)), [[0.2, 0.5, 0.5], [0.1, 0.7, 0.7]]);
  assert.deepEqual(strategy.observed[0]!.map((o) => toCellString(o.arch)), archs.slice(0, 3).map(toCellString));
  assert.ok(strategy.observed.flat().every((o) => Object.keys(o).join() === 'arch,reward'));
  // Best so far: ties keep the earliest (query 1 over 2, query 4 over 5).
  assert.deepEqual(run.bestSoFar.map((q) => q.step), [0, 1, 1, 1, 4, 4, 4]);
});

test('a budget on a batch boundary observes the last batch; bad budgets and empty proposals are errors', () => {
  const strategy = scriptedStrategy([cell(0), cell(1)], 2);
  runSearch(strategy, () => ({ reward: 0 }), 4);
  assert.equal(strategy.observed.length, 2);
  assert.throws(() => runSearch(strategy, () => ({ reward: 0 }), 0), /budget/);
  assert.throws(() => runSearch(scriptedStrategy([], 0), () => ({ reward: 0 }), 3), /proposed no architecture/);
});

// X, Y, Z: Y has the best valid_acc_200ep; rewards by valid_acc_12ep rank Z > Y > X.
const row = (k: number, index: number, v12: number, v200: number, test: number): Nb201Row =>
  ({ index, arch: cell(k), cell: toCellString(cell(k)), params_m: 1, valid_acc_12ep: v12, valid_acc_200ep: v200, test_acc_200ep: test });
const table = createNb201Table([row(0, 0, 50, 80, 85), row(1, 1, 60, 91.6, 94), row(2, 2, 70, 85, 90)], 'three rows');
const [X, Y, Z] = [cell(0), cell(1), cell(2)];

test('nb201Evaluator: reward valid_acc_12ep / 100; test accuracy and "is the best cell" (by valid_acc_200ep, by reward) kept for reporting', () => {
  const evaluate = nb201Evaluator(table);
  assert.deepEqual(evaluate(X), { reward: 0.5, index: 0, testAccuracy: 85, isTableBest: false, isRewardBest: false });
  assert.equal(evaluate(Z).isRewardBest, true);
  assert.deepEqual(evaluate(Y), { reward: 0.6, index: 1, testAccuracy: 94, isTableBest: true, isRewardBest: false });
});

test('summarize: per budget, mean ± population std of the pick\'s test accuracy and the shares that picked the best cells', () => {
  const evaluate = nb201Evaluator(table);
  const runs = [runSearch(scriptedStrategy([X, Y, Z], 1), evaluate, 3), runSearch(scriptedStrategy([Y, X, X], 1), evaluate, 3)];
  // Picks: run 1 → X, Y, Z (85, 94, 90); run 2 → Y, Y, Y (94).
  assert.deepEqual(summarize(runs, [1, 2, 3]), [
    { budget: 1, runs: 2, mean: 89.5, std: 4.5, shareFoundBest: 0.5, shareFoundRewardBest: 0 },
    { budget: 2, runs: 2, mean: 94, std: 0, shareFoundBest: 1, shareFoundRewardBest: 0 },
    { budget: 3, runs: 2, mean: 92, std: 2, shareFoundBest: 0.5, shareFoundRewardBest: 0.5 },
  ]);
  assert.throws(() => summarize(runs, [4]), /fewer than the budget 4/);
});
