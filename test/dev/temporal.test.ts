// Tests for dev/temporal.ts against the real `temporal server start-dev` in a temporary NAS_HOME
// (port 7436, UI 8436): start, connect, search attributes, a workflow kept across a restart, and how
// many partitions a task queue gets (one for a state file it created, the server's default for an older one).
// No worker runs here: the probe workflow sits on a task queue nobody polls.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import { loadRuntimeConfig, repoRoot, RuntimeConfig } from '../../config/runtime';
import { isListening } from '../../dev/processes';
import { ensureTemporal, NAS_SEARCH_ATTRIBUTES, stopTemporal, temporalPaths } from '../../dev/temporal';

const PORT = 7436;
let home: string;
let runtime: RuntimeConfig;

before(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'nas-temporal-'));
  const yaml = path.join(home, 'temporal.yaml');
  fs.writeFileSync(yaml, `temporal:\n  address: 127.0.0.1:${PORT}\n  uiPort: ${PORT + 1000}\n`);
  // The same resolution `bash setup/install.sh` does; it prints the CLI's path last.
  const cli = execFileSync('bash', [path.join(repoRoot(), 'setup', 'temporal-cli.sh')], { encoding: 'utf8' });
  runtime = loadRuntimeConfig({ NAS_HOME: home, TEMPORAL_CLI: cli.trim().split('\n').pop() }, yaml);
});

after(async () => {
  await stopTemporal(runtime);
  fs.rmSync(home, { recursive: true, force: true });
});

async function withClient<T>(use: (client: Client, connection: Connection) => Promise<T>): Promise<T> {
  const connection = await Connection.connect({ address: runtime.temporal.address });
  try {
    return await use(new Client({ connection, namespace: runtime.temporal.namespace }), connection);
  } finally {
    await connection.close();
  }
}

/** How many partitions the server keeps for a task queue's workflow and activity tasks. */
async function partitions(taskQueue: string): Promise<{ workflow: number; activity: number }> {
  return withClient(async (_client, connection) => {
    const listed = await connection.workflowService.listTaskQueuePartitions({ namespace: runtime.temporal.namespace, taskQueue: { name: taskQueue } });
    return { workflow: listed.workflowTaskQueuePartitions?.length ?? 0, activity: listed.activityTaskQueuePartitions?.length ?? 0 };
  });
}

test('starts the dev server detached, with its pid file, namespace and search attributes', async (t) => {
  const started = Date.now();
  assert.equal(await ensureTemporal(runtime), `127.0.0.1:${PORT}`);
  t.diagnostic(`dev server start until the namespace answers: ${Date.now() - started} ms`);
  assert.ok(fs.existsSync(temporalPaths(home).pid));
  await withClient(async (_client, connection) => {
    const { namespaces } = await connection.workflowService.listNamespaces({});
    assert.ok(namespaces.some((n) => n.namespaceInfo?.name === 'default'));
    const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace: 'default' });
    for (const name of Object.keys(NAS_SEARCH_ATTRIBUTES)) assert.ok(name in customAttributes, name);
  });
});

test('a second ensure reuses the server that listens', async () => {
  const pid = fs.readFileSync(temporalPaths(home).pid, 'utf8');
  await ensureTemporal(runtime);
  assert.equal(fs.readFileSync(temporalPaths(home).pid, 'utf8'), pid);
});

test('a workflow started before a restart is still there after it (sqlite state kept)', async (t) => {
  const workflowId = `nas-dev-probe-${process.pid}`;
  await withClient((client) => client.workflow.start('nasDevProbe', {
    workflowId, taskQueue: 'nas-dev-test-unpolled', args: [],
  }));
  assert.equal(await stopTemporal(runtime), true);
  assert.equal(await isListening('127.0.0.1', PORT), false);
  const started = Date.now();
  await ensureTemporal(runtime);
  t.diagnostic(`restart of the dev server: ${Date.now() - started} ms`);
  const description = await withClient((client) => client.workflow.getHandle(workflowId).describe());
  assert.equal(description.status.name, 'RUNNING');
  assert.equal(description.type, 'nasDevProbe');
});

test('a state file it created has one partition per task queue; an older one keeps the server default', async () => {
  assert.ok(fs.existsSync(temporalPaths(home).singlePartition));
  assert.deepEqual(await partitions('nas-dev-test-unpolled'), { workflow: 1, activity: 1 });
  // A state file from before the marker: its tasks may sit in partitions 1..n, so it keeps n.
  await stopTemporal(runtime);
  fs.rmSync(temporalPaths(home).singlePartition);
  await ensureTemporal(runtime);
  const older = await partitions('nas-dev-test-unpolled');
  assert.ok(older.workflow > 1 && older.activity > 1, JSON.stringify(older));
  assert.equal(fs.existsSync(temporalPaths(home).singlePartition), false);
  const description = await withClient((client) => client.workflow.getHandle(`nas-dev-probe-${process.pid}`).describe());
  assert.equal(description.status.name, 'RUNNING');
});

test('a dev server that cannot start (its UI port taken) fails soon with its log', async () => {
  const blocker = net.createServer().listen(PORT + 1001, '127.0.0.1');
  await once(blocker, 'listening');
  const yaml = path.join(home, 'blocked.yaml');
  fs.writeFileSync(yaml, `temporal:\n  address: 127.0.0.1:${PORT + 1}\n  uiPort: ${PORT + 1001}\n`);
  const blocked = loadRuntimeConfig({ NAS_HOME: path.join(home, 'blocked'), TEMPORAL_CLI: runtime.temporal.cli }, yaml);
  try {
    await assert.rejects(ensureTemporal(blocked), /dev server exited[\s\S]*address already in use/);
  } finally {
    blocker.close();
    await stopTemporal(blocked);
  }
});

test('cluster mode only connects: it starts nothing where nothing listens', async () => {
  const cluster = loadRuntimeConfig({ NAS_HOME: path.join(home, 'cluster'), TEMPORAL_ADDRESS: '127.0.0.1:7439' },
    path.join(home, 'temporal.yaml'));
  await assert.rejects(ensureTemporal(cluster, 1500), /timed out/);
  assert.equal(fs.existsSync(path.join(home, 'cluster')), false);
  assert.equal(await isListening('127.0.0.1', 7439), false);
});
