// The PNG encoder and the raster, checked by decoding by hand: signature, IHDR fields, every chunk's
// CRC-32 (against zlib's own crc32 when this Node has it, and a known value), and the inflated
// scanlines give back the pixels. Then a chart image: right size, not blank, same bytes twice, and the
// same words as the HTML page's SVG of that chart (title, axis names, legend), recorded as drawn.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import zlib from 'node:zlib';
import { type Chart, MARGIN, type XYChart } from '../../report/chart';
import { byFilterSize, distributionChart, rewardChart } from '../../report/data';
import { crc32, encodePng } from '../../report/png';
import { type Canvas, drawPngChart, renderPngChart } from '../../report/png-chart';
import { hexColor, Raster } from '../../report/raster';
import { renderSvgChart } from '../../report/svg-chart';
import type { ReportChild } from '../../store/report';

interface Chunk { type: string; data: Buffer; crc: number }

function chunks(png: Buffer): Chunk[] {
  const out: Chunk[] = [];
  for (let at = 8; at < png.length;) {
    const length = png.readUInt32BE(at);
    const type = png.toString('ascii', at + 4, at + 8);
    out.push({ type, data: png.subarray(at + 8, at + 8 + length), crc: png.readUInt32BE(at + 8 + length) });
    at += 12 + length;
  }
  return out;
}

/** Inflates IDAT and strips the per-row filter byte (the encoder writes filter 0 only). */
function decodeRgb(png: Buffer): { width: number; height: number; rgb: Buffer } {
  const list = chunks(png);
  const ihdr = list.find((c) => c.type === 'IHDR')!.data;
  const width = ihdr.readUInt32BE(0);
  const height = ihdr.readUInt32BE(4);
  const raw = zlib.inflateSync(Buffer.concat(list.filter((c) => c.type === 'IDAT').map((c) => c.data)));
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y++) {
    assert.equal(raw[y * (width * 3 + 1)], 0, `row ${y} filter byte`);
    rows.push(raw.subarray(y * (width * 3 + 1) + 1, (y + 1) * (width * 3 + 1)));
  }
  return { width, height, rgb: Buffer.concat(rows) };
}

test('crc32 matches the standard check value and zlib', () => {
  assert.equal(crc32(Buffer.from('123456789')), 0xcbf43926); // the CRC-32 check value
  assert.equal(crc32(Buffer.from('IEND')), 0xae426082); // every PNG ends with these four bytes
  const z = zlib as unknown as { crc32?: (b: Buffer) => number };
  if (z.crc32) assert.equal(crc32(Buffer.from('durable-nas')), z.crc32(Buffer.from('durable-nas')));
});

test('a 3x2 image: signature, IHDR, CRCs and pixels round-trip', () => {
  const rgb = Uint8Array.from([255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
  const png = encodePng(3, 2, rgb);
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const list = chunks(png);
  assert.deepEqual(list.map((c) => c.type), ['IHDR', 'IDAT', 'IEND']);
  const ihdr = list[0]!.data;
  assert.equal(ihdr.length, 13);
  assert.deepEqual([ihdr.readUInt32BE(0), ihdr.readUInt32BE(4), ihdr[8], ihdr[9], ihdr[10], ihdr[11], ihdr[12]], [3, 2, 8, 2, 0, 0, 0]);
  for (const c of list) assert.equal(c.crc, crc32(Buffer.concat([Buffer.from(c.type, 'ascii'), c.data])), `${c.type} CRC`);
  const decoded = decodeRgb(png);
  assert.deepEqual([decoded.width, decoded.height], [3, 2]);
  assert.deepEqual([...decoded.rgb], [...rgb]);
});

test('bad sizes are refused', () => {
  assert.throws(() => encodePng(0, 1, new Uint8Array(0)), RangeError);
  assert.throws(() => encodePng(2, 2, new Uint8Array(11)), /expected 12 RGB bytes/);
});

test('the raster draws lines, dots and text (across and upwards) where asked, and clips outside', () => {
  const r = new Raster(20, 10);
  const red = hexColor('#ff0000');
  r.line(0, 5, 19, 5, red);
  r.dot(10, 2, 1, hexColor('#00ff00'));
  r.set(-1, 50, red); // outside: ignored
  const at = (x: number, y: number) => [...r.pixels.subarray((y * 20 + x) * 3, (y * 20 + x) * 3 + 3)];
  assert.deepEqual(at(0, 5), [255, 0, 0]);
  assert.deepEqual(at(19, 5), [255, 0, 0]);
  assert.deepEqual(at(10, 2), [0, 255, 0]);
  assert.deepEqual(at(10, 0), [255, 255, 255]);
  const t = new Raster(12, 8);
  t.text(0, 0, '10', [0, 0, 0]);
  // "1" is ..#.. on its first row, "0" is .###. six pixels on: columns 2, 7, 8, 9 are ink.
  assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11].map((x) => t.pixels[x * 3]), [255, 255, 0, 255, 255, 255, 255, 0, 0, 0, 255, 255]);
  // Reading upwards from (0, 10): a glyph row is a column, its first pixel the bottom one.
  const up = new Raster(8, 12);
  up.text(0, 10, '1', [0, 0, 0], 1, 'up');
  const inkAt = (x: number, y: number) => up.pixels[(y * 8 + x) * 3] === 0;
  assert.ok(inkAt(0, 7), 'row 0 ..#.. : along 2 from y = 10');
  assert.deepEqual([9, 8, 7, 6, 5].map((y) => inkAt(6, y)), [false, true, true, true, false], 'row 6 .###.');
});

