// cudaDriverFound on made-up loader caches and folders: it finds libcuda.so.1 by name in the cache, in
// LD_LIBRARY_PATH or in a default folder, and not a longer name that merely starts the same.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { cudaDriverFound } from '../../backend/cuda-driver';

test('cudaDriverFound reads the loader cache, LD_LIBRARY_PATH and the default folders', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nas-cuda-'));
  const cache = path.join(dir, 'ld.so.cache');
  const empty = path.join(dir, 'empty');
  fs.mkdirSync(empty);
  fs.writeFileSync(cache, Buffer.from('glibc-ld.so.cache1.1\0libcudart.so.12\0/usr/lib/libcudart.so.12\0libcuda.so.10\0'));
  assert.equal(cudaDriverFound(undefined, cache, [empty]), false);
  fs.writeFileSync(cache, Buffer.from('glibc-ld.so.cache1.1\0libcuda.so.1\0/usr/lib/x86_64-linux-gnu/libcuda.so.1\0'));
  assert.equal(cudaDriverFound(undefined, cache, [empty]), true);
  assert.equal(cudaDriverFound(undefined, path.join(dir, 'no-cache'), [empty]), false, 'a missing cache is no driver');
  const lib = path.join(dir, 'lib');
  fs.mkdirSync(lib);
  fs.writeFileSync(path.join(lib, 'libcuda.so.1'), '');
  assert.equal(cudaDriverFound(`${empty}::${lib}`, path.join(dir, 'no-cache'), [empty]), true);
  assert.equal(cudaDriverFound(undefined, path.join(dir, 'no-cache'), [lib]), true);
  fs.rmSync(dir, { recursive: true });
});
