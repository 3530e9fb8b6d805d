// The report's charts as PNG images, for readers in a terminal or a pull request: the same layout
// and the same words as the SVG of the HTML page (chart.ts gives both): title, axis names, legend,
// grid, ticks and the series, drawn on a Raster. Not a second chart model: every string comes from the Chart.
import { type Chart, legendEntries, layoutChart } from './chart';
import { GLYPH_HEIGHT, textWidth } from './font';
import { encodePng } from './png';
import { hexColor, Raster } from './raster';

/** What drawPngChart needs of a surface: a Raster paints pixels, a test may record the calls instead. */
export type Canvas = Pick<Raster, 'line' | 'dot' | 'fillRect' | 'text'>;

const GRID = hexColor('#e5e5e5');
const AXIS = hexColor('#333333');
const TEXT = hexColor('#222222');
/** Height of a capital at scale 1: the font's rows above the baseline. */
const CAP = GLYPH_HEIGHT - 1;

export function renderPngChart(chart: Chart, width = 640, height = 300): Buffer {
  const r = new Raster(width, height);
  drawPngChart(chart, r, width, height);
  return encodePng(width, height, r.pixels);
}

/** Draws `chart` where the SVG would (svg-chart.ts): the title centred on top, axis names below and left, the legend right. */
export function drawPngChart(chart: Chart, r: Canvas, width: number, height: number): void {
  const { plot, x, y } = layoutChart(chart, width, height);
  // Twice the size when it fits across the image, as the SVG's title is larger than its labels.
  const titleScale = textWidth(chart.title, 2) <= width - 8 ? 2 : 1;
  r.text((width - textWidth(chart.title, titleScale)) / 2, 18 - CAP * titleScale, chart.title, TEXT, titleScale);
  for (const t of y.ticks) {
    r.line(plot.left, y(t), plot.right, y(t), GRID);
    const label = y.format(t);
    r.text(plot.left - 6 - textWidth(label), y(t) - CAP / 2, label, AXIS);
  }
  const xTicks = chart.kind === 'bars' ? [] : x.ticks;
  for (const t of xTicks) {
    r.line(x(t), plot.bottom, x(t), plot.bottom + 4, AXIS);
    const label = x.format(t);
    r.text(x(t) - textWidth(label) / 2, plot.bottom + 8, label, AXIS);
  }
  r.text((plot.left + plot.right - textWidth(chart.xLabel)) / 2, height - 6 - CAP, chart.xLabel, TEXT);
  r.text(14 - CAP, (plot.top + plot.bottom + textWidth(chart.yLabel)) / 2, chart.yLabel, TEXT, 1, 'up');
  if (chart.kind === 'xy') {
    for (const s of chart.series) {
      const color = hexColor(s.color);
      const sorted = [...s.points].sort((a, b) => a.x - b.x);
      if (s.style !== 'points') {
        for (let i = 1; i < sorted.length; i++) r.line(x(sorted[i - 1]!.x), y(sorted[i - 1]!.y), x(sorted[i]!.x), y(sorted[i]!.y), color, 2);
      }
      if (s.style !== 'line') for (const p of s.points) r.dot(x(p.x), y(p.y), 2.5, color);
    }
  } else {
    const band = (plot.right - plot.left) / Math.max(1, chart.bins.length);
    chart.bins.forEach((bin, i) => {
      let base = 0;
      for (const c of chart.categories) {
        const count = bin.counts[c.name] ?? 0;
        if (count === 0) continue;
        r.fillRect(x(i) - band * 0.4, y(base + count), band * 0.8, y(base) - y(base + count), hexColor(c.color));
        base += count;
      }
    });
  }
  r.line(plot.left, plot.top, plot.left, plot.bottom, AXIS);
  r.line(plot.left, plot.bottom, plot.right, plot.bottom, AXIS);
  legendEntries(chart).forEach((item, i) => {
    const top = plot.top + i * 14;
    r.fillRect(plot.right + 12, top, 10, 10, hexColor(item.color));
    r.text(plot.right + 26, top + 5 - CAP / 2, item.name, TEXT);
  });
}
