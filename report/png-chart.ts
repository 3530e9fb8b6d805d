// The report's charts as PNG images, for readers in a terminal or a pull request: the same layout
// as the SVG (chart.ts), drawn on a Raster with grid, axes, digit tick labels and the series; titles
// and axis names are not drawn (the file name says what it is), the HTML page has them.
import { type Chart, layoutChart } from './chart';
import { encodePng } from './png';
import { hexColor, Raster } from './raster';

const GRID = hexColor('#e5e5e5');
const AXIS = hexColor('#333333');

export function renderPngChart(chart: Chart, width = 640, height = 300): Buffer {
  const { plot, x, y } = layoutChart(chart, width, height, { legend: false });
  const r = new Raster(width, height);
  for (const t of y.ticks) {
    r.line(plot.left, y(t), plot.right, y(t), GRID);
    const label = y.format(t);
    r.text(plot.left - 6 - Raster.textWidth(label), y(t) - 5, label, AXIS);
  }
  const xTicks = chart.kind === 'bars' ? [] : x.ticks;
  for (const t of xTicks) {
    r.line(x(t), plot.bottom, x(t), plot.bottom + 4, AXIS);
    const label = x.format(t);
    r.text(x(t) - Raster.textWidth(label) / 2, plot.bottom + 8, label, AXIS);
  }
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
  return encodePng(width, height, r.pixels);
}
