// Charts as inline SVG strings for the HTML report: axes with ticks and labels, line series as one
// <path>, point series as <circle>s, stacked bars as <rect>s. Written by hand (no chart library, no
// network); every plotted element carries a class and data-series so tests can count them.
import { type Chart, type Layout, layoutChart, legendEntries, type StackedBarsChart, type XYChart } from './chart';

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Two decimals is well below a pixel: equal data gives byte-equal SVG. */
const n = (v: number) => String(Math.round(v * 100) / 100);

export function renderSvgChart(chart: Chart, width = 640, height = 300): string {
  const layout = layoutChart(chart, width, height);
  const body = chart.kind === 'xy' ? xySeries(chart, layout) : bars(chart, layout);
  return `<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="${escapeXml(chart.id)}" data-kind="${chart.kind}" `
    + `width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeXml(chart.title)}">`
    + `<rect width="${width}" height="${height}" fill="#fff"/>`
    + `<text x="${n(width / 2)}" y="18" text-anchor="middle" font-size="14" font-weight="bold">${escapeXml(chart.title)}</text>`
    + axes(chart, layout) + body + legend(chart, layout)
    + '</svg>';
}

function axes(chart: Chart, { plot, x, y, height }: Layout): string {
  const parts: string[] = [];
  for (const t of y.ticks) {
    parts.push(`<line class="grid" x1="${plot.left}" x2="${plot.right}" y1="${n(y(t))}" y2="${n(y(t))}" stroke="#e5e5e5"/>`);
    parts.push(`<text x="${plot.left - 6}" y="${n(y(t) + 4)}" text-anchor="end" font-size="11">${escapeXml(y.format(t))}</text>`);
  }
  const xTicks = chart.kind === 'bars' && x.ticks.length > 12 ? x.ticks.filter((_, i) => i % Math.ceil(x.ticks.length / 12) === 0) : x.ticks;
  for (const t of xTicks) {
    parts.push(`<line x1="${n(x(t))}" x2="${n(x(t))}" y1="${plot.bottom}" y2="${plot.bottom + 4}" stroke="#333"/>`);
    parts.push(`<text x="${n(x(t))}" y="${plot.bottom + 16}" text-anchor="middle" font-size="11">${escapeXml(x.format(t))}</text>`);
  }
  parts.push(`<path class="axis" d="M${plot.left} ${plot.top}V${plot.bottom}H${plot.right}" fill="none" stroke="#333"/>`);
  parts.push(`<text x="${n((plot.left + plot.right) / 2)}" y="${height - 6}" text-anchor="middle" font-size="12">${escapeXml(chart.xLabel)}</text>`);
  parts.push(`<text transform="translate(14 ${n((plot.top + plot.bottom) / 2)}) rotate(-90)" text-anchor="middle" font-size="12">${escapeXml(chart.yLabel)}</text>`);
  return parts.join('');
}

function xySeries(chart: XYChart, { x, y }: Layout): string {
  return chart.series.map((s) => {
    const name = escapeXml(s.name);
    let out = '';
    if (s.style !== 'points' && s.points.length > 0) {
      const sorted = [...s.points].sort((a, b) => a.x - b.x);
      const d = sorted.map((p, i) => `${i ? 'L' : 'M'}${n(x(p.x))} ${n(y(p.y))}`).join('');
      out += `<path class="series-line" data-series="${name}" data-points="${sorted.length}" d="${d}" fill="none" stroke="${s.color}" stroke-width="2"/>`;
    }
    if (s.style !== 'line') {
      out += s.points.map((p) => `<circle class="point" data-series="${name}" cx="${n(x(p.x))}" cy="${n(y(p.y))}" r="3" fill="${s.color}" fill-opacity="0.75"/>`).join('');
    }
    return out;
  }).join('');
}

function bars(chart: StackedBarsChart, { x, y, plot }: Layout): string {
  const band = (plot.right - plot.left) / Math.max(1, chart.bins.length);
  const w = Math.max(1, band * 0.8);
  return chart.bins.map((bin, i) => {
    let base = 0;
    return chart.categories.map((c) => {
      const count = bin.counts[c.name] ?? 0;
      if (count === 0) return '';
      const top = y(base + count);
      const rect = `<rect class="bar" data-series="${escapeXml(c.name)}" data-count="${count}" x="${n(x(i) - w / 2)}" y="${n(top)}" `
        + `width="${n(w)}" height="${n(y(base) - top)}" fill="${c.color}"><title>${escapeXml(`${bin.label}: ${c.name} × ${count}`)}</title></rect>`;
      base += count;
      return rect;
    }).join('');
  }).join('');
}

function legend(chart: Chart, { plot }: Layout): string {
  return legendEntries(chart).map((item, i) => {
    const yy = plot.top + i * 14;
    return `<g class="legend"><rect x="${plot.right + 12}" y="${yy}" width="10" height="10" fill="${item.color}"/>`
      + `<text x="${plot.right + 26}" y="${yy + 9}" font-size="11">${escapeXml(item.name)}</text></g>`;
  }).join('');
}
