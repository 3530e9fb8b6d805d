// A tiny RGB raster for the report's PNG images: filled rectangles, thick anti-alias-free lines,
// filled dots, and text in the 5x7 pixel font of font.ts, across or reading upwards. Deterministic to
// the byte; not a general canvas (no curves, no blending, no text at other angles).
import { GLYPH_ADVANCE, glyphRows } from './font';

export type Rgb = readonly [number, number, number];

export function hexColor(hex: string): Rgb {
  const v = Number.parseInt(hex.replace('#', ''), 16);
  return [(v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff];
}

export class Raster {
  readonly pixels: Uint8Array;

  constructor(readonly width: number, readonly height: number, background: Rgb = [255, 255, 255]) {
    this.pixels = new Uint8Array(width * height * 3);
    this.fillRect(0, 0, width, height, background);
  }

  set(x: number, y: number, [r, g, b]: Rgb): void {
    const xi = Math.round(x);
    const yi = Math.round(y);
    if (xi < 0 || yi < 0 || xi >= this.width || yi >= this.height) return;
    const i = (yi * this.width + xi) * 3;
    this.pixels[i] = r;
    this.pixels[i + 1] = g;
    this.pixels[i + 2] = b;
  }

  fillRect(x: number, y: number, w: number, h: number, color: Rgb): void {
    for (let yy = Math.round(y); yy < Math.round(y + h); yy++) {
      for (let xx = Math.round(x); xx < Math.round(x + w); xx++) this.set(xx, yy, color);
    }
  }

  /** Steps along the longer axis, stamping a square of `thickness` pixels. */
  line(x0: number, y0: number, x1: number, y1: number, color: Rgb, thickness = 1): void {
    const steps = Math.max(1, Math.ceil(Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0))));
    const half = Math.floor(thickness / 2);
    for (let s = 0; s <= steps; s++) {
      const x = Math.round(x0 + ((x1 - x0) * s) / steps);
      const y = Math.round(y0 + ((y1 - y0) * s) / steps);
      this.fillRect(x - half, y - half, thickness, thickness, color);
    }
  }

  dot(cx: number, cy: number, radius: number, color: Rgb): void {
    const r2 = radius * radius;
    for (let dy = -Math.ceil(radius); dy <= Math.ceil(radius); dy++) {
      for (let dx = -Math.ceil(radius); dx <= Math.ceil(radius); dx++) {
        if (dx * dx + dy * dy <= r2) this.set(Math.round(cx) + dx, Math.round(cy) + dy, color);
      }
    }
  }

  /**
   * Draws `text` with its first character's top-left at (x, y), every font pixel a `scale`-sided square.
   * `up` reads bottom to top, as SVG's rotate(-90): (x, y) is then the first character's bottom-left, and
   * the glyphs' tops face left.
   */
  text(x: number, y: number, text: string, color: Rgb, scale = 1, direction: 'across' | 'up' = 'across'): void {
    [...text].forEach((ch, k) => {
      glyphRows(ch).forEach((row, gy) => [...row].forEach((cell, gx) => {
        if (cell !== '#') return;
        const along = (k * GLYPH_ADVANCE + gx) * scale;
        if (direction === 'across') this.fillRect(x + along, y + gy * scale, scale, scale, color);
        else this.fillRect(x + gy * scale, y - along - scale, scale, scale, color);
      }));
    });
  }
}
