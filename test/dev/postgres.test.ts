// Tests for dev/postgres.ts against the real embedded PostgreSQL in a temporary NAS_HOME (port 54401):
// start, reuse, survive kill -9 with data kept, stop. No mocks; not a test of our SQL (see store/).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { Client } from 'pg';
import { loadRuntimeConfig, RuntimeConfig } from '../../config/runtime';
import { ensurePostgres, postgresPaths, runningServer, stopPostgres } from '../../dev/postgres';
import { DatabaseUnavailableError } from '../../errors';

const PORT = 54401;
let home: string;
let runtime: RuntimeConfig;

before(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'nas-pg-'));
  fs.chmodSync(home, 0o755); // as root the server runs as `postgres`, which must get through it
  const yaml = path.join(home, 'temporal.yaml');
  fs.writeFileSync(yaml, `postgres:\n  port: ${PORT}\n`);
  runtime = loadRuntimeConfig({ NAS_HOME: home }, yaml);
});

after(async () => {
  await stopPostgres(runtime);
  fs.rmSync(home, { recursive: true, force: true });
});

/** Runs ensurePostgres in a separate node process, which exits when it returns. */
function ensureInChildProcess(): string {
  const script = `require(${JSON.stringify(require.resolve('../../dev/postgres'))}).ensurePostgres(
    require(${JSON.stringify(require.resolve('../../config/runtime'))}).loadRuntimeConfig(process.env, process.argv[1]))
    .then((url) => console.log(url))`;
  const out = execFileSync(process.execPath, ['-e', script, path.join(home, 'temporal.yaml')],
    { env: { ...process.env, NAS_HOME: home, DATABASE_URL: '' }, encoding: 'utf8' });
  return out.trim();
}

async function query(url: string, sql: string): Promise<unknown[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

test('first start (in a process that then exits) initialises the data dir; the server outlives it', async (t) => {
  const started = Date.now();
  const url = ensureInChildProcess();
  t.diagnostic(`node start + initdb + server start: ${Date.now() - started} ms`);
  assert.equal(url, `postgres://nas:nas@127.0.0.1:${PORT}/nas`);
  assert.deepEqual(await query(url, 'SELECT 1 AS one'), [{ one: 1 }]);
  assert.ok(fs.existsSync(path.join(postgresPaths(home).data, 'PG_VERSION')));
});

test('a second ensure reuses the running server', async () => {
  const before = runningServer(postgresPaths(home).data);
  const url = await ensurePostgres(runtime);
  assert.deepEqual(runningServer(postgresPaths(home).data), before);
  assert.deepEqual(await query(url, 'SELECT 2 AS two'), [{ two: 2 }]);
});

test('after kill -9 of the postmaster it restarts with its data', async (t) => {
  const url = await ensurePostgres(runtime);
  await query(url, 'CREATE TABLE kept (n int); INSERT INTO kept VALUES (42)');
  const killed = runningServer(postgresPaths(home).data);
  assert.ok(killed);
  process.kill(killed.pid, 'SIGKILL'); // leaves postmaster.pid behind, pointing at a zombie
  const started = Date.now();
  await ensurePostgres(runtime);
  t.diagnostic(`restart after kill -9 (crash recovery): ${Date.now() - started} ms`);
  assert.notEqual(runningServer(postgresPaths(home).data)?.pid, killed.pid);
  assert.deepEqual(await query(url, 'SELECT n FROM kept'), [{ n: 42 }]);
});

test('stop, then start again from the kept data dir', async (t) => {
  assert.equal(await stopPostgres(runtime), true);
  assert.equal(runningServer(postgresPaths(home).data), undefined);
  assert.equal(await stopPostgres(runtime), false);
  const started = Date.now();
  const url = await ensurePostgres(runtime);
  t.diagnostic(`start of an initialised data dir: ${Date.now() - started} ms`);
  assert.deepEqual(await query(url, 'SELECT n FROM kept'), [{ n: 42 }]);
});

test('a postmaster.pid naming a live process that is not postgres (pid reused) is stale', async () => {
  assert.equal(await stopPostgres(runtime), true);
  const pidFile = path.join(postgresPaths(home).data, 'postmaster.pid');
  fs.writeFileSync(pidFile, `${process.pid}\n${postgresPaths(home).data}\n0\n${PORT}\n\n127.0.0.1\n0 0\nready\n`);
  const url = await ensurePostgres(runtime); // postgres alone would refuse: "lock file already exists"
  assert.deepEqual(await query(url, 'SELECT n FROM kept'), [{ n: 42 }]);
});

test('a port taken by another program fails soon, quoting the server log', async () => {
  const blocker = net.createServer().listen(PORT + 1, '127.0.0.1');
  await once(blocker, 'listening');
  const taken = loadRuntimeConfig({ NAS_HOME: home }, path.join(home, 'temporal.yaml'));
  const other = { ...taken, home: path.join(home, 'other'), database: { mode: 'embedded' as const, port: PORT + 1 } };
  try {
    await assert.rejects(ensurePostgres(other), (err: unknown) =>
      err instanceof DatabaseUnavailableError && /could not bind|Address already in use/.test(err.message));
  } finally {
    blocker.close();
  }
});

test('DATABASE_URL is returned as is and starts nothing', async () => {
  const url = 'postgres://u:p@127.0.0.1:1/none';
  const external = loadRuntimeConfig({ NAS_HOME: path.join(home, 'unused'), DATABASE_URL: url }, path.join(home, 'temporal.yaml'));
  assert.equal(await ensurePostgres(external), url);
  assert.equal(fs.existsSync(path.join(home, 'unused')), false);
});

test('as root, a NAS_HOME the postgres user cannot enter is named in the error', { skip: process.getuid?.() !== 0 }, async () => {
  const closed = fs.mkdtempSync(path.join(os.tmpdir(), 'nas-pg-closed-')); // mkdtemp makes it 0700
  try {
    const runtimeClosed = loadRuntimeConfig({ NAS_HOME: path.join(closed, 'home') }, path.join(home, 'temporal.yaml'));
    await assert.rejects(ensurePostgres(runtimeClosed), (err: unknown) =>
      err instanceof DatabaseUnavailableError && err.message.includes(closed));
  } finally {
    fs.rmSync(closed, { recursive: true, force: true });
  }
});
