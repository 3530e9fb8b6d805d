// What bench/nb201/compare.ts prints, from made-up figures: a table is named after its own data set,
// and the paper's row and optimum appear for CIFAR-10 only (the one data set paper.ts holds), never
// CIFAR-10's beside a CIFAR-100 or ImageNet16-120 table. No search runs and no table is read.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nb201DatasetOf } from '../../../data/nb201-table';
import { plotWords, summaryMarkdown, type StrategySummary } from '../../../bench/nb201/summary';

const OUTCOMES: StrategySummary[] = [
  { name: 'random', seconds: 1.5, summaries: [{ budget: 100, runs: 4, mean: 70.125, std: 0.5, shareFoundBest: 0, shareFoundRewardBest: 0.25 }] },
  { name: 'evolution', seconds: 2, summaries: [{ budget: 100, runs: 4, mean: 71, std: 0.25, shareFoundBest: 0.5, shareFoundRewardBest: 0.75 }] },
];
const BESTS = { best: { index: 9930, test_acc_200ep: 73.4933 }, rewardBest: { index: 42 } };

const summary = (source: string) => summaryMarkdown(nb201DatasetOf(source), OUTCOMES, [100], 4, BESTS);
const words = (source: string) => plotWords(nb201DatasetOf(source), 'x.csv.gz', 4, BESTS.best);

test('a CIFAR-10 table: named CIFAR-10, with the paper row and its optimum 94.37', () => {
  const md = summary('/data/nas-bench-201/cifar10.csv.gz');
  assert.match(md, /^CIFAR-10 test accuracy \(%\) of the pick/);
  assert.match(md, /\| paper: 500 runs, 12,000 simulated s; optimum 94\.37 \| 93\.70 ± 0\.36 \| 93\.92 ± 0\.30 \|/);
  assert.match(md, /\| 100 \| 70\.13 ± 0\.50 \(0% \/ 25%\) \| 71\.00 ± 0\.25 \(50% \/ 75%\) \|/);
  const plot = words('cifar10.csv.gz');
  assert.match(plot.title, /^NAS-Bench-201 CIFAR-10 \(x\.csv\.gz\)/);
  assert.deepEqual(plot.references.map((r) => r.value), [93.85, 93.7, 93.92]);
  assert.equal(plot.optimum.value, 94.37);
});

for (const [source, name] of [['cifar100.csv.gz', 'CIFAR-100'], ['ImageNet16-120.csv', 'ImageNet16-120'], ['my-table.csv', 'my-table']]) {
  test(`${source}: named ${name}, no paper row, the table's own optimum`, () => {
    const md = summary(`/data/${source}`);
    assert.match(md, new RegExp(`^${name} test accuracy \\(%\\) of the pick`));
    assert.doesNotMatch(md, /CIFAR-10\b/);
    assert.doesNotMatch(md, /\| paper|94\.37|93\.70/);
    assert.match(md, new RegExp(`No paper values are stored for ${name}`));
    const plot = words(source);
    assert.match(plot.title, new RegExp(`^NAS-Bench-201 ${name} `));
    assert.deepEqual(plot.references, []);
    assert.deepEqual(plot.optimum, { label: 'table optimum (index 9930: 73.4933)', value: 73.4933 });
  });
}
