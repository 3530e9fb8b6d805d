// `nas report`: reads a search from PostgreSQL and produces the report's files in memory:
// report.html (self-contained) and one PNG per chart. Writing them is write.ts's job.
import { parseSearchConfig } from '../config/parse';
import { configSummary, type ConfigSummary } from '../config/summary';
import type { Db } from '../store/db';
import { reportChildren, reportUpdates } from '../store/report';
import { getSearch } from '../store/searches';
import type { Chart } from './chart';
import { bestPerplexitySoFarChart, byActivation, byCombination, perplexityParamsChart, topCells } from './cell-data';
import { accuracyParamsChart, bestSoFarChart, byDepth, byFilterCount, byFilterSize, distributionChart, rewardChart, topChildren } from './data';
import { renderReportHtml } from './html';
import { renderPngChart } from './png-chart';

export async function buildReport(pool: Db, searchId: string, options: { top: number }): Promise<Map<string, string | Buffer>> {
  const search = await getSearch(pool, searchId); // NotFoundError naming an unknown id
  const [rows, updates] = await Promise.all([reportChildren(pool, searchId), reportUpdates(pool, searchId)]);
  // A weight-sharing search: the curves show what the controller sampled (rewarded under shared
  // weights); its answer, the best and the diagrams, are the picks retrained from scratch.
  const children = rows.filter((c) => !c.retrained);
  const retrained = rows.filter((c) => c.retrained);
  const answer = retrained.length > 0 ? retrained : children;
  let summary: ConfigSummary | null = null;
  try {
    summary = configSummary(parseSearchConfig(search.config));
  } catch {
    summary = null; // a config written by another version: the report still shows the rows
  }
  const cell = search.spaceKind === 'rnnCell';
  const all: Chart[] = cell ? [
    // Section 3.4: a cell is judged by validation perplexity (lower is better), not accuracy.
    rewardChart(children, updates),
    bestPerplexitySoFarChart(children),
    perplexityParamsChart(children),
    distributionChart(children, byCombination, { id: 'combinations', title: 'Sampled combinations over time (tree nodes and inject)', yLabel: 'nodes' }),
    distributionChart(children, byActivation, { id: 'activations', title: 'Sampled activations over time (tree nodes and inject)', yLabel: 'nodes' }),
  ] : [
    rewardChart(children, updates),
    bestSoFarChart(children),
    accuracyParamsChart(children),
    // A NAS-Bench-201 cell has no depth to sample.
    ...(search.spaceKind === 'nb201' ? [] : [distributionChart(children, byDepth, { id: 'depths', title: 'Sampled depths over time', yLabel: 'children' })]),
    distributionChart(children, byFilterSize, {
      id: 'filter-sizes', title: search.spaceKind === 'nb201' ? 'Sampled operations over time' : 'Sampled filter sizes (height x width) over time', yLabel: search.spaceKind === 'nb201' ? 'edges' : 'layers',
    }),
    ...(search.spaceKind === 'cnn' ? [distributionChart(children, byFilterCount, { id: 'filter-counts', title: 'Sampled filters per layer over time', yLabel: 'layers' })] : []),
  ];
  // A distribution with nothing to count (a space this build cannot read the layers of) is left out.
  const charts = all.filter((c) => c.kind !== 'bars' || c.categories.length > 0 || children.length === 0);
  const accuracies = answer.flatMap((c) => (c.bestValidationAccuracy === null ? [] : [c.bestValidationAccuracy]));
  const perplexities = children.flatMap((c) => (c.validationPerplexity === null ? [] : [c.validationPerplexity]));
  const html = renderReportHtml({
    searchId, status: search.status, createdAt: new Date(search.createdAt).toISOString(), spaceKind: search.spaceKind, summary,
    children: children.length, failed: children.filter((c) => c.status === 'failed').length, updates: updates.length,
    bestAccuracy: accuracies.length ? Math.max(...accuracies) : null,
    bestPerplexity: cell ? (perplexities.length ? Math.min(...perplexities) : null) : undefined,
    charts, top: cell ? topCells(children, options.top) : topChildren(answer, options.top),
  });
  const files = new Map<string, string | Buffer>([['report.html', html]]);
  for (const chart of charts) files.set(`${chart.id}.png`, renderPngChart(chart));
  return files;
}
