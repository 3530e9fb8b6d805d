// The `nas` command as a user runs it (a real process): bad input exits non-zero with one clear
// message and writes nothing; unreachable servers are named; and the README's main command runs a
// tiny search end to end against the real Temporal dev server and PostgreSQL.
import assert from 'node:assert/strict';
import { spawnSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import { createTestDatabase, testServers, uniqueId, type TestDatabase } from '../support/servers';

const MAIN = path.join(__dirname, '..', '..', 'cli', 'main.js');
let db: TestDatabase;
let dir: string;
let env: NodeJS.ProcessEnv;

before(async () => {
  db = await createTestDatabase('cli');
  const { temporalAddress, namespace } = await testServers();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nas-cli-'));
  // Own task queues, so a developer's running workers never pick up this test's work.
  const runtimeFile = path.join(dir, 'temporal.yaml');
  fs.writeFileSync(runtimeFile, `temporal:\n  taskQueues:\n    controller: ${uniqueId('cli-ctl')}\n    training:\n      cpu: ${uniqueId('cli-train')}\n      gpu: ${uniqueId('cli-gpu')}\n`);
  env = { ...process.env, DATABASE_URL: db.url, TEMPORAL_ADDRESS: temporalAddress, TEMPORAL_NAMESPACE: namespace, NAS_HOME: dir, NAS_RUNTIME_CONFIG: runtimeFile };
});
after(async () => {
  await db?.drop();
  fs.rmSync(dir, { recursive: true, force: true });
});

function nas(args: string[], extraEnv: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [MAIN, ...args], { env: { ...env, ...extraEnv }, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

async function searchRows(): Promise<number> {
  const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM searches');
  return rows[0].n;
}

test('malformed config: exit 2, the key named, nothing written', async () => {
  const bad = nas(['search', 'start', '--set', 'budget.maxChildren=-1']);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /budget\.maxChildren/);
  const file = path.join(dir, 'bad.yaml');
  fs.writeFileSync(file, 'child: [unclosed');
  const yaml = nas(['search', 'run', '--config', file]);
  assert.equal(yaml.code, 2);
  assert.match(yaml.err, /bad\.yaml is not valid YAML/);
  const missing = nas(['search', 'run', '--config', path.join(dir, 'nope.yaml')]);
  assert.equal(missing.code, 2);
  assert.match(missing.err, /config file .*nope\.yaml does not exist/);
  assert.equal(nas(['search', 'start', '--id', "x'; DROP TABLE children; --"]).code, 2);
  assert.equal(nas(['frobnicate']).code, 2);
  const unknown = nas(['search', 'status', 'no-such-search']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.err, /no search with id "no-such-search"/);
  assert.equal(await searchRows(), 0);
});

test('unknown data path: exit 2 naming the path, nothing written', async () => {
  const r = nas(['search', 'run', '--set', 'data.source=idx', '--set', `data.path=${path.join(dir, 'no-such-digits')}`]);
  assert.equal(r.code, 2);
  assert.match(r.err, /data\.path .*no-such-digits does not exist/);
  assert.equal(await searchRows(), 0);
});

test('unreachable PostgreSQL or Temporal: exit 1 naming which, nothing written', async () => {
  const pg = nas(['search', 'start'], { DATABASE_URL: 'postgres://nas:nas@127.0.0.1:9/nas' });
  assert.equal(pg.code, 1);
  assert.match(pg.err, /PostgreSQL is unavailable/);
  const temporal = nas(['search', 'start'], { TEMPORAL_ADDRESS: '127.0.0.1:9' });
  assert.equal(temporal.code, 1);
  assert.match(temporal.err, /Temporal is unavailable at 127\.0\.0\.1:9/);
  assert.equal(await searchRows(), 0);
});

test('search start, list, pause, stop: the messages reach the workflow; unknown ids are named', async () => {
  const id = uniqueId('ctl');
  const started = nas(['search', 'start', '--id', id]);
  assert.equal(started.code, 0, started.err);
  assert.equal(started.out.trim(), id);
  const client = new Client({ connection: await Connection.connect({ address: (await testServers()).temporalAddress }), namespace: env.TEMPORAL_NAMESPACE! });
  try {
    const again = nas(['search', 'start', '--id', id]);
    assert.match(again.out, new RegExp(`${id} \\(already running\\)`));
    const listed = nas(['search', 'list']);
    assert.equal(listed.code, 0, listed.err);
    assert.match(listed.out, new RegExp(`^${id}\\tRUNNING\\t`, 'm'));
    for (const action of ['pause', 'resume', 'stop']) {
      const r = nas(['search', action, id]);
      assert.equal(r.code, 0, r.err);
      assert.equal(r.out.trim(), `${action} sent to ${id}`);
    }
    const history = await client.workflow.getHandle(id).fetchHistory();
    const signals = (history.events ?? []).flatMap((e) => (e.workflowExecutionSignaledEventAttributes?.signalName ? [e.workflowExecutionSignaledEventAttributes.signalName] : []));
    assert.deepEqual(signals, ['pause', 'resume', 'stop']);
    const unknown = nas(['search', 'pause', 'no-such-search']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.err, /no search with id "no-such-search"/);
  } finally {
    // No worker polls this test's queue until the README test below starts some: end it first.
    await client.workflow.getHandle(id).terminate('test over').catch(() => undefined);
    await client.connection.close();
  }
});

test("the README's main command finishes a tiny search and prints the best architecture", async () => {
  const id = uniqueId('readme');
  const args = [MAIN, 'search', 'run', '--id', id, '--workers', '1',
    '--set', 'budget.maxChildren=4', '--set', 'budget.childrenPerIteration=2',
    '--set', 'data.trainSize=200', '--set', 'data.validSize=100', '--set', 'data.testSize=100', '--set', 'child.epochs=1'];
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { out += d; });
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  assert.equal(code, 0, out);
  assert.match(out, new RegExp(`search ${id} completed: 4 children in 2 iterations`));
  assert.match(out, /best architectures of .*\n\s+#1 0\.\d{4}/);
  const { rows } = await db.pool.query(`SELECT count(*)::int AS children, count(*) FILTER (WHERE reward IS NOT NULL)::int AS rewarded,
      (SELECT count(*)::int FROM updates WHERE search_id = $1) AS updates FROM children WHERE search_id = $1`, [id]);
  assert.deepEqual(rows[0], { children: 4, rewarded: 4, updates: 2 });

  // Export the best child, then load it in a fresh process with plain tfjs-node and measure it again.
  const exportDir = path.join(dir, 'export');
  const exported = nas(['export', id, '--out', exportDir, '--epochs', '2']);
  assert.equal(exported.code, 0, exported.err);
  assert.match(exported.out, /exported rank 1 of .* test accuracy 0\.\d{4} on 100 images after 2 epochs/);
  const saved = JSON.parse(fs.readFileSync(path.join(exportDir, 'result.json'), 'utf8'));
  const check = `
    const tf = require('@tensorflow/tfjs-node');
    const { loadDataset } = require(${JSON.stringify(path.join(__dirname, '..', '..', 'data', 'load.js'))});
    (async () => {
      const model = await tf.loadLayersModel('file://${exportDir}/model.json');
      const data = await loadDataset(tf, ${JSON.stringify(saved.data)}, ${saved.seed});
      const images = tf.tensor4d(data.test.images, [data.test.count, data.height, data.width, data.channels]);
      const predicted = model.predict(images).argMax(1).dataSync();
      let right = 0;
      predicted.forEach((p, i) => { if (p === data.test.labels[i]) right++; });
      console.log(right / data.test.count);
    })();`;
  const fresh = spawnSync(process.execPath, ['-e', check], { cwd: path.join(__dirname, '..', '..', '..'), encoding: 'utf8', env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2' } });
  assert.equal(fresh.status, 0, fresh.stderr);
  const reproduced = Number(fresh.stdout.trim().split('\n').at(-1));
  assert.ok(Math.abs(reproduced - saved.testAccuracy) <= 0.01 + 1e-9, `reloaded model: ${reproduced}, at export: ${saved.testAccuracy}`);
  assert.ok(fs.existsSync(path.join(exportDir, 'architecture.json')));
  const bad = nas(['export', id, '--out', exportDir, '--rank', '9']);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /has 4 finished children, no rank 9/);
});
