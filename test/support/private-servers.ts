// A Temporal dev server and an embedded PostgreSQL of their own (own home, own ports) that a test or
// the chaos soak may kill -9 and start again, as a host crash would. Not the shared test servers of
// servers.ts: nothing else may run on these, since they die.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { loadRuntimeConfig, repoRoot, type RuntimeConfig } from '../../config/runtime';
import { ensurePostgres, postgresPaths, runningServer, stopPostgres } from '../../dev/postgres';
import { isRunning, waitUntil } from '../../dev/processes';
import { ensureTemporal, stopTemporal, temporalPaths } from '../../dev/temporal';
import type { nasSearch, NasSearchResult } from '../../workflows/nas-search';

export interface PrivatePorts { temporal: number; ui: number; postgres: number }

export interface PrivateServers {
  home: string;
  /** temporal.yaml of these servers, for worker processes (NAS_RUNTIME_CONFIG). */
  yaml: string;
  runtime: RuntimeConfig;
  databaseUrl: string;
  /** A client of its own; close it before killing Temporal if you care about its streams. */
  client: () => Promise<Client>;
  /** kill -9 of the dev server; returns its pid once it is gone. */
  killTemporal: () => Promise<number>;
  /** kill -9 of the postmaster and every backend, as a host crash leaves it; returns the postmaster's pid. */
  killPostgres: () => Promise<number>;
  /** Starts whichever of the two is not running and waits until both serve. */
  restart: () => Promise<void>;
  /** Stops both (and removes the home unless `keep`). */
  stop: (options?: { keep?: boolean }) => Promise<void>;
}

/** `home` is created when absent (default: a fresh /tmp/nas-chaos-* folder). */
export async function startPrivateServers(ports: PrivatePorts, home?: string): Promise<PrivateServers> {
  const dir = home ?? fs.mkdtempSync(path.join(os.tmpdir(), 'nas-chaos-'));
  fs.mkdirSync(dir, { recursive: true });
  const yaml = path.join(dir, 'temporal.yaml');
  fs.writeFileSync(yaml, `temporal:\n  address: 127.0.0.1:${ports.temporal}\n  uiPort: ${ports.ui}\npostgres:\n  port: ${ports.postgres}\n`);
  const runtime = loadRuntimeConfig({ NAS_HOME: dir, TEMPORAL_CLI: temporalCli() }, yaml);
  const [databaseUrl] = await Promise.all([ensurePostgres(runtime), ensureTemporal(runtime)]);
  const temporalPid = () => Number(fs.readFileSync(temporalPaths(dir).pid, 'utf8').trim());
  const connections: Connection[] = [];
  return {
    home: dir, yaml, runtime, databaseUrl,
    client: async () => {
      const connection = await Connection.connect({ address: runtime.temporal.address });
      connections.push(connection);
      return new Client({ connection, namespace: runtime.temporal.namespace });
    },
    killTemporal: async () => {
      const pid = temporalPid();
      process.kill(pid, 'SIGKILL');
      await waitUntil(() => !isRunning(pid), 10_000, `Temporal pid ${pid} to exit after SIGKILL`);
      return pid;
    },
    killPostgres: async () => killPostgres(dir),
    restart: async () => {
      await Promise.all([ensurePostgres(runtime), ensureTemporal(runtime)]);
    },
    stop: async (options) => {
      for (const c of connections) await c.close().catch(() => undefined);
      await stopTemporal(runtime).catch(() => undefined);
      await stopPostgres(runtime).catch(() => undefined);
      if (!options?.keep) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The postmaster of the embedded server in `home` and its backends, all SIGKILLed. */
async function killPostgres(home: string): Promise<number> {
  const server = runningServer(postgresPaths(home).data);
  if (!server) throw new Error('no PostgreSQL to kill');
  const backends = execFileSync('ps', ['-o', 'pid=', '--ppid', String(server.pid)], { encoding: 'utf8' })
    .split('\n').map(Number).filter((p) => p > 0);
  const all = [server.pid, ...backends];
  for (const pid of all) {
    try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
  }
  await waitUntil(() => !all.some(isRunning), 10_000, `PostgreSQL pids ${all.join(', ')} to exit after SIGKILL`);
  return server.pid;
}

/** TEMPORAL_CLI when set, else what `bash setup/install.sh` resolves (it prints the CLI's path last). */
function temporalCli(): string | undefined {
  if (process.env.TEMPORAL_CLI) return process.env.TEMPORAL_CLI;
  return execFileSync('bash', [path.join(repoRoot(), 'setup', 'temporal-cli.sh')], { encoding: 'utf8' }).trim().split('\n').pop();
}

/**
 * Starts `nasSearch` on the private servers, runs `during` (the kills) and awaits the result on a fresh
 * connection: the first one may have met a dead server. Rejects after `withinMs`.
 */
export async function runSearchThrough(
  servers: PrivateServers, searchId: string, config: Parameters<typeof nasSearch>[0]['config'],
  during: ((searchId: string) => Promise<void>) | undefined, withinMs: number,
): Promise<NasSearchResult> {
  const starter = await servers.client();
  await starter.workflow.start<typeof nasSearch>('nasSearch', {
    taskQueue: servers.runtime.temporal.taskQueues.controller, workflowId: searchId, args: [{ searchId, config }], workflowExecutionTimeout: '5m',
  });
  await starter.connection.close();
  await during?.(searchId);
  const client = await servers.client();
  return Promise.race([
    client.workflow.getHandle<typeof nasSearch>(searchId).result(),
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${searchId} did not finish within ${withinMs / 1000} s`)), withinMs).unref()),
  ]);
}
