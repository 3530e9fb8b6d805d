// The PNG encoder and the raster, checked by decoding by hand: signature, IHDR fields, every chunk's
// CRC-32 (against zlib's own crc32 when this Node has it, and a known value), and the inflated
// scanlines give back the pixels. Then a chart image: right size, not blank, same bytes twice.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import zlib from 'node:zlib';
import type { XYChart } from '../../report/chart';
import { crc32, encodePng } from '../../report/png';
import { renderPngChart } from '../../report/png-chart';
import { hexColor, Raster } from '../../report/raster';

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

test('the raster draws lines, dots and digits where asked, and clips outside', () => {
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
  const t = new Raster(12, 6);
  t.text(0, 0, '10', [0, 0, 0], 1);
  // "1" is .#. on its first row, "0" is ###: columns 1, 4, 5, 6 are ink.
  assert.deepEqual([0, 1, 2, 3, 4, 5, 6].map((x) => t.pixels[x * 3]), [255, 0, 255, 255, 0, 0, 0]);
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
