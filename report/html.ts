// The report page: one self-contained HTML file (inline CSS and SVG, no script, no network) with
// the search's summary, its charts and diagrams of its best architectures. Deterministic: the
// same rows give the same bytes (no clock, no random ids).
import { type ConfigSummary, describeConfigSummary } from '../config/summary';
import type { ReportChild } from '../store/report';
import { describeArchitecture } from '../space/architecture';
import { readArchitecture, renderArchitectureSvg } from './architecture-diagram';
import type { Chart } from './chart';
import { escapeXml, renderSvgChart } from './svg-chart';

export interface ReportModel {
  searchId: string;
  status: string;
  createdAt: string;
  spaceKind: string;
  summary: ConfigSummary | null;
  children: number;
  failed: number;
  updates: number;
  /** For a cell search, next-word accuracy. */
  bestAccuracy: number | null;
  /** Set (a number or null) for a recurrent-cell search only: its children are ranked by it. */
  bestPerplexity?: number | null;
  charts: readonly Chart[];
  top: readonly ReportChild[];
}

const CSS = `body{font-family:system-ui,sans-serif;margin:24px auto;max-width:1340px;color:#222}
h1{font-size:22px}h2{font-size:17px;margin-top:28px}table{border-collapse:collapse}td,th{padding:3px 10px;text-align:left;border-bottom:1px solid #ddd}
.charts{display:flex;flex-wrap:wrap;gap:16px}.chart{border:1px solid #ddd}.arch{display:inline-block;vertical-align:top;margin:0 16px 16px 0}
code{font-size:12px;word-break:break-all}`;

export function renderReportHtml(m: ReportModel): string {
  const esc = escapeXml;
  const rows: [string, string][] = [
    ['search', m.searchId], ['status', m.status], ['created', m.createdAt],
    ['config', m.summary ? describeConfigSummary(m.summary) : m.spaceKind],
    ['children finished', `${m.children} (${m.failed} failed)`], ['controller updates', String(m.updates)],
    ...(m.bestPerplexity === undefined
      ? [['best validation accuracy', m.bestAccuracy === null ? '-' : m.bestAccuracy.toFixed(4)] as [string, string]]
      : [
        ['best validation perplexity (lower is better)', m.bestPerplexity === null ? '-' : m.bestPerplexity.toFixed(1)] as [string, string],
        ['best next-word accuracy', m.bestAccuracy === null ? '-' : m.bestAccuracy.toFixed(4)] as [string, string],
      ]),
  ];
  const score = (c: ReportChild) => (m.bestPerplexity === undefined
    ? c.bestValidationAccuracy!.toFixed(4) : `perplexity ${c.validationPerplexity?.toFixed(1) ?? '-'}`);
  const top = m.top.map((c, i) => {
    const arch = readArchitecture(c.architecture);
    const line = arch ? describeArchitecture(arch) : JSON.stringify(c.architecture);
    const title = `#${i + 1}: ${score(c)}`;
    return `<div class="arch" id="rank-${i + 1}"><h3>${esc(title)}</h3><p>iteration ${c.iteration}, child ${c.childIndex}, `
      + `${c.paramCount ?? '-'} parameters</p>${renderArchitectureSvg(c.architecture, title, `r${i + 1}`)}<p><code>${esc(line)}</code></p></div>`;
  }).join('\n');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(`NAS report: ${m.searchId}`)}</title><style>${CSS}</style></head>
<body>
<h1>${esc(`Search ${m.searchId}`)}</h1>
<table class="summary">${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('')}</table>
<h2>Curves and distributions</h2>
<div class="charts">
${m.charts.map((c) => renderSvgChart(c)).join('\n')}
</div>
<h2>Best architectures</h2>
${top || '<p>No child has finished training yet.</p>'}
</body></html>
`;
}
