// The operator's commands as real processes against the real Temporal dev server and PostgreSQL:
// --help everywhere, bad flags and unknown ids (exit 2, nothing written), `nas worker --queue` workers
// serving a search started with `nas search start --config --follow`, status / best / report on it,
// its memo, and the Web UI's list API finding it by a search attribute while it runs.
import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import { repoRoot } from '../../config/runtime';
import { pauseSignal, progressQuery } from '../../workflows/messages';
import { createTestDatabase, testServers, uniqueId, type TestDatabase } from '../support/servers';
import { eventually } from '../support/eventually';
import { tinySearchConfig } from '../support/tiny-search';

const MAIN = path.join(__dirname, '..', '..', 'cli', 'main.js');
let db: TestDatabase;
let dir: string;
let env: NodeJS.ProcessEnv;
let queues: { controller: string; training: string };
const workers: ChildProcess[] = [];

before(async () => {
  db = await createTestDatabase('ops');
  const { temporalAddress, namespace } = await testServers();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nas-ops-'));
  queues = { controller: uniqueId('ops-ctl'), training: uniqueId('ops-train') };
  const runtimeFile = path.join(dir, 'temporal.yaml');
  fs.writeFileSync(runtimeFile, `temporal:\n  taskQueues:\n    controller: ${queues.controller}\n    training:\n      cpu: ${queues.training}\n      gpu: ${uniqueId('ops-gpu')}\n`);
  env = { ...process.env, DATABASE_URL: db.url, TEMPORAL_ADDRESS: temporalAddress, TEMPORAL_NAMESPACE: namespace, NAS_HOME: dir, NAS_RUNTIME_CONFIG: runtimeFile };
});
after(async () => {
  for (const w of workers) if (w.exitCode === null && w.signalCode === null) w.kill('SIGTERM');
  await Promise.all(workers.map((w) => (w.exitCode === null && w.signalCode === null ? new Promise((resolve) => w.once('exit', resolve)) : undefined)));
  await db?.drop();
  fs.rmSync(dir, { recursive: true, force: true });
});

function nas(args: string[], extraEnv: NodeJS.ProcessEnv = {}, timeout = 60_000) {
  const r = spawnSync(process.execPath, [MAIN, ...args], { env: { ...env, ...extraEnv }, encoding: 'utf8', timeout });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** A `nas worker --queue NAME` process; resolves once it says it polls. */
async function startWorker(queue: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [MAIN, 'worker', '--queue', queue], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  workers.push(child);
  let output = '';
  child.stdout!.on('data', (d) => { output += d; });
  child.stderr!.on('data', (d) => { output += d; });
  const deadline = Date.now() + 60_000;
  while (!output.includes('worker polling')) {
    if (child.exitCode !== null) throw new Error(`worker for ${queue} exited:\n${output}`);
    if (Date.now() > deadline) throw new Error(`worker for ${queue} did not poll:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return child;
}

test('--help everywhere: exit 0 with the command\'s usage; no command: exit 2 with all of it', () => {
  for (const command of ['search', 'best', 'export', 'report', 'worker', 'migrate', 'dev']) {
    const r = nas([command, '--help']);
    assert.equal(r.code, 0, `${command}: ${r.err}`);
    assert.match(r.out, new RegExp(`^usage:\\n\\s+nas ${command}`), command);
  }
  assert.match(nas(['search', 'start', '--help']).out, /--follow/);
  const bare = nas([]);
  assert.equal(bare.code, 2);
  assert.match(bare.out, /nas report ID --out DIR/);
});

test('bad flags: exit 2 naming the flag, before anything runs', () => {
  const cases: [string[], RegExp][] = [
    [['best', 'x', '--top', '0'], /best: --top must be a positive whole number/],
    [['best', 'x', '--bogus', '1'], /best: unknown flag --bogus/],
    [['report', 'x'], /report: --out is required/],
    [['report', 'x', '--out', dir, '--top', 'many'], /report: --top must be a positive whole number/],
    [['export', 'x', '--rank', '1'], /export: --out is required/],
    [['search', 'list', '--limit', '-3'], /search list: --limit must be a positive whole number/],
    [['search', 'status', 'x', '--verbose', 'yes'], /search status: unknown flag --verbose/],
    [['search', 'pause', 'x', '--now', '1'], /search pause\|resume\|stop: unknown flag --now/],
    [['search', 'start', '--workers', '2'], /search start: unknown flag --workers/],
    [['migrate', '--force', '1'], /migrate: unknown flag --force/],
    [['worker'], /nas worker needs --queue NAME/],
    [['worker', 'controller', '--queue', 'elsewhere'], /controller worker polls .* not "elsewhere"/],
    [['dev', 'up', '--port', '1'], /dev: unknown flag --port/],
  ];
  for (const [args, message] of cases) {
    const r = nas(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.out}${r.err}`);
    assert.match(r.err, message, args.join(' '));
  }
});

