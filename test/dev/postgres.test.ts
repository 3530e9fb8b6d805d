// Tests for dev/postgres.ts against the real embedded PostgreSQL in a temporary NAS_HOME (port 54434):
// start, reuse, survive kill -9 with data kept, stop, and the generated password once it listens beyond
// loopback (port 54437). No mocks; not a test of our SQL (see store/).
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { Client } from 'pg';
import { loadRuntimeConfig, RuntimeConfig } from '../../config/runtime';
import { ensurePostgres, postgresPaths, postgresUrl, runningServer, stopPostgres } from '../../dev/postgres';
import { passwordFile } from '../../dev/postgres-password';
import { DatabaseUnavailableError } from '../../errors';

const PORT = 54434;
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
  const blocker = net.createServer().listen(PORT + 1, '127.0.0.1'); // 54435
  await once(blocker, 'listening');
  const taken = loadRuntimeConfig({ NAS_HOME: home }, path.join(home, 'temporal.yaml'));
  const other = { ...taken, home: path.join(home, 'other'), database: { mode: 'embedded' as const, port: PORT + 1, connectWaitSeconds: 0 } };
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

/** This host's first non-loopback IPv4 address: "another host" can reach the server there. */
const hostAddress = Object.values(os.networkInterfaces()).flat().find((i) => i && i.family === 'IPv4' && !i.internal)?.address;

test('beyond loopback: a generated 0600 password replaces nas/nas (existing data folder migrated), printed with the URL', { skip: hostAddress ? undefined : 'no non-loopback IPv4 address' }, async () => {
  const remoteHome = path.join(home, 'remote');
  fs.mkdirSync(remoteHome);
  const loopbackYaml = path.join(home, 'remote-loopback.yaml');
  const remoteYaml = path.join(home, 'remote-listen.yaml');
  fs.writeFileSync(loopbackYaml, 'postgres:\n  port: 54437\n');
  fs.writeFileSync(remoteYaml, `postgres:\n  port: 54437\n  listen: 127.0.0.1,${hostAddress}\n`);
  const loopback = loadRuntimeConfig({ NAS_HOME: remoteHome }, loopbackYaml);
  const remote = loadRuntimeConfig({ NAS_HOME: remoteHome }, remoteYaml);
  try {
    // A data folder made by a loopback-only start has the development password, as before.
    assert.equal(await ensurePostgres(loopback), 'postgres://nas:nas@127.0.0.1:54437/nas');
    assert.equal(fs.existsSync(passwordFile(remoteHome)), false);
    await stopPostgres(loopback);

    // Its first start beyond loopback (another process, whose stderr the operator reads).
    const script = `require(${JSON.stringify(require.resolve('../../dev/postgres'))}).ensurePostgres(
      require(${JSON.stringify(require.resolve('../../config/runtime'))}).loadRuntimeConfig(process.env, process.argv[1])).then((url) => console.log(url))`;
    const r = spawnSync(process.execPath, ['-e', script, remoteYaml], { env: { ...process.env, NAS_HOME: remoteHome, DATABASE_URL: '' }, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const password = fs.readFileSync(passwordFile(remoteHome), 'utf8').trim();
    assert.ok(password.length >= 32 && password !== 'nas');
    assert.equal(fs.statSync(passwordFile(remoteHome)).mode & 0o777, 0o600);
    assert.equal(r.stdout.trim(), `postgres://nas:${password}@127.0.0.1:54437/nas`);
    assert.ok(r.stderr.includes(passwordFile(remoteHome)), r.stderr);
    assert.ok(r.stderr.includes(`DATABASE_URL=postgres://nas:${password}@${hostAddress}:54437/nas`), r.stderr);

    // From the host's address: the generated password gets in, the old one does not (nor on loopback).
    assert.deepEqual(await query(`postgres://nas:${password}@${hostAddress}:54437/nas`, 'SELECT 1 AS one'), [{ one: 1 }]);
    for (const host of [hostAddress, '127.0.0.1']) {
      await assert.rejects(query(`postgres://nas:nas@${host}:54437/nas`, 'SELECT 1'), /password authentication failed/);
    }

    // Back to loopback only: the stored password stays the one used.
    await stopPostgres(remote);
    const url = await ensurePostgres(loopback);
    assert.equal(url, postgresUrl(remoteHome, 54437));
    assert.ok(url.includes(password));
    assert.deepEqual(await query(url, 'SELECT 2 AS two'), [{ two: 2 }]);
    await assert.rejects(query(`postgres://nas:nas@${hostAddress}:54437/nas`, 'SELECT 1'), /ECONNREFUSED/);
  } finally {
    await stopPostgres(loopback);
  }
});
