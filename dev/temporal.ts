// The Temporal dev server: `temporal server start-dev` with its state in <NAS_HOME>/temporal/dev.sqlite,
// started detached so it outlives `nas dev up`, on loopback only (it has no authentication), plus the
// search attributes our workflow publishes and, with temporal.expose, the mTLS proxy other hosts use.
// Not a cluster manager: in cluster mode (TEMPORAL_ADDRESS, or temporal.yaml) we only connect.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import type { RuntimeConfig } from '../config/runtime';
import { temporalConnectionOptions, type TemporalConnectionOptions } from '../config/temporal-connection';
import { ensureProxy, stopProxy } from './temporal-proxy';
import { commandLine, isListening, isRunning, run, sleep, stopPid, tail, waitUntil } from './processes';

/** Custom search attributes of a search, as `temporal` CLI types (the SDK calls Double `FLOAT`). */
import { NAS_SEARCH_ATTRIBUTES } from '../workflows/search-attributes';

export { NAS_SEARCH_ATTRIBUTES };

export type TemporalPaths = { dir: string; db: string; log: string; pid: string; singlePartition: string };

export function temporalPaths(home: string): TemporalPaths {
  const dir = path.join(home, 'temporal');
  const file = (name: string) => path.join(dir, name);
  return { dir, db: file('dev.sqlite'), log: file('server.log'), pid: file('server.pid'), singlePartition: file('single-partition') };
}

export type EnsureOptions = {
  /**
   * false: a server on the address that this NAS_HOME did not start (another checkout's, the user's) is
   * an error, never used. `nas dev up` adopts one (someone may run `temporal server start-dev` by hand).
   */
  adopt?: boolean;
};

/** The Temporal address to use; in dev mode the dev server is started unless something listens there. */
export async function ensureTemporal(runtime: RuntimeConfig, timeoutMs = 60_000, options: EnsureOptions = {}): Promise<string> {
  const { address, namespace, mode } = runtime.temporal;
  if (mode === 'cluster') {
    const connect = temporalConnectionOptions(runtime);
    await waitUntil(() => serves(connect, namespace), timeoutMs, `Temporal at ${address}`);
    return address;
  }
  const { host, port } = splitAddress(address);
  // Our own server may be between spawn and listening (another `nas` process just started it).
  let pid = ownServer(runtime);
  if (pid === undefined && await isListening(host, port)) {
    if (options.adopt === false) {
      throw new Error(`something listens on ${address} that is not the dev server of ${runtime.home} `
        + `(no live pid in ${temporalPaths(runtime.home).pid}): refusing to use another checkout's or the user's server`);
    }
  } else {
    pid ??= await startDevServer(runtime);
  }
  await waitUntil(async () => {
    if (await serves({ address }, namespace)) return true;
    if (pid !== undefined && !isRunning(pid)) {
      throw new Error(`the temporal dev server exited:\n${tail(temporalPaths(runtime.home).log)}`);
    }
    return false;
  }, timeoutMs, `Temporal at ${address}`);
  await registerSearchAttributes(runtime);
  if (runtime.temporal.expose) await ensureProxy(runtime, runtime.temporal.expose);
  return address;
}

/** Stops the dev server this NAS_HOME started (its pid file); false if none was running. */
export async function stopTemporal(runtime: RuntimeConfig): Promise<boolean> {
  await stopProxy(runtime);
  const pid = ownServer(runtime);
  fs.rmSync(temporalPaths(runtime.home).pid, { force: true });
  if (pid === undefined) return false;
  await stopPid(pid, 'SIGTERM', 20_000);
  return true;
}

/** The pid in our pid file if it still is our dev server (pids get reused), else undefined. */
function ownServer(runtime: RuntimeConfig): number | undefined {
  const paths = temporalPaths(runtime.home);
  const pid = readPid(paths.pid);
  return pid !== undefined && isRunning(pid) && commandLine(pid).includes(paths.db) ? pid : undefined;
}

export function splitAddress(address: string): { host: string; port: number } {
  const at = address.lastIndexOf(':');
  return { host: address.slice(0, at), port: Number(address.slice(at + 1)) };
}

