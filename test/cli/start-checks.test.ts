// `nas search start` and `run` as a user runs them (a real process, real servers): what can be known
// before starting is checked first, so a wrong data path or a space with nothing to decide exits 2
// naming the path or key, with no searches row and no workflow. Not the loaders (test/data/).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import { createTestDatabase, testServers, uniqueId, type TestDatabase } from '../support/servers';

const MAIN = path.join(__dirname, '..', '..', 'cli', 'main.js');
let db: TestDatabase;
let dir: string;
let env: NodeJS.ProcessEnv;
let client: Client;

before(async () => {
  db = await createTestDatabase('start');
  const { temporalAddress, namespace } = await testServers();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nas-start-'));
  // Own task queues: a developer's running workers never pick up what a failing check let through.
  const runtimeFile = path.join(dir, 'temporal.yaml');
  fs.writeFileSync(runtimeFile, `temporal:\n  taskQueues:\n    controller: ${uniqueId('start-ctl')}\n    training:\n      cpu: ${uniqueId('start-train')}\n      gpu: ${uniqueId('start-gpu')}\n`);
  // The CLI and this client look in the suite's namespace: a check that let a search through would show there.
  env = { ...process.env, DATABASE_URL: db.url, TEMPORAL_ADDRESS: temporalAddress, TEMPORAL_NAMESPACE: namespace, NAS_HOME: dir, NAS_RUNTIME_CONFIG: runtimeFile };
  client = new Client({ connection: await Connection.connect({ address: temporalAddress }), namespace });
});
after(async () => {
  await client?.connection.close();
  await db?.drop();
  fs.rmSync(dir, { recursive: true, force: true });
});

function nas(args: string[]) {
  const r = spawnSync(process.execPath, [MAIN, ...args], { env, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function folder(name: string, files: string[] = []): string {
  const at = path.join(dir, name);
  fs.mkdirSync(at, { recursive: true });
  for (const file of files) fs.writeFileSync(path.join(at, file), 'x');
  return at;
}

async function assertNothingStarted(id: string): Promise<void> {
  const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM searches');
  assert.equal(rows[0].n, 0, 'no searches row');
  await assert.rejects(client.workflow.getHandle(id).describe(), WorkflowNotFoundError, `no workflow ${id}`);
}

test('a data path that is missing, the wrong kind, or lacks its files: exit 2 naming it, nothing written or started', async () => {
  const file = path.join(dir, 'digits.bin');
  fs.writeFileSync(file, 'x');
  const idxTrain = ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte.gz'];
  const cases: [string[], RegExp][] = [
    [['--set', 'data.source=idx', '--set', `data.path=${path.join(dir, 'no-such-digits')}`], /data\.path .*no-such-digits does not exist \(source idx\)/],
    [['--set', 'data.source=idx', '--set', `data.path=${file}`], /data\.path .*digits\.bin is a file; source idx needs a folder/],
    [['--set', 'data.source=idx', '--set', `data.path=${folder('idx-half', idxTrain)}`], /idx-half holds no t10k-images-idx3-ubyte or t10k-images-idx3-ubyte\.gz/],
    [['--preset', 'nb201', '--set', `data.path=${folder('nb201-folder')}`], /data\.path .*nb201-folder is a folder; source nb201Table needs a file/],
    [['--set', 'data.source=cifar10', '--set', `data.path=${folder('cifar', ['data_batch_1.bin'])}`], /cifar holds no test_batch\.bin/],
    [['--preset', 'paper', '--set', 'space.kind=rnnCell', '--set', 'data.source=ptb', '--set', `data.path=${folder('ptb', ['ptb.train.txt'])}`], /ptb holds no ptb\.valid\.txt or ptb\.valid\.txt\.gz/],
    [['--preset', 'paper', '--set', 'space.kind=rnnCell', '--set', 'data.source=text', '--set', `data.path=${folder('text')}`], /text is a folder; source text needs a file/],
  ];
  for (const [flags, message] of cases) {
    for (const sub of ['start', 'run']) {
      const id = uniqueId('bad-data');
      const r = nas(['search', sub, '--id', id, ...flags]);
      assert.equal(r.code, 2, `${sub} ${flags.join(' ')}: ${r.out}${r.err}`);
      assert.match(r.err, message);
      await assertNothingStarted(id);
    }
  }
});

test('a space with nothing for the controller to decide: exit 2 naming its keys, nothing written or started', async () => {
  const id = uniqueId('one-choice');
  const r = nas(['search', 'start', '--id', id, '--set', 'space.filterHeights=[3]', '--set', 'space.filterWidths=[3]',
    '--set', 'space.filters=[8]', '--set', 'space.skips=false']);
  assert.equal(r.code, 2, r.out + r.err);
  assert.match(r.err, /nothing for the controller to decide: space\.filterHeights, space\.filterWidths, space\.filters, space\.strides have one choice each and space\.skips is false/);
  await assertNothingStarted(id);
});
