// Tests for config/runtime.ts: temporal.yaml and env parsed into one typed runtime config.
// Pure parsing with temporary files; no server is started here (see postgres/temporal tests).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { loadRuntimeConfig, repoRoot } from '../../config/runtime';
import { temporalConnectionOptions } from '../../config/temporal-connection';
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
    mode: 'dev', address: '127.0.0.1:7233', namespace: 'default', uiPort: 8233, cli: undefined, connectWaitSeconds: 300,
    taskQueues: { controller: 'nas-controller', training: { cpu: 'nas-train-cpu', gpu: 'nas-train-gpu' }, sharing: 'nas-sharing' },
  });
  assert.deepEqual(runtime.database, { mode: 'embedded', port: 54329, connectWaitSeconds: 300 });
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
  assert.deepEqual(runtime.database, { mode: 'external', url, connectWaitSeconds: 300 });
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
    ['DATABASE_URL', 'mysql://x@y/z'], ['TEMPORAL_ADDRESS', 'no-port'], ['NAS_CONNECT_WAIT_SECONDS', '-1']]) {
    assert.throws(() => loadRuntimeConfig({ [name]: value }, file),
      (err: unknown) => err instanceof InvalidConfigError && err.message.includes(name), name);
  }
  assert.equal(loadRuntimeConfig({ DATABASE_URL: '' }, file).database.mode, 'embedded');
});

test('connect waits: from the file per server, NAS_CONNECT_WAIT_SECONDS for both', () => {
  const file = yamlFile('temporal:\n  connectWaitSeconds: 30\npostgres:\n  connectWaitSeconds: 0\n');
  const runtime = loadRuntimeConfig({}, file);
  assert.equal(runtime.temporal.connectWaitSeconds, 30);
  assert.equal(runtime.database.connectWaitSeconds, 0);
  const both = loadRuntimeConfig({ NAS_CONNECT_WAIT_SECONDS: '5' }, file);
  assert.equal(both.temporal.connectWaitSeconds, 5);
  assert.equal(both.database.connectWaitSeconds, 5);
});

test('a dev server beyond loopback is refused (no authentication): temporal.expose is the way in', () => {
  assert.throws(() => loadRuntimeConfig({}, yamlFile('temporal:\n  address: 0.0.0.0:7233\n')),
    (err: unknown) => err instanceof InvalidConfigError && /temporal\.expose/.test(err.message));
  const runtime = loadRuntimeConfig({}, yamlFile('temporal:\n  address: 127.0.0.1:7233\n  expose: 0.0.0.0:7234\n'));
  assert.equal(runtime.temporal.expose, '0.0.0.0:7234');
  // Cluster mode connects wherever it is told.
  assert.equal(loadRuntimeConfig({ TEMPORAL_ADDRESS: '10.0.0.1:7233' }, yamlFile('')).temporal.address, '10.0.0.1:7233');
});

test('TLS and API key: file paths relative to the file, env (the temporal CLI\'s names) wins, the key only from env', () => {
  const file = yamlFile('temporal:\n  mode: cluster\n  address: ns.tmprl.cloud:7233\n  tls:\n    serverName: ns.tmprl.cloud\n    serverRootCA: certs/ca.pem\n    clientCert: certs/client.pem\n    clientKey: certs/client.key\n');
  const dir = path.dirname(file);
  assert.deepEqual(loadRuntimeConfig({}, file).temporal.tls, {
    serverName: 'ns.tmprl.cloud', serverRootCA: path.join(dir, 'certs/ca.pem'),
    clientCert: path.join(dir, 'certs/client.pem'), clientKey: path.join(dir, 'certs/client.key'),
  });
  const env = loadRuntimeConfig({ TEMPORAL_TLS_CERT: '/etc/nas/w.pem', TEMPORAL_TLS_KEY: '/etc/nas/w.key', TEMPORAL_API_KEY: 'secret' }, file);
  assert.equal(env.temporal.tls?.clientCert, '/etc/nas/w.pem');
  assert.equal(env.temporal.apiKey, 'secret');
  assert.equal(loadRuntimeConfig({}, yamlFile('')).temporal.tls, undefined);
  assert.throws(() => loadRuntimeConfig({}, yamlFile('temporal:\n  tls:\n    clientCert: a.pem\n')), /clientKey go together/);
  assert.throws(() => loadRuntimeConfig({}, yamlFile('temporal:\n  apiKey: secret\n')), /apiKey/);
});

test('an API key alone means TLS with the system CAs', () => {
  const options = temporalConnectionOptions(loadRuntimeConfig({ TEMPORAL_ADDRESS: 'ns.tmprl.cloud:7233', TEMPORAL_API_KEY: 'secret' }, yamlFile('')));
  assert.deepEqual(options, { address: 'ns.tmprl.cloud:7233', tls: true, apiKey: 'secret' });
});
