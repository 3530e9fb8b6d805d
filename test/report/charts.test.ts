// The report's pieces without a browser: chart data from rows (counts and running maxima worked out
// by hand), the SVG each chart and diagram becomes (elements counted), ticks, and a kind this build
// does not know drawn as a label instead of an error; for a recurrent-cell search, perplexity charts
// and the cell's tree diagram.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { niceTicks } from '../../report/chart';
import { renderArchitectureSvg } from '../../report/architecture-diagram';
import { bestPerplexitySoFarChart, byActivation, byCombination, perplexityParamsChart, topCells } from '../../report/cell-data';
import { accuracyParamsChart, bestSoFarChart, byDepth, byFilterSize, distributionChart, rewardChart, topChildren } from '../../report/data';
import { renderSvgChart } from '../../report/svg-chart';
import type { ReportChild } from '../../store/report';

const cnn = (layers: [number, number, number, number[]][]) => ({
  kind: 'cnn', layers: layers.map(([h, w, f, inputs]) => ({ filterHeight: h, filterWidth: w, filters: f, stride: 1, inputs })),
});

function child(i: number, accuracy: number | null, layers = 2, status: 'succeeded' | 'failed' = 'succeeded'): ReportChild {
  return {
    id: i + 1, replica: 0, iteration: Math.floor(i / 2), childIndex: i % 2, status, numLayers: layers,
    reward: accuracy === null ? 0 : accuracy ** 3, bestValidationAccuracy: accuracy, validationPerplexity: null, paramCount: accuracy === null ? 0 : 100 * (i + 1),
    trainingSeconds: 1, retrained: false, architecture: cnn(Array.from({ length: layers }, (_, l) => [l % 2 ? 3 : 1, 3, 8, l ? [l - 1] : []])),
  };
}

const children = [child(0, 0.5), child(1, 0.7), child(2, null, 2, 'failed'), child(3, 0.6, 3), child(4, 0.9, 3), child(5, 0.8, 3)];

const count = (svg: string, re: RegExp) => (svg.match(re) ?? []).length;