test('a chart image: its size, ink where the series is, identical bytes for identical data', () => {
  const chart: XYChart = {
    kind: 'xy', id: 'c', title: 't', xLabel: 'x', yLabel: 'y',
    series: [{ name: 's', color: '#1f77b4', points: [{ x: 1, y: 0.2 }, { x: 2, y: 0.5 }, { x: 3, y: 0.4 }], style: 'both' }],
  };
  const png = renderPngChart(chart, 200, 120);
  const { width, height, rgb } = decodeRgb(png);
  assert.deepEqual([width, height], [200, 120]);
  let blue = 0;
  for (let i = 0; i < rgb.length; i += 3) if (rgb[i] === 0x1f && rgb[i + 1] === 0x77 && rgb[i + 2] === 0xb4) blue++;
  assert.ok(blue > 50, `series pixels: ${blue}`);
  assert.ok(renderPngChart(chart, 200, 120).equals(png));
});

test('a chart image has ink above the plot (its title) and a legend swatch right of it', () => {
  const chart: XYChart = {
    kind: 'xy', id: 'c', title: 'Best so far', xLabel: 'child', yLabel: 'accuracy',
    series: [{ name: 'a', color: '#1f77b4', points: [{ x: 1, y: 0.2 }, { x: 2, y: 0.5 }], style: 'line' },
      { name: 'b', color: '#ff7f0e', points: [{ x: 1, y: 0.3 }, { x: 2, y: 0.4 }], style: 'line' }],
  };
  const { width, rgb } = decodeRgb(renderPngChart(chart));
  const pixel = (x: number, y: number) => [...rgb.subarray((y * width + x) * 3, (y * width + x) * 3 + 3)];
  let titleInk = 0;
  for (let y = 0; y < MARGIN.top - 8; y++) for (let x = 0; x < width; x++) if (pixel(x, y)[0]! < 128) titleInk++;
  assert.ok(titleInk > 50, `title pixels: ${titleInk}`);
  // The legend's second swatch: 14 px below the first, 12 px right of the plot (640 - 16 - 150 = 474).
  assert.deepEqual(pixel(474 + 12 + 5, MARGIN.top + 14 + 5), [0xff, 0x7f, 0x0e]);
});

interface Written { text: string; direction: string }

/** The texts drawPngChart writes, in order; lines, dots and rectangles are ignored. */
function written(chart: Chart): Written[] {
  const out: Written[] = [];
  const canvas: Canvas = { line() {}, dot() {}, fillRect() {}, text: (_x, _y, text, _c, _s, direction = 'across') => { out.push({ text, direction }); } };
  drawPngChart(chart, canvas, 640, 300);
  return out;
}

const decodeXml = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
const svgTexts = (chart: Chart) => [...renderSvgChart(chart).matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => decodeXml(m[1]!));

const row = (i: number, ops: string[]): ReportChild => ({
  id: i + 1, replica: 0, iteration: i, childIndex: 0, status: 'succeeded', numLayers: 0, reward: 0.1 * i, bestValidationAccuracy: 0.5,
  validationPerplexity: null, paramCount: 1000, trainingSeconds: 1, retrained: false, architecture: { kind: 'nb201', ops },
});

test('a PNG chart writes the words of its SVG: the title, the axis names (y reading upwards) and every legend entry, nothing else', () => {
  const rows = [row(0, ['nor_conv_3x3', 'skip_connect', 'none', 'avg_pool_3x3', 'nor_conv_1x1', 'none']), row(1, ['none', 'none', 'none', 'none', 'none', 'skip_connect'])];
  const updates = [{ replica: 0, iteration: 0, childrenCount: 2, meanReward: 0.05, maxReward: 0.1, baselineAfter: 0.01, bestRewardSoFar: 0.1 }];
  const charts: Chart[] = [rewardChart(rows, updates), distributionChart(rows, byFilterSize, { id: 'ops', title: 'Sampled operations over time', yLabel: 'edges' }, 2)];
  for (const chart of charts) {
    const texts = written(chart);
    const legend = chart.kind === 'xy' ? chart.series.map((s) => s.name) : chart.categories.map((c) => c.name);
    assert.ok(legend.length >= 3, `${chart.id}: a legend to check`);
    for (const words of [chart.title, chart.xLabel, ...legend]) assert.ok(texts.some((t) => t.text === words && t.direction === 'across'), `${chart.id}: "${words}"`);
    assert.deepEqual(texts.filter((t) => t.direction === 'up'), [{ text: chart.yLabel, direction: 'up' }]);
    const svg = svgTexts(chart);
    for (const t of texts) assert.ok(svg.includes(t.text), `${chart.id}: "${t.text}" is written in the PNG but not in the SVG`);
  }
});
