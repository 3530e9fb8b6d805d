// `nas dev up|down` as real processes, in a NAS_HOME of its own with its own ports (PostgreSQL
// 54421, Temporal 7321, UI 8321), so the shared servers other tests use are never touched: up starts
// both, up again reuses them, down stops both.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { loadRuntimeConfig, repoRoot } from '../../config/runtime';
import { postgresPaths, stopDevServers, temporalPaths } from '../../dev';
import { isListening } from '../../dev/processes';

const MAIN = path.join(__dirname, '..', '..', 'cli', 'main.js');
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'nas-cli-dev-'));
fs.chmodSync(home, 0o755); // as root, postgres runs as the `postgres` user
const yaml = path.join(home, 'temporal.yaml');
fs.writeFileSync(yaml, 'temporal:\n  address: 127.0.0.1:7321\n  uiPort: 8321\npostgres:\n  port: 54421\n');
const cli = process.env.TEMPORAL_CLI ?? execFileSync('bash', [path.join(repoRoot(), 'setup', 'temporal-cli.sh')], { encoding: 'utf8' }).trim().split('\n').pop()!;
// Only this file's runtime: no DATABASE_URL / TEMPORAL_ADDRESS, which would point at someone else's servers.
const { DATABASE_URL: _db, TEMPORAL_ADDRESS: _temporal, ...inherited } = process.env;
const env = { ...inherited, NAS_HOME: home, NAS_RUNTIME_CONFIG: yaml, TEMPORAL_CLI: cli };

after(async () => {
  await stopDevServers(loadRuntimeConfig(env, yaml)); // whatever a failed assertion left running
  fs.rmSync(home, { recursive: true, force: true });
});

function nas(args: string[]) {
  const r = spawnSync(process.execPath, [MAIN, ...args], { env, encoding: 'utf8', timeout: 180_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const pids = () => [fs.readFileSync(path.join(postgresPaths(home).data, 'postmaster.pid'), 'utf8').split('\n')[0], fs.readFileSync(temporalPaths(home).pid, 'utf8')];

test('dev up starts both servers, a second up reuses them, dev down stops both', async (t) => {
  const started = Date.now();
  const up = nas(['dev', 'up']);
  t.diagnostic(`dev up from nothing: ${Date.now() - started} ms`);
  assert.equal(up.code, 0, up.err);
  assert.equal(up.out, 'PostgreSQL: postgres://nas:nas@127.0.0.1:54421/nas\nTemporal:   127.0.0.1:7321 (Web UI http://127.0.0.1:8321)\n');
  assert.equal(await isListening('127.0.0.1', 54421), true);
  assert.equal(await isListening('127.0.0.1', 7321), true);
  const before = pids();

  const again = nas(['dev', 'up']);
  assert.equal(again.code, 0, again.err);
  assert.equal(again.out, up.out);
  assert.deepEqual(pids(), before);

  const down = nas(['dev', 'down']);
  assert.equal(down.code, 0, down.err);
  assert.equal(down.out, 'dev servers of this NAS_HOME stopped\n');
  assert.equal(await isListening('127.0.0.1', 54421), false);
  assert.equal(await isListening('127.0.0.1', 7321), false);
  assert.equal(nas(['dev', 'down']).code, 0); // nothing left to stop: still fine

  const bad = nas(['dev', 'sideways']);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /unknown command "dev sideways"/);
});
