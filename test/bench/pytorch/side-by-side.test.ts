// The side-by-side bench's own arithmetic and exchange files, without PyTorch and without training:
// its figures from made-up outcomes worked out by hand, and the data folder it hands to child.py read
// back as written, with the batch orders trainChild draws for the seed. Nothing here runs Python.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { readData, writeData } from '../../../bench/pytorch/exchange';
import type { Outcome } from '../../../bench/pytorch/job';
import { childrenPerCpuHour, childrenPerHour, imagesPerSecond, median, summaryRows } from '../../../bench/pytorch/summary';
import { mulberry32, permutation } from '../../../random/prng';

const child = (seconds: number, cpuSeconds: number, steadyImagesPerSecond: number) =>
  ({ name: `c${seconds}`, seconds, cpuSeconds, steadyImagesPerSecond, validationAccuracies: [0.5], losses: [1] });
const outcome = (...children: ReturnType<typeof child>[]): Outcome => ({ side: 'tfjs', version: 'x', children });

test('children/hour and images/s of processes at once are each process\'s own rate, summed', () => {
  const a = outcome(child(2, 1, 100), child(4, 3, 400)); // 2 children in 6 s: 1200/h; 2 / (1/100 + 1/400) = 160 images/s
  const b = outcome(child(3, 3, 50)); // 1200/h; 50 images/s
  assert.equal(childrenPerHour([a]), 1200);
  assert.equal(childrenPerHour([a, b]), 2400);
  assert.equal(imagesPerSecond([a]), 160);
  assert.equal(imagesPerSecond([a, b]), 210);
  assert.equal(childrenPerCpuHour([a, b]).toFixed(2), '1542.86'); // all 3 children over all 7 CPU s: 3600 · 3 / 7
});

test('the ratio row gives the median and range of tfjs ÷ PyTorch over rounds', () => {
  const rounds = [1, 2, 4].map((t) => ({ tfjs: [outcome(child(t, t, 100))], pytorch: [outcome(child(2, 2, 100))], load: [1] }));
  // tfjs children/hour 3600, 1800, 900 against 1800: ratios 2, 1, 0.5
  assert.match(summaryRows('x', rounds)[0]!, /^\| x \| children\/hour \| 1800 \(900–3600\) \| 1800 \(1800–1800\) \| \*\*1\.00 \(0\.50–2\.00\)\*\* \|$/);
  assert.equal(median([3, 1, 2, 10]), 2.5);
});

test('the data folder reads back as written, with trainChild\'s batch orders for the seed', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'exchange-'));
  try {
    const data = {
      train: { images: Float32Array.from({ length: 5 * 4 }, (_, i) => i / 7), labels: Int32Array.from([0, 1, 2, 1, 0]), count: 5 },
      valid: { images: Float32Array.from({ length: 2 * 4 }, (_, i) => -i), labels: Int32Array.from([2, 0]), count: 2 },
      numClasses: 3, height: 2, width: 2, channels: 1,
    };
    writeData(dir, data, 2, 7);
    assert.deepEqual(readData(dir), data);
    const bytes = fs.readFileSync(path.join(dir, 'orders.i32'));
    const orders = new Int32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    const random = mulberry32(7); // trainChild: one stream from the seed, a permutation per epoch
    assert.deepEqual([...orders], [...permutation(5, random), ...permutation(5, random)]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