test('nice ticks are 1, 2 or 5 times a power of ten', () => {
  assert.deepEqual(niceTicks(0, 1, 5), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.deepEqual(niceTicks(3, 97, 5), [20, 40, 60, 80]);
  assert.deepEqual(niceTicks(2, 2), [2]);
});

test('best so far is the running maximum, failed children carry it', () => {
  const points = bestSoFarChart(children).series[0]!.points;
  assert.deepEqual(points.map((p) => p.y), [0.5, 0.7, 0.7, 0.7, 0.9, 0.9]);
  assert.deepEqual(points.map((p) => p.x), [1, 2, 3, 4, 5, 6]);
  const svg = renderSvgChart(bestSoFarChart(children));
  assert.match(svg, /class="series-line" data-series="best so far" data-points="6"/);
});

test('reward chart: a point per rewarded child, a line point per update', () => {
  const updates = [0, 1, 2].map((iteration) => ({ replica: 0, iteration, childrenCount: 2, meanReward: 0.1 * iteration, maxReward: 0.2, baselineAfter: 0.05 * iteration, bestRewardSoFar: 0.2 }));
  const chart = rewardChart(children, updates);
  assert.deepEqual(chart.series[1]!.points.map((p) => p.x), [2, 4, 6]);
  const svg = renderSvgChart(chart);
  assert.equal(count(svg, /class="point" data-series="child reward"/g), 6);
  assert.match(svg, /data-series="mean reward per update" data-points="3"/);
  assert.equal(count(svg, /class="point" data-series="mean reward per update"/g), 3);
  assert.equal(count(svg, /class="legend"/g), 3);
});

test('accuracy against parameters: succeeded children only, log x axis', () => {
  const chart = accuracyParamsChart(children);
  assert.equal(chart.series[0]!.points.length, 5);
  const svg = renderSvgChart(chart);
  assert.equal(count(svg, /class="point"/g), 5);
  assert.match(svg, />100</);
  assert.match(svg, />1000</);
});

test('distributions over bins of children: counts add up per child or per layer', () => {
  const depths = distributionChart(children, byDepth, { id: 'd', title: 'd', yLabel: 'children' }, 3);
  assert.deepEqual(depths.bins.map((b) => b.label), ['1-2', '3-4', '5-6']);
  assert.deepEqual(depths.bins.map((b) => b.counts), [{ '2 layers': 2 }, { '2 layers': 1, '3 layers': 1 }, { '3 layers': 2 }]);
  const sizes = distributionChart(children, byFilterSize, { id: 'f', title: 'f', yLabel: 'layers' }, 3);
  assert.deepEqual(sizes.categories.map((c) => c.name), ['1x3', '3x3']);
  assert.deepEqual(sizes.bins[2]!.counts, { '1x3': 4, '3x3': 2 });
  const svg = renderSvgChart(depths);
  assert.equal(count(svg, /class="bar"/g), 4);
  const total = [...svg.matchAll(/data-count="(\d+)"/g)].reduce((s, m) => s + Number(m[1]), 0);
  assert.equal(total, 6);
});

test('top children are ranked by accuracy, then id', () => {
  assert.deepEqual(topChildren(children, 3).map((c) => c.id), [5, 6, 2]);
});

test('a CNN diagram: image, one box per layer, concat, classifier; an edge per input, skip and unconsumed output', () => {
  // 0 <- image; 1 <- 0; 2 <- 0,1 (a skip from 0); 3 <- image again; unconsumed: 2, 3.
  const svg = renderArchitectureSvg(cnn([[3, 5, 36, []], [3, 3, 24, [0]], [1, 1, 8, [0, 1]], [5, 5, 8, []]]), 'x', 'k');
  assert.match(svg, /data-nodes="7" data-edges="8"/);
  assert.equal(count(svg, /class="arch-node"/g), 7);
  assert.equal(count(svg, /class="arch-edge"/g), 8);
  assert.match(svg, />0: 3x5\/36</);
  assert.match(svg, /data-from="L0" data-to="L2"/);
  assert.match(svg, /data-from="image" data-to="L3"/);
  assert.match(svg, /data-from="L3" data-to="concat"/);
  const strided = renderArchitectureSvg({ kind: 'cnn', layers: [{ filterHeight: 3, filterWidth: 5, filters: 36, stride: 2, inputs: [] }] }, 'x', 'k');
  assert.match(strided, />0: 3x5\/36 s2</);
});

test('an NB201 cell is its 4-node DAG with an operation on each of the 6 edges', () => {
  const svg = renderArchitectureSvg({ kind: 'nb201', ops: ['skip_connect', 'none', 'nor_conv_3x3', 'avg_pool_3x3', 'nor_conv_1x1', 'skip_connect'] }, 'x', 'k');
  assert.match(svg, /data-arch-kind="nb201" data-nodes="4" data-edges="6"/);
  assert.equal(count(svg, /stroke-dasharray/g), 1); // the `none` edge
});

test('an unknown or malformed architecture is a labelled box, not an error', () => {
  const svg = renderArchitectureSvg({ kind: 'rnnCell', nodes: [1, 2] }, 'x', 'k');
  assert.match(svg, /data-arch-kind="unknown" data-nodes="1" data-edges="0"/);
  assert.match(svg, /kind "rnnCell": no diagram/);
  assert.match(renderArchitectureSvg(null, 'x', 'k'), /data-arch-kind="unknown"/);
  assert.match(renderArchitectureSvg({ kind: 'cnn', layers: 'oops' }, 'x', 'k'), /data-arch-kind="unknown"/);
});

test('text from the data is escaped', () => {
  const svg = renderArchitectureSvg({ kind: '<script>' }, 'x', 'k');
  assert.doesNotMatch(svg, /<script>/);
});

test('no children yet, or one: every chart still renders, with no NaN or Infinity in it', () => {
  const one = [child(0, 0.8)];
  for (const rows of [[], one]) {
    const charts = [rewardChart(rows, []), bestSoFarChart(rows), accuracyParamsChart(rows), distributionChart(rows, byDepth, { id: 'd', title: 'd', yLabel: 'y' })];
    for (const chart of charts) assert.doesNotMatch(renderSvgChart(chart), /NaN|Infinity/, `${chart.id} with ${rows.length} children`);
  }
});

const rnnCell = (base: number, cellIndices: [number, number]) => ({
  kind: 'rnnCell', base, cellIndices, inject: { combination: 'elemMult', activation: 'sigmoid' },
  nodes: Array.from({ length: 2 * base - 1 }, (_, i) => ({ combination: i % 2 ? 'elemMult' : 'add', activation: i < base ? 'tanh' : 'relu' })),
});

function cellChild(i: number, perplexity: number | null, status: 'succeeded' | 'failed' = 'succeeded'): ReportChild {
  return {
    ...child(i, perplexity === null ? null : 0.1 + i / 100, 1, status), validationPerplexity: perplexity,
    reward: perplexity === null ? 0 : 80 / perplexity ** 2, paramCount: perplexity === null ? 0 : 10_000 * (i + 1), architecture: rnnCell(2, [2, 0]),
  };
}

const cells = [cellChild(0, 900), cellChild(1, 700), cellChild(2, null, 'failed'), cellChild(3, 800), cellChild(4, 650), cellChild(5, 650)];

test('cells: best perplexity so far is the running minimum, perplexity against parameters, ranked lowest first', () => {
  assert.deepEqual(bestPerplexitySoFarChart(cells).series[0]!.points.map((p) => p.y), [900, 700, 700, 700, 650, 650]);
  assert.match(bestPerplexitySoFarChart(cells).title, /perplexity so far \(lower is better\)/);
  const params = perplexityParamsChart(cells);
  assert.equal(params.xLog, true);
  assert.deepEqual(params.series[0]!.points.map((p) => p.y), [900, 700, 800, 650, 650]);
  assert.equal((renderSvgChart(params).match(/class="point"/g) ?? []).length, 5);
  assert.deepEqual(topCells(cells, 3).map((c) => c.id), [5, 6, 2], 'lowest perplexity, then id; accuracy plays no part');
});

test('cells: combinations and activations over time count 2·base − 1 nodes and the inject per child', () => {
  const combinations = distributionChart(cells, byCombination, { id: 'c', title: 'c', yLabel: 'nodes' }, 2);
  assert.deepEqual(combinations.bins.map((b) => b.counts), [
    { add: 6, elemMult: 3, 'inject elemMult': 3 }, { add: 6, elemMult: 3, 'inject elemMult': 3 }]);
  const activations = distributionChart(cells, byActivation, { id: 'a', title: 'a', yLabel: 'nodes' }, 1);
  assert.deepEqual(activations.bins[0]!.counts, { tanh: 12, relu: 6, 'inject sigmoid': 6 });
  assert.deepEqual(distributionChart(children, byCombination, { id: 'x', title: 'x', yLabel: 'y' }).categories, [], 'nothing to count in a CNN');
});

test('a cell diagram: 2·base − 1 tree nodes + x_t, h_{t-1}, c_{t-1}, h_t, c_t; 2·base input edges, 2·(base − 1) tree edges, 3 more', () => {
  for (const base of [2, 4, 8]) {
    const nodes = 2 * base - 1;
    const svg = renderArchitectureSvg(rnnCell(base, [nodes - 1, 1]), 'x', `c${base}`);
    assert.match(svg, new RegExp(`data-arch-kind="rnnCell" data-nodes="${nodes + 5}" data-edges="${4 * base + 1}"`));
    assert.equal(count(svg, /class="arch-node"/g), nodes + 5);
    assert.equal(count(svg, /class="arch-edge"/g), 4 * base + 1);
    assert.equal(count(svg, /data-kind="cell-node"/g), nodes);
    assert.equal(count(svg, /data-from="x" data-to="N\d+"/g), base, 'x_t into every leaf');
    assert.equal(count(svg, /data-from="h_prev" data-to="N\d+"/g), base, 'h_{t-1} into every leaf');
    assert.match(svg, new RegExp(`data-from="N${nodes - 1}" data-to="h"`), 'the root is h_t');
    assert.match(svg, /data-from="c_prev" data-to="N1"/, 'c_{t-1} enters at the inject node');
    assert.match(svg, new RegExp(`data-from="N${nodes - 1}" data-to="c"`), 'c_t from the cell-index node');
    assert.equal(count(svg, /data-marks="inject"/g), 1);
    assert.equal(count(svg, /data-marks="cell-output"/g), 1);
    for (const label of ['x_t', 'h_{t-1}', 'c_{t-1}', 'h_t', 'c_t', '0: add tanh', '1: mult tanh', 'inject mult sigmoid']) assert.ok(svg.includes(`>${label}<`), label);
    assert.doesNotMatch(svg, /NaN|undefined/);
  }
  // Inject and c_t at the same node: one node carries both marks.
  assert.match(renderArchitectureSvg(rnnCell(2, [2, 2]), 'x', 'k'), /data-marks="inject cell-output"/);
});
