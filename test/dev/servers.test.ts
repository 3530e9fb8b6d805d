// Tests for dev/index.ts: ensureDevServers brings up both servers in a temporary NAS_HOME (pg 54436,
// Temporal 7435) and stopDevServers takes both down. The servers' own behaviour is tested beside it.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { Client } from 'pg';
import { loadRuntimeConfig, repoRoot } from '../../config/runtime';
import { ensureDevServers, stopDevServers } from '../../dev';
import { isListening } from '../../dev/processes';

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'nas-servers-'));
fs.chmodSync(home, 0o755); // as root, postgres runs as the `postgres` user
const yaml = path.join(home, 'temporal.yaml');
fs.writeFileSync(yaml, 'temporal:\n  address: 127.0.0.1:7435\n  uiPort: 8435\npostgres:\n  port: 54436\n');
const cli = execFileSync('bash', [path.join(repoRoot(), 'setup', 'temporal-cli.sh')], { encoding: 'utf8' });
const runtime = loadRuntimeConfig({ NAS_HOME: home, TEMPORAL_CLI: cli.trim().split('\n').pop() }, yaml);

after(async () => {
  await stopDevServers(runtime);
  fs.rmSync(home, { recursive: true, force: true });
});

test('ensureDevServers starts both; stopDevServers stops both', async () => {
  const servers = await ensureDevServers(runtime);
  assert.deepEqual(servers, { databaseUrl: 'postgres://nas:nas@127.0.0.1:54436/nas', temporalAddress: '127.0.0.1:7435' });
  const client = new Client({ connectionString: servers.databaseUrl });
  await client.connect();
  await client.end();
  await stopDevServers(runtime);
  assert.equal(await isListening('127.0.0.1', 54436), false);
  assert.equal(await isListening('127.0.0.1', 7435), false);
});
