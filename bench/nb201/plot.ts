// A hand-written, self-contained SVG of best-so-far curves: test accuracy of the pick (mean over seeds)
// against queries, one line per strategy, reference values as labelled ticks on the right and the
// optimum as a dashed line. No plotting library and no styling beyond what reading the figure needs.

export interface Curve {
  readonly name: string;
  /** values[i]: the mean after i + 1 queries. */
  readonly values: readonly number[];
}

export interface Reference {
  readonly name: string;
  readonly label: string;
  readonly value: number;
}

export interface PlotOptions {
  readonly title: string;
  readonly xScale: 'log' | 'linear';
  /** Marked as short ticks at the right edge, coloured like the curve of the same name. */
  readonly references: readonly Reference[];
  readonly optimum: { readonly label: string; readonly value: number };
}

const WIDTH = 860;
const HEIGHT = 480;
const FRAME = { left: 64, right: 600, top: 44, bottom: 420 };
const COLORS: Readonly<Record<string, string>> = { random: '#1f77b4', evolution: '#2ca02c', reinforce: '#d62728' };
const PALETTE = ['#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf'];

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const fixed = (x: number) => x.toFixed(1);

function colorOf(name: string, names: readonly string[]): string {
  return COLORS[name] ?? PALETTE[Math.max(0, names.indexOf(name)) % PALETTE.length]!;
}

/** A step of 1, 2 or 5 times a power of ten giving at most `most` intervals over `span`. */
function niceStep(span: number, most: number): number {
  const raw = span / most;
  const power = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * power).find((step) => step >= raw)!;
}

/** Pushes label positions (pixels, ascending) apart to at least `gap`, keeping them inside [lo, hi]. */
function spread(ys: number[], gap: number, lo: number, hi: number): number[] {
  const out = ys.map((y) => Math.min(Math.max(y, lo), hi));
  for (let i = 1; i < out.length; i++) out[i] = Math.max(out[i]!, out[i - 1]! + gap);
  for (let i = out.length - 1; i >= 0; i--) out[i] = Math.min(out[i]!, i === out.length - 1 ? hi : out[i + 1]! - gap);
  return out;
}

