// Tiny data files written byte by byte for the data tests: IDX images and labels, CIFAR-10 records,
// and throwaway temp folders. Not a test file itself, and not a second implementation of the readers.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { gzipSync } from 'node:zlib';

/** A fresh folder under the OS temp dir, removed when the test file finishes. */
export async function tempFolder(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'nas-data-'));
  after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

function header(words: number[]): Buffer {
  const bytes = Buffer.alloc(4 * words.length);
  words.forEach((word, i) => bytes.writeUInt32BE(word, 4 * i));
  return bytes;
}

/** An IDX image file: magic, count, rows, cols, then `images` (each rows*cols bytes) back to back. */
export function idxImages(rows: number, cols: number, images: number[][], magic = 0x00000803): Buffer {
  return Buffer.concat([header([magic, images.length, rows, cols]), Buffer.from(images.flat())]);
}

/** An IDX label file: magic, count, then one byte per label. */
export function idxLabels(labels: number[], magic = 0x00000801): Buffer {
  return Buffer.concat([header([magic, labels.length]), Buffer.from(labels)]);
}

/** Writes `files` into `dir`; names ending in `.gz` are gzipped. */
export async function writeFiles(dir: string, files: Record<string, Buffer>): Promise<void> {
  for (const [name, bytes] of Object.entries(files)) {
    await writeFile(join(dir, name), name.endsWith('.gz') ? gzipSync(bytes) : bytes);
  }
}

/** One CIFAR-10 record: the label byte, then the R, G and B planes (32x32 row-major) from `pixel`. */
export function cifarRecord(label: number, pixel: (channel: number, y: number, x: number) => number): Buffer {
  const record = Buffer.alloc(1 + 3 * 1024);
  record[0] = label;
  for (let c = 0; c < 3; c++) {
    for (let y = 0; y < 32; y++) {
      for (let x = 0; x < 32; x++) record[1 + c * 1024 + y * 32 + x] = pixel(c, y, x);
    }
  }
  return record;
}
