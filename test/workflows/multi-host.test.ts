// Several machines, on one: a training worker in another network namespace (iproute2 `ip netns`),
// which has no route to this host's loopback, joins a running search by address alone
// (TEMPORAL_ADDRESS, DATABASE_URL) and trains its children. Private servers: PostgreSQL on a veth address
// with its generated password, the loopback Temporal dev server behind the mTLS proxy of temporal.expose
// (7432 behind 7434). From there, no client certificate or the old password nas/nas gets nobody in.
// Needs root and `ip`; skipped, saying why, without them.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { loadRuntimeConfig, repoRoot, type RuntimeConfig } from '../../config/runtime';
import { PROXY_SERVER_NAME, tlsFiles } from '../../dev/certificates';
import { ensurePostgres, stopPostgres } from '../../dev/postgres';
import { passwordFile } from '../../dev/postgres-password';
import { ensureTemporal, stopTemporal } from '../../dev/temporal';
import { createPool, type Db } from '../../store/db';
import { migrate } from '../../store/migrate';
import type { nasSearch } from '../../workflows/nas-search';
import { quietTemporalRuntime, workflowBundle } from '../support/in-process-workers';
import { tinySearchConfig } from '../support/tiny-search';
import { spawnWorkerProcess, type WorkerProcess } from '../support/worker-process';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createControllerActivities } from '../../activities';

const NETNS = `nas-test-${process.pid}`;
const SUBNET = `10.231.${process.pid % 250}`;
const HOST_IP = `${SUBNET}.1`;
const WORKER_IP = `${SUBNET}.2`;
const VETH = `nasv${process.pid % 100000}`;

function ip(...args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8' });
}

function whyNot(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root to create a network namespace';
  try { ip('netns', 'list'); } catch { return 'iproute2 `ip netns` is not available'; }
  return undefined;
}

const cleanups: (() => Promise<void> | void)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await Promise.resolve(c()).catch((err: unknown) => console.error('cleanup:', err));
});

