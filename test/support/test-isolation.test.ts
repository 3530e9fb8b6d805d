// The suite's servers are its own (test-runtime.ts, servers.ts): another home, other ports and another
// Temporal namespace than the runtime of `npm run search`, and a server on the test port that the
// suite did not start is reported, never used. Runs against the suite's real servers.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { after, test } from 'node:test';
import { loadRuntimeConfig } from '../../config/runtime';
import { postgresPaths, runningServer } from '../../dev/postgres';
import { isListening } from '../../dev/processes';
import { temporalPaths } from '../../dev/temporal';
import { testServers } from './servers';

const dirs: string[] = [];
after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** node --test marks its children with NODE_TEST_CONTEXT; a plain `node -e` child must not inherit it. */
const withoutTestContext = () => Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NODE_TEST_CONTEXT'));
const port = (address: string) => Number(address.slice(address.lastIndexOf(':') + 1));

test('the suite runs on its own home, ports and namespace; the user\'s ports stay as they were', { skip: process.env.NAS_TEST_TEMPORAL_ADDRESS || process.env.NAS_TEST_DATABASE_URL ? 'given servers (NAS_TEST_*) are used as they are' : undefined }, async () => {
  const user = loadRuntimeConfig();
  if (user.database.mode !== 'embedded' || user.temporal.mode !== 'dev') return;
  const before = await Promise.all([isListening('127.0.0.1', port(user.temporal.address)), isListening('127.0.0.1', user.database.port)]);
  const servers = await testServers();
  const { runtime } = servers;
  assert.notEqual(runtime.home, user.home);
  assert.equal(runtime.home, path.join(user.home, 'test'));
  assert.notEqual(port(servers.temporalAddress), port(user.temporal.address));
  assert.notEqual(runtime.temporal.uiPort, user.temporal.uiPort);
  assert.notEqual(new URL(servers.adminUrl).port, String(user.database.port));
  assert.equal(servers.namespace, 'nas-test');
  assert.notEqual(servers.namespace, user.temporal.namespace);
  // The servers answering are the ones of the test home.
  assert.ok(fs.existsSync(temporalPaths(runtime.home).pid));
  assert.equal(runningServer(postgresPaths(runtime.home).data)?.port, Number(new URL(servers.adminUrl).port));
  const afterwards = await Promise.all([isListening('127.0.0.1', port(user.temporal.address)), isListening('127.0.0.1', user.database.port)]);
  assert.deepEqual(afterwards, before, 'the user\'s ports are as they were');
});

test('a server on the test Temporal port that the suite did not start is refused, not adopted', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nas-isolation-'));
  dirs.push(dir);
  const yaml = path.join(dir, 'temporal.yaml');
  fs.writeFileSync(yaml, 'temporal:\n  address: 127.0.0.1:7438\n  uiPort: 8438\n'); // the suite's: 7439
  const foreign = net.createServer().listen(7439, '127.0.0.1'); // another checkout's server, say
  await once(foreign, 'listening');
  try {
    const script = `require(${JSON.stringify(require.resolve('./servers'))}).testServers()
      .then((s) => { console.log(s.temporalAddress); process.exit(0); }, (e) => { console.error(e.message); process.exit(1); })`;
    const r = spawnSync(process.execPath, ['-e', script], {
      env: { ...withoutTestContext(), NAS_HOME: path.join(dir, 'home'), NAS_RUNTIME_CONFIG: yaml, NAS_TEST_DATABASE_URL: 'postgres://unused@127.0.0.1:9/unused', NAS_TEST_TEMPORAL_ADDRESS: '' },
      encoding: 'utf8', timeout: 90_000,
    });
    assert.equal(r.status, 1, `${r.stdout}${r.stderr}`);
    assert.match(r.stderr, /something listens on 127\.0\.0\.1:7439 that is not the dev server of .*nas-isolation-.*\/home\/test/);
  } finally {
    foreign.close();
  }
});