async function startDevServer(runtime: RuntimeConfig): Promise<number> {
  const paths = temporalPaths(runtime.home);
  fs.mkdirSync(paths.dir, { recursive: true });
  const cli = await temporalCli(runtime);
  // A new state file gets one partition per task queue, and keeps it (the marker file says so).
  if (!fs.existsSync(paths.db)) fs.writeFileSync(paths.singlePartition, 'one partition per task queue: this dev server was created with it\n');
  const log = fs.openSync(paths.log, 'a');
  try {
    // detached: own process group and session, so neither our exit nor a Ctrl-C to us stops it.
    const child = spawn(cli, devServerArgs(runtime, paths), { detached: true, stdio: ['ignore', log, log] });
    const pid = await spawned(child);
    child.unref();
    fs.writeFileSync(paths.pid, `${pid}\n`);
    return pid;
  } finally {
    fs.closeSync(log);
  }
}

function devServerArgs(runtime: RuntimeConfig, paths: TemporalPaths): string[] {
  const { host, port } = splitAddress(runtime.temporal.address);
  const attributes = Object.entries(NAS_SEARCH_ATTRIBUTES).flatMap(([k, t]) => ['--search-attribute', `${k}=${t}`]);
  return ['server', 'start-dev', '--db-filename', paths.db, '--ip', host, '--port', String(port),
    '--ui-port', String(runtime.temporal.uiPort), '--namespace', runtime.temporal.namespace,
    '--log-level', 'warn', ...attributes, ...(fs.existsSync(paths.singlePartition) ? SINGLE_PARTITION : [])];
}

/**
 * The dev server splits each task queue into 4 partitions, as a cluster does; on one host a task that
 * lands in a partition without a waiting poller is forwarded, at a cost in CPU and latency (issue 11:
 * with one, a few ms less CPU a child at 256 concurrent simulated children and shorter slot hand-offs,
 * `bench/results/2026-12-02-scaling-partitions.md`).
 * Only for a state file created with it: tasks already in partitions 1–3 of an older one would never
 * be read again with one read partition, and our activities have no schedule-to-start timeout.
 */
const SINGLE_PARTITION = ['matching.numTaskqueueReadPartitions', 'matching.numTaskqueueWritePartitions']
  .flatMap((key) => ['--dynamic-config-value', `${key}=1`]);

/** The pid once the child is running; rejects if it could not be executed at all. */
function spawned(child: ReturnType<typeof spawn>): Promise<number> {
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('spawn', () => resolve(child.pid as number));
  });
}

/** Same order as setup/temporal-cli.sh: TEMPORAL_CLI, `temporal` on PATH, <NAS_HOME>/tools/temporal. */
async function temporalCli(runtime: RuntimeConfig): Promise<string> {
  const local = path.join(runtime.home, 'tools', 'temporal');
  const candidates = [runtime.temporal.cli, 'temporal', local].filter((c): c is string => c !== undefined);
  for (const cli of candidates) {
    if (await run(cli, ['--version']).then(() => true, () => false)) return cli;
  }
  throw new Error(`no temporal CLI (tried ${candidates.join(', ')}): run \`bash setup/temporal-cli.sh\``);
}

/** True once the frontend answers and the namespace exists (start-dev creates it after listening). */
async function serves(connect: TemporalConnectionOptions, namespace: string): Promise<boolean> {
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({ ...connect, connectTimeout: '2s' });
    await connection.workflowService.describeNamespace({ namespace });
    return true;
  } catch {
    await sleep(200);
    return false;
  } finally {
    await connection?.close();
  }
}

/** start-dev registers them on a fresh start; a server we reuse may lack them. */
async function registerSearchAttributes(runtime: RuntimeConfig): Promise<void> {
  const { address, namespace } = runtime.temporal;
  const connection = await Connection.connect({ address });
  try {
    const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
    const missing = Object.entries(NAS_SEARCH_ATTRIBUTES).filter(([name]) => !(name in customAttributes));
    if (missing.length === 0) return;
    const cli = await temporalCli(runtime);
    for (const [name, type] of missing) {
      await run(cli, ['operator', 'search-attribute', 'create', '--name', name, '--type', type,
        '--address', address, '--namespace', namespace]);
    }
  } finally {
    await connection.close();
  }
}

function readPid(file: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}
