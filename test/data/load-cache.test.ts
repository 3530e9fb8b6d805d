// The per-process load cache: one load per key shared by every caller, and a failed load forgotten.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadCache } from '../../data/load-cache';

test('a key is loaded once and shared; a failed load is tried again by the next caller', async () => {
  const cache = loadCache<number>();
  let loads = 0;
  const one = () => { loads++; return Promise.resolve(42); };
  const [a, b] = await Promise.all([cache.get('k', one), cache.get('k', one)]);
  assert.deepEqual([a, b, loads], [42, 42, 1]);
  await assert.rejects(cache.get('bad', () => Promise.reject(new Error('disk gone'))), /disk gone/);
  assert.equal(await cache.get('bad', () => Promise.resolve(7)), 7);
  cache.clear();
  await cache.get('k', one);
  assert.equal(loads, 2, 'clear forgets what was loaded');
});