test('a training worker in another network namespace trains the children of a running search', { skip: whyNot(), timeout: 240_000 }, async () => {
  // The "other machine": a namespace joined to this host by a veth pair, and nothing else.
  ip('netns', 'add', NETNS);
  cleanups.push(() => { ip('netns', 'del', NETNS); });
  ip('link', 'add', `${VETH}h`, 'type', 'veth', 'peer', 'name', `${VETH}w`);
  cleanups.push(() => { ip('link', 'del', `${VETH}h`); });
  ip('link', 'set', `${VETH}w`, 'netns', NETNS);
  ip('addr', 'add', `${HOST_IP}/24`, 'dev', `${VETH}h`);
  ip('link', 'set', `${VETH}h`, 'up');
  ip('netns', 'exec', NETNS, 'ip', 'addr', 'add', `${WORKER_IP}/24`, 'dev', `${VETH}w`);
  ip('netns', 'exec', NETNS, 'ip', 'link', 'set', `${VETH}w`, 'up');
  ip('netns', 'exec', NETNS, 'ip', 'link', 'set', 'lo', 'up');

  // Servers on this host, listening on the veth address (and loopback for this process).
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'nas-netns-'));
  cleanups.push(() => fs.rmSync(home, { recursive: true, force: true }));
  const yaml = path.join(home, 'temporal.yaml');
  // The dev server stays on loopback (it has no authentication); other hosts come in through the mTLS proxy.
  fs.writeFileSync(yaml, `temporal:\n  address: 127.0.0.1:7432\n  uiPort: 8432\n  expose: ${HOST_IP}:7434\npostgres:\n  port: 54432\n  listen: 127.0.0.1,${HOST_IP}\n`);
  const cli = execFileSync('bash', [path.join(repoRoot(), 'setup', 'temporal-cli.sh')], { encoding: 'utf8' }).trim().split('\n').pop();
  const runtime: RuntimeConfig = loadRuntimeConfig({ NAS_HOME: home, TEMPORAL_CLI: cli }, yaml);
  const [localUrl, temporalAddress] = await Promise.all([ensurePostgres(runtime), ensureTemporal(runtime)]);
  const remoteTemporal = `${HOST_IP}:7434`;
  const password = fs.readFileSync(passwordFile(home), 'utf8').trim();
  assert.ok(localUrl.includes(password) && password !== 'nas');
  cleanups.push(async () => { await stopTemporal(runtime); await stopPostgres(runtime); });
  const pool: Db = createPool(localUrl);
  cleanups.push(() => pool.end());
  await migrate(pool);

  // The controller worker runs here; the only training worker runs in the namespace.
  quietTemporalRuntime();
  const native = await NativeConnection.connect({ address: temporalAddress });
  cleanups.push(() => native.close());
  const controllerQueue = `netns-ctl-${process.pid}`;
  const controller = await Worker.create({
    connection: native, taskQueue: controllerQueue, workflowBundle: await workflowBundle(),
    activities: createControllerActivities({ pool }), maxConcurrentActivityTaskExecutions: 2,
  });
  const running = controller.run();
  cleanups.push(async () => { controller.shutdown(); await running; });

  const remoteUrl = new URL(localUrl);
  remoteUrl.hostname = HOST_IP;
  // What the operator copies to the worker host: the CA, the client certificate and key (same files here).
  const tls = tlsFiles(home);
  const remoteEnv = { ...process.env, NAS_HOME: path.join(home, 'remote'), TEMPORAL_ADDRESS: remoteTemporal, DATABASE_URL: remoteUrl.toString(),
    TEMPORAL_TLS_CA: tls.caCert, TEMPORAL_TLS_CERT: tls.clientCert, TEMPORAL_TLS_KEY: tls.clientKey, TEMPORAL_TLS_SERVER_NAME: PROXY_SERVER_NAME };
  refusedFromOtherHost(remoteEnv, remoteUrl);
  const trainingQueue = `netns-train-${process.pid}`;
  const worker: WorkerProcess = spawnWorkerProcess('training', {
    wrapper: ['ip', 'netns', 'exec', NETNS],
    env: { ...remoteEnv, NAS_TRAIN_CONCURRENCY: '2', NAS_PARENT_PID: String(process.pid) },
    args: ['--queue', trainingQueue], logFile: path.join(home, 'training.log'),
  });
  cleanups.push(() => worker.kill9());
  await worker.ready(90_000);
  // It is on the other side: this host's loopback is not its loopback.
  assert.match(ip('netns', 'exec', NETNS, 'ip', '-o', 'addr'), new RegExp(WORKER_IP.replace(/\./g, '\\.')));

  const connection = await Connection.connect({ address: temporalAddress });
  cleanups.push(() => connection.close());
  const searchId = `netns-${process.pid}`;
  const result = await new Client({ connection }).workflow.execute<typeof nasSearch>('nasSearch', {
    taskQueue: controllerQueue, workflowId: searchId, workflowExecutionTimeout: '3m',
    args: [{ searchId, config: { ...tinySearchConfig({ trainingTaskQueue: trainingQueue, iterations: 2 }), distributed: { replicas: 2, shards: 2 } } }],
  });
  assert.equal(result.status, 'completed');
  assert.equal(result.childrenDone, 4);
  const { rows } = await pool.query<{ worker: string; status: string }>('SELECT worker, status FROM children WHERE search_id = $1', [searchId]);
  assert.equal(rows.length, 4);
  for (const row of rows) {
    assert.ok(row.status === 'succeeded' || row.status === 'failed');
    assert.equal(row.worker.split(':')[1], String(worker.pid), `child trained by ${row.worker}, not the worker in ${NETNS}`);
  }
});

/** `nas` run inside the namespace: exit status and output. */
function nasInNamespace(args: string[], env: NodeJS.ProcessEnv): { status: number | null; out: string } {
  const main = path.join(__dirname, '..', '..', 'cli', 'main.js');
  const r = spawnSync('ip', ['netns', 'exec', NETNS, process.execPath, main, ...args], { env, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

/** From the other host: with the certificate and the password it gets in; without either, it does not. */
function refusedFromOtherHost(env: NodeJS.ProcessEnv, url: URL): void {
  const list = ['search', 'list', '--limit', '1'];
  assert.equal(nasInNamespace(list, env).status, 0, 'with the client certificate the proxy lets it in');
  const { TEMPORAL_TLS_CERT: _c, TEMPORAL_TLS_KEY: _k, ...noCertificate } = env;
  const noCert = nasInNamespace(list, noCertificate);
  assert.equal(noCert.status, 1, noCert.out);
  assert.match(noCert.out, /Temporal is unavailable at 10\.231\.\d+\.1:7434/);
  const { TEMPORAL_TLS_CA: _a, TEMPORAL_TLS_SERVER_NAME: _n, ...plain } = noCertificate;
  assert.equal(nasInNamespace(list, plain).status, 1, 'plaintext gRPC to the proxy is refused');
  assert.equal(nasInNamespace(list, { ...plain, TEMPORAL_ADDRESS: `${HOST_IP}:7432` }).status, 1, 'the dev server itself is not reachable from other hosts');
  const oldPassword = new URL(url.toString());
  oldPassword.password = 'nas';
  const best = nasInNamespace(['best', 'none'], { ...env, DATABASE_URL: oldPassword.toString() });
  assert.equal(best.status, 1, best.out);
  assert.match(best.out, /password authentication failed/);
}