test('unknown ids: exit 2 naming the id, nothing written', () => {
  const out = path.join(dir, 'unknown-report');
  for (const args of [['search', 'status', 'no-such'], ['search', 'resume', 'no-such'], ['search', 'stop', 'no-such'],
    ['best', 'no-such'], ['report', 'no-such', '--out', out], ['export', 'no-such', '--out', out]]) {
    const r = nas(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.out}${r.err}`);
    assert.match(r.err, /no search with id "no-such"/, args.join(' '));
  }
  assert.equal(fs.existsSync(out), false);
  assert.deepEqual(fs.readdirSync(dir).filter((f) => f.includes('unknown-report')), []); // no temp folder left either
});

test('migrate: exit 0, idempotent, every migration recorded', async () => {
  for (let i = 0; i < 2; i++) {
    const r = nas(['migrate']);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out, 'migrations applied\n');
  }
  const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM schema_migrations');
  assert.equal(rows[0].n, fs.readdirSync(path.join(repoRoot(), 'migrations')).filter((f) => f.endsWith('.sql')).length);
});

test('dev up with servers already given: exit 0, starts nothing, names them', () => {
  const r = nas(['dev', 'up']);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, new RegExp(`Temporal:\\s+${env.TEMPORAL_ADDRESS}`));
  assert.match(r.out, /PostgreSQL: postgres:\/\//);
  assert.equal(fs.existsSync(path.join(dir, 'postgres')), false);
  assert.equal(fs.existsSync(path.join(dir, 'temporal')), false);
});

function temporalCli(): string {
  if (process.env.TEMPORAL_CLI) return process.env.TEMPORAL_CLI;
  return execFileSync('bash', [path.join(repoRoot(), 'setup', 'temporal-cli.sh')], { encoding: 'utf8' }).trim().split('\n').pop()!;
}

test('workers by --queue serve a search started with --config --follow; status, list API, memo, best and report on it', async (t) => {
  await startWorker(queues.controller);
  await startWorker(queues.training);
  const id = uniqueId('ops');
  const configFile = path.join(dir, 'tiny.yaml');
  fs.writeFileSync(configFile, JSON.stringify(tinySearchConfig({ trainingTaskQueue: queues.training, iterations: 4 })));

  // Start it without following, and pause it once the first iteration is in: a running search
  // that has published its search attributes, for the list API to find. The SDK polls and pauses
  // (a CLI process takes longer to start than a tiny iteration takes); the CLI resumes below.
  const started = nas(['search', 'start', '--config', configFile, '--id', id]);
  assert.equal(started.code, 0, started.err);
  assert.equal(started.out, `${id}\n`);
  const client = new Client({ connection: await Connection.connect({ address: env.TEMPORAL_ADDRESS! }), namespace: env.TEMPORAL_NAMESPACE! });
  t.after(() => client.connection.close());
  const handle = client.workflow.getHandle(id);
  await eventually(async () => (await handle.query(progressQuery).catch(() => undefined))?.childrenDone! >= 2, 120_000, 'the first iteration');
  await handle.signal(pauseSignal);
  await eventually(async () => (await handle.query(progressQuery)).phase === 'paused', 60_000, 'the search to pause');
  const status = nas(['search', 'status', id]).out;
  assert.match(status, new RegExp(`^search ${id}: RUNNING \\(paused\\)`));
  assert.match(status, /config:\s+cnn, reinforce, m=2, 8 children, mnist \(embedded\), seed 7/);
  assert.match(status, /iteration:\s+[1-3]\n/);
  assert.match(status, /children:\s+[2-6] \/ 8/);
  assert.match(status, /best:\s+0\.\d{4}/);
  assert.match(status, /baseline:\s+0\.\d{4}/);
  assert.match(status, /depth:\s+2/);
  assert.match(status, new RegExp(`workers:\\s+\\S+:\\d+:${queues.training} \\(\\d+ children\\)`));

  // The Web UI's list, through the `temporal` CLI (the same visibility API the UI calls). Visibility
  // is written asynchronously after the workflow task: poll for a few seconds.
  // A paused search says so in NasStatus (the replicas parked), so the UI can filter paused searches.
  const query = `NasStatus = 'paused' AND NasSpace = 'cnn' AND WorkflowId = '${id}'`;
  const list = (q: string): { execution: { workflowId: string } }[] => {
    const text = execFileSync(temporalCli(), ['workflow', 'list', '--address', env.TEMPORAL_ADDRESS!, '--namespace', env.TEMPORAL_NAMESPACE!, '--query', q, '--output', 'json'], { encoding: 'utf8' }).trim();
    const parsed: unknown = text ? JSON.parse(text) : [];
    return (Array.isArray(parsed) ? parsed : [parsed]) as { execution: { workflowId: string } }[];
  };
  const rows = await eventually(async () => { const r = list(query); return r.length > 0 && r; }, 15_000, `${query} in the visibility list`);
  assert.deepEqual(rows.map((r) => r.execution.workflowId), [id]);
  assert.deepEqual(list(`NasStatus = 'completed' AND WorkflowId = '${id}'`), []);
  // The dev server's HTTP API behind the Web UI, when its UI port is the default one.
  // Only the dev server this runtime config started serves its UI on runtime.temporal.uiPort.
  const { runtime, temporalAddress } = await testServers();
  const uiPort = temporalAddress === runtime.temporal.address ? runtime.temporal.uiPort : undefined;
  const ui = uiPort === undefined ? undefined
    : await fetch(`http://127.0.0.1:${uiPort}/api/v1/namespaces/${env.TEMPORAL_NAMESPACE!}/workflows?query=${encodeURIComponent(query)}`).catch(() => undefined);
  if (ui?.ok) {
    const body = await ui.json() as { executions?: { execution: { workflowId: string } }[] };
    assert.deepEqual(body.executions?.map((e) => e.execution.workflowId), [id]);
  } else {
    t.diagnostic(`Web UI HTTP API not reachable (ui port ${uiPort ?? 'unknown for a given NAS_TEST_TEMPORAL_ADDRESS'}): checked through the temporal CLI only`);
  }
  // The memo the CLI set, as the Web UI shows it.
  assert.deepEqual((await handle.describe()).memo, { config: { space: 'cnn', strategy: 'reinforce', childrenPerIteration: 2, maxChildren: 8, data: 'mnist (embedded)', seed: 7 } });

  // Attach to it with --follow (not a TTY here: quiet, one plain line per iteration), then resume it.
  const follow = spawn(process.execPath, [MAIN, 'search', 'start', '--config', configFile, '--id', id, '--follow'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const followed = { out: '', err: '', code: null as number | null };
  follow.stdout.on('data', (d) => { followed.out += d; });
  follow.stderr.on('data', (d) => { followed.err += d; });
  const exited = new Promise<void>((resolve) => follow.once('exit', (code) => { followed.code = code; resolve(); }));
  await eventually(async () => /children \|/.test(followed.out), 60_000, `a progress line from --follow: ${followed.out}${followed.err}`);
  assert.equal(nas(['search', 'resume', id]).code, 0);
  await exited;
  assert.equal(followed.code, 0, followed.err);
  assert.match(followed.out, new RegExp(`^${id} \\(already running\\)\\n`));
  assert.match(followed.out, /^\[#+\.*\] [2-8]\/8 children \| [\d.-]+\/min \| eta \S+ \| best 0\.\d{4} \| depth 2 \| \w+/m);
  assert.doesNotMatch(followed.out, /\r/);
  assert.match(followed.out, new RegExp(`search ${id} completed: 8 children in 4 iterations`));
  assert.match(followed.out, /best architectures of .*\n\s+#1 0\.\d{4}/);

  const finished = nas(['search', 'status', id]);
  assert.match(finished.out, new RegExp(`^search ${id}: COMPLETED\\n`));
  const best = nas(['best', id, '--top', '2']);
  assert.equal(best.code, 0, best.err);
  assert.equal(best.out.match(/^\s+#\d /gm)?.length, 2);

  const reportDir = path.join(dir, 'report');
  const report = nas(['report', id, '--out', reportDir, '--top', '2']);
  assert.equal(report.code, 0, report.err);
  assert.match(report.out, /report\.html, reward-curve\.png, best-so-far\.png, accuracy-params\.png, depths\.png, filter-sizes\.png, filter-counts\.png/);
  const html = fs.readFileSync(path.join(reportDir, 'report.html'), 'utf8');
  assert.equal(html.match(/<svg[^>]*class="architecture" data-arch-kind="cnn"/g)?.length, 2);
  assert.equal(html.match(/class="point" data-series="child reward"/g)?.length, 8);
  assert.doesNotMatch(html, /https?:\/\/(?!www\.w3\.org)/); // nothing to fetch
  assert.deepEqual([...fs.readFileSync(path.join(reportDir, 'reward-curve.png')).subarray(1, 4)].map((b) => String.fromCharCode(b)).join(''), 'PNG');
  // Again into the same folder: the same bytes (deterministic), no temp folder left beside it.
  const before = fs.readFileSync(path.join(reportDir, 'report.html'));
  assert.equal(nas(['report', id, '--out', reportDir, '--top', '2']).code, 0);
  assert.ok(fs.readFileSync(path.join(reportDir, 'report.html')).equals(before));
  assert.deepEqual(fs.readdirSync(dir).filter((f) => f.startsWith('.report')), []);
});
