// A tiny RGB raster for the report's PNG images: filled rectangles, thick anti-alias-free lines,
// filled dots, and digits in a 3x5 pixel font (axis ticks only). Deterministic to the byte; not a
// general canvas (no text beyond digits, no curves, no blending).

export type Rgb = readonly [number, number, number];

export function hexColor(hex: string): Rgb {
  const v = Number.parseInt(hex.replace('#', ''), 16);
  return [(v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff];
}

/** 3 wide × 5 tall, one string per row, for the characters tick labels use. */
const GLYPHS: Record<string, string[]> = {
  '0': ['###', '#.#', '#.#', '#.#', '###'], '1': ['.#.', '##.', '.#.', '.#.', '###'],
  '2': ['###', '..#', '###', '#..', '###'], '3': ['###', '..#', '###', '..#', '###'],
  '4': ['#.#', '#.#', '###', '..#', '..#'], '5': ['###', '#..', '###', '..#', '###'],
  '6': ['###', '#..', '###', '#.#', '###'], '7': ['###', '..#', '..#', '..#', '..#'],
  '8': ['###', '#.#', '###', '#.#', '###'], '9': ['###', '#.#', '###', '..#', '###'],
  '.': ['...', '...', '...', '...', '.#.'], '-': ['...', '...', '###', '...', '...'],
  k: ['#..', '#.#', '##.', '#.#', '#.#'], M: ['#.#', '###', '###', '#.#', '#.#'],
};

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

  /** Draws `text` with its top-left at (x, y); characters without a glyph leave a gap. */
  text(x: number, y: number, text: string, color: Rgb, scale = 2): void {
    [...text].forEach((ch, k) => {
      const glyph = GLYPHS[ch];
      glyph?.forEach((row, gy) => [...row].forEach((cell, gx) => {
        if (cell === '#') this.fillRect(x + (k * 4 + gx) * scale, y + gy * scale, scale, scale, color);
      }));
    });
  }

  static textWidth(text: string, scale = 2): number {
    return text.length * 4 * scale - scale;
  }
}