export function bestSoFarSvg(curves: readonly Curve[], options: PlotOptions): string {
  const names = curves.map((c) => c.name);
  const queries = Math.max(...curves.map((c) => c.values.length));
  // y starts from the lowest curve after 10 queries: the first few random picks lie below and are clipped.
  const early = curves.map((c) => c.values[Math.min(9, c.values.length - 1)]!);
  const top = Math.max(options.optimum.value, ...options.references.map((r) => r.value), ...curves.map((c) => Math.max(...c.values)));
  const yStep = niceStep(top - Math.min(...early), 8);
  const yLo = Math.floor(Math.min(...early, ...options.references.map((r) => r.value)) / yStep) * yStep;
  const yHi = Math.ceil((top + yStep / 4) / yStep) * yStep;
  const log = options.xScale === 'log';
  const x = (q: number) => FRAME.left + (FRAME.right - FRAME.left) * (log ? Math.log10(q) / Math.log10(Math.max(queries, 10)) : (q - 1) / Math.max(queries - 1, 1));
  const y = (v: number) => FRAME.bottom - ((FRAME.bottom - FRAME.top) * (v - yLo)) / (yHi - yLo);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<clipPath id="frame"><rect x="${FRAME.left}" y="${FRAME.top}" width="${FRAME.right - FRAME.left}" height="${FRAME.bottom - FRAME.top}"/></clipPath>`,
    `<text x="${WIDTH / 2}" y="24" text-anchor="middle" font-size="14">${escapeXml(options.title)}</text>`,
  ];
  // Axes, grid and tick labels.
  for (let v = yLo; v <= yHi + 1e-9; v += yStep) {
    out.push(`<line x1="${FRAME.left}" x2="${FRAME.right}" y1="${fixed(y(v))}" y2="${fixed(y(v))}" stroke="#e5e5e5"/>`,
      `<text x="${FRAME.left - 6}" y="${fixed(y(v) + 4)}" text-anchor="end">${v.toFixed(yStep < 1 ? 1 : 0)}</text>`);
  }
  const xTicks = log
    ? [1, 2, 5].flatMap((m) => Array.from({ length: 7 }, (_, e) => m * 10 ** e)).filter((q) => q <= queries).sort((a, b) => a - b)
    : Array.from({ length: Math.floor(queries / niceStep(queries, 10)) + 1 }, (_, i) => Math.max(1, i * niceStep(queries, 10)));
  for (const q of xTicks) {
    out.push(`<line x1="${fixed(x(q))}" x2="${fixed(x(q))}" y1="${FRAME.top}" y2="${FRAME.bottom}" stroke="#e5e5e5"/>`,
      `<text x="${fixed(x(q))}" y="${FRAME.bottom + 16}" text-anchor="middle">${q}</text>`);
  }
  out.push(`<rect x="${FRAME.left}" y="${FRAME.top}" width="${FRAME.right - FRAME.left}" height="${FRAME.bottom - FRAME.top}" fill="none" stroke="#333"/>`,
    `<text x="${(FRAME.left + FRAME.right) / 2}" y="${FRAME.bottom + 36}" text-anchor="middle">queries (architectures evaluated, ${log ? 'log' : 'linear'} scale)</text>`,
    `<text transform="translate(18 ${(FRAME.top + FRAME.bottom) / 2}) rotate(-90)" text-anchor="middle">test accuracy of the pick (%)</text>`);
  // The optimum, then one line per strategy.
  out.push(`<line x1="${FRAME.left}" x2="${FRAME.right}" y1="${fixed(y(options.optimum.value))}" y2="${fixed(y(options.optimum.value))}" stroke="#000" stroke-dasharray="6 4"/>`,
    `<text x="${FRAME.left + 6}" y="${fixed(y(options.optimum.value) - 5)}">${escapeXml(options.optimum.label)}</text>`);
  for (const curve of curves) {
    const points = curve.values.map((v, i) => `${fixed(x(i + 1))},${fixed(y(v))}`).join(' ');
    out.push(`<polyline clip-path="url(#frame)" fill="none" stroke="${colorOf(curve.name, names)}" stroke-width="2" points="${points}"/>`);
  }
  // References: a tick on the right edge at the value, the label beside it (moved apart when close, with a leader).
  const refs = [...options.references].sort((a, b) => b.value - a.value);
  const labelYs = spread(refs.map((r) => y(r.value)), 15, FRAME.top + 4, FRAME.bottom - 4);
  refs.forEach((r, i) => {
    const color = colorOf(r.name, names);
    out.push(`<line x1="${FRAME.right - 14}" x2="${FRAME.right + 8}" y1="${fixed(y(r.value))}" y2="${fixed(y(r.value))}" stroke="${color}" stroke-width="3"/>`,
      `<line x1="${FRAME.right + 8}" x2="${FRAME.right + 22}" y1="${fixed(y(r.value))}" y2="${fixed(labelYs[i]!)}" stroke="${color}"/>`,
      `<text x="${FRAME.right + 26}" y="${fixed(labelYs[i]! + 4)}" fill="${color}">${escapeXml(r.label)}</text>`);
  });
  // Legend, bottom right inside the frame where the rising curves leave room.
  curves.forEach((curve, i) => {
    const ly = FRAME.bottom - 14 - 18 * (curves.length - 1 - i);
    out.push(`<line x1="${FRAME.right - 150}" x2="${FRAME.right - 124}" y1="${ly}" y2="${ly}" stroke="${colorOf(curve.name, names)}" stroke-width="2"/>`,
      `<text x="${FRAME.right - 118}" y="${ly + 4}">${escapeXml(curve.name)}</text>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
