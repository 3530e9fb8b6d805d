// Tests for config/runtime.ts: temporal.yaml and env parsed into one typed runtime config.
// Pure parsing with temporary files; no server is started here (see postgres/temporal tests).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { loadRuntimeConfig, repoRoot } from '../../config/runtime';
import { InvalidConfigError } from '../../errors';

const dirs: string[] = [];
after(() => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

function yamlFile(text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nas-runtime-'));
  dirs.push(dir);
  const file = path.join(dir, 'temporal.yaml');
  fs.writeFileSync(file, text);
  return file;
}

test('the repo temporal.yaml gives the documented dev defaults', () => {
  const runtime = loadRuntimeConfig({}, path.join(repoRoot(), 'temporal.yaml'));
  assert.equal(runtime.home, path.join(repoRoot(), '.nas'));
  assert.deepEqual(runtime.temporal, {
    mode: 'dev', address: '127.0.0.1:7233', namespace: 'default', uiPort: 8233, cli: undefined,
    taskQueues: { controller: 'nas-controller', training: { cpu: 'nas-train-cpu', gpu: 'nas-train-gpu' } },
  });
  assert.deepEqual(runtime.database, { mode: 'embedded', port: 54329 });
  assert.deepEqual(runtime.training, { backend: 'cpu', concurrency: 1, taskQueue: 'nas-train-cpu' });
});

test('an empty file means every default; a relative NAS_HOME is relative to the working folder', () => {
  assert.equal(loadRuntimeConfig({}, yamlFile('')).temporal.address, '127.0.0.1:7233');
  assert.equal(loadRuntimeConfig({ NAS_HOME: 'state' }, yamlFile('')).home, path.resolve('state'));
});

test('a bad value is an InvalidConfigError naming its key', () => {
  const file = yamlFile('temporal:\n  mode: production\npostgres:\n  port: 99999\n');
  assert.throws(() => loadRuntimeConfig({}, file), (err: unknown) => {
    assert.ok(err instanceof InvalidConfigError);
    assert.match(err.message, /temporal\.mode/);
    assert.match(err.message, /postgres\.port/);
    return true;
  });
});

test('an unknown key (a typo) is rejected by name', () => {
  assert.throws(() => loadRuntimeConfig({}, yamlFile('training:\n  concurrancy: 2\n')),
    (err: unknown) => err instanceof InvalidConfigError && /concurrancy/.test(err.message));
});

test('malformed YAML and a missing named file are InvalidConfigErrors', () => {
  assert.throws(() => loadRuntimeConfig({}, yamlFile('temporal: [unclosed\n')), InvalidConfigError);
  assert.throws(() => loadRuntimeConfig({}, '/nonexistent/temporal.yaml'), /does not exist/);
});

test('DATABASE_URL wins: external Postgres, nothing to start', () => {
  const url = 'postgres://u:p@db.example:5432/nas';
  const runtime = loadRuntimeConfig({ DATABASE_URL: url }, yamlFile('postgres:\n  port: 54400\n'));
  assert.deepEqual(runtime.database, { mode: 'external', url });
});

test('TEMPORAL_ADDRESS means cluster mode; env overrides backend, queue and concurrency', () => {
  const env = { TEMPORAL_ADDRESS: 'temporal.internal:7233', NAS_BACKEND: 'gpu', NAS_TRAIN_CONCURRENCY: '4', NAS_HOME: '/data/nas' };
  const runtime = loadRuntimeConfig(env, yamlFile('temporal:\n  mode: dev\n'));
  assert.equal(runtime.temporal.mode, 'cluster');
  assert.equal(runtime.temporal.address, 'temporal.internal:7233');
  assert.deepEqual(runtime.training, { backend: 'gpu', concurrency: 4, taskQueue: 'nas-train-gpu' });
  assert.equal(runtime.home, '/data/nas');
});

test('bad env values are InvalidConfigErrors naming the variable; empty ones count as unset', () => {
  const file = yamlFile('');
  for (const [name, value] of [['NAS_BACKEND', 'tpu'], ['NAS_TRAIN_CONCURRENCY', 'two'],
    ['DATABASE_URL', 'mysql://x@y/z'], ['TEMPORAL_ADDRESS', 'no-port']]) {
    assert.throws(() => loadRuntimeConfig({ [name]: value }, file),
      (err: unknown) => err instanceof InvalidConfigError && err.message.includes(name), name);
  }
  assert.equal(loadRuntimeConfig({ DATABASE_URL: '' }, file).database.mode, 'embedded');
});
