// The runtime (operational) config: where Temporal and PostgreSQL are, which task queues the workers
// poll, where data lives, which tfjs backend trains. Read once at the edge from temporal.yaml and env.
// Not the search config (config/search-config.ts): nothing here is about the algorithm.
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { InvalidConfigError } from '../errors';

const Port = z.number().int().min(1).max(65535);
const HostPort = z.string().regex(/^[^\s:/]+:\d{1,5}$/, 'must be host:port, e.g. 127.0.0.1:7233');
const QueueName = z.string().min(1);
/** Seconds a worker waits at start for a server that is not up yet; 0 tries once. Never unbounded. */
const WaitSeconds = z.number().int().min(0).max(86_400);
/** How long a worker waits at start for Temporal and PostgreSQL: a restart or a boot-order race, not a wrong address. */
export const DEFAULT_CONNECT_WAIT_SECONDS = 300;
const FilePath = z.string().min(1);
export const Backend = z.enum(['cpu', 'gpu']);
export type Backend = z.infer<typeof Backend>;

export const TaskQueues = z.strictObject({
  controller: QueueName.default('nas-controller'),
  /** One training queue per device kind; a worker polls the one of its backend. */
  training: z.strictObject({
    cpu: QueueName.default('nas-train-cpu'),
    gpu: QueueName.default('nas-train-gpu'),
  }).prefault({}),
  /** Weight-sharing searches claim an ω-holding worker here (each then serves on a queue of its own). */
  sharing: QueueName.default('nas-sharing'),
});
export type TaskQueues = z.infer<typeof TaskQueues>;

/** temporal.yaml, as written by people: every key optional, unknown keys are typos. */
export const RuntimeFile = z.strictObject({
  temporal: z.strictObject({
    mode: z.enum(['dev', 'cluster']).default('dev'),
    address: HostPort.default('127.0.0.1:7233'),
    namespace: z.string().min(1).default('default'),
    uiPort: Port.default(8233),
    taskQueues: TaskQueues.prefault({}),
    connectWaitSeconds: WaitSeconds.default(DEFAULT_CONNECT_WAIT_SECONDS),
    /** dev mode: an mTLS-terminating proxy on this address in front of the loopback dev server. */
    expose: HostPort.optional(),
    /** TLS to a secured Temporal (cluster mode, or the `expose` proxy of another host); `{}` = system CAs. */
    tls: z.strictObject({
      serverName: z.string().min(1).optional(),
      serverRootCA: FilePath.optional(),
      clientCert: FilePath.optional(),
      clientKey: FilePath.optional(),
    }).refine((t) => (t.clientCert === undefined) === (t.clientKey === undefined), 'clientCert and clientKey go together')
      .optional(),
  }).prefault({}),
  postgres: z.strictObject({
    port: Port.default(54329),
    connectWaitSeconds: WaitSeconds.default(DEFAULT_CONNECT_WAIT_SECONDS),
    /** Address(es) the embedded server listens on; other than loopback lets workers on other hosts in. */
    listen: z.string().regex(/^[0-9a-fA-F.:*,\s]+$/, 'must be IP addresses (comma-separated) or *').optional(),
  }).prefault({}),
  training: z.strictObject({
    backend: Backend.default('cpu'),
    concurrency: z.number().int().positive().default(1),
  }).prefault({}),
});
export type RuntimeFile = z.infer<typeof RuntimeFile>;

/** The environment variables we read; empty values count as unset. */
export const RuntimeEnv = z.object({
  NAS_HOME: z.string().min(1).optional(),
  /** Another runtime file than <repo>/temporal.yaml (tests, several deployments on one machine). */
  NAS_RUNTIME_CONFIG: z.string().min(1).optional(),
  NAS_BACKEND: Backend.optional(),
  NAS_TRAIN_CONCURRENCY: z.coerce.number().int().positive().optional(),
  TEMPORAL_ADDRESS: HostPort.optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).optional(),
  TEMPORAL_CLI: z.string().min(1).optional(),
  /** The `temporal` CLI's own names for TLS and API-key settings, so one set of variables serves both. */
  TEMPORAL_TLS_CA: FilePath.optional(),
  TEMPORAL_TLS_CERT: FilePath.optional(),
  TEMPORAL_TLS_KEY: FilePath.optional(),
  TEMPORAL_TLS_SERVER_NAME: z.string().min(1).optional(),
  /** Secret: env only, never in temporal.yaml. Turns TLS on (system CAs unless a CA is given). */
  TEMPORAL_API_KEY: z.string().min(1).optional(),
  /** Overrides temporal.connectWaitSeconds and postgres.connectWaitSeconds together. */
  NAS_CONNECT_WAIT_SECONDS: z.coerce.number().pipe(WaitSeconds).optional(),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
});
export type RuntimeEnv = z.infer<typeof RuntimeEnv>;

export type TemporalRuntime = {
  /** dev: `nas dev up` starts a local dev server at `address`; cluster: connect only. */
  mode: 'dev' | 'cluster';
  address: string;
  namespace: string;
  uiPort: number;
  taskQueues: TaskQueues;
  /** TEMPORAL_CLI: the `temporal` binary to run the dev server with (else PATH, else <home>/tools). */
  cli?: string;
  /** How long a worker waits at start for Temporal before it exits non-zero. */
  connectWaitSeconds: number;
  /** dev mode: address of the mTLS proxy (dev/tls-proxy.ts) that lets other hosts in. */
  expose?: string;
  /** Absolute paths; present = connect with TLS. */
  tls?: TemporalTls;
  apiKey?: string;
};
export type TemporalTls = { serverName?: string; serverRootCA?: string; clientCert?: string; clientKey?: string };
/** embedded: dev/postgres.ts runs a server on 127.0.0.1:port; external: DATABASE_URL, start nothing. */
export type DatabaseRuntime = ({ mode: 'embedded'; port: number; listen?: string } | { mode: 'external'; url: string })
  & { connectWaitSeconds: number };

export type RuntimeConfig = {
  /** NAS_HOME: the data folder (servers' state, caches, tools, logs). */
  home: string;
  temporal: TemporalRuntime;
  database: DatabaseRuntime;
  training: { backend: Backend; concurrency: number; taskQueue: string };
};

/** The folder holding package.json above this file (works from the source and from dist/). */
export function repoRoot(from: string = __dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

export function loadRuntimeConfig(
  env: NodeJS.ProcessEnv = process.env,
  yamlPath?: string,
): RuntimeConfig {
  const named = yamlPath ?? (env.NAS_RUNTIME_CONFIG || undefined);
  const file = named ?? path.join(repoRoot(), 'temporal.yaml');
  const parsedFile = parseWith(RuntimeFile, readYaml(file, named !== undefined), file);
  const parsedEnv = parseWith(RuntimeEnv, presentVariables(env), 'environment');
  return combine(parsedFile, parsedEnv, path.dirname(file));
}

/** The default file may be absent (all defaults); a path the caller named must exist. */
function readYaml(file: string, required: boolean): unknown {
  if (!fs.existsSync(file)) {
    if (required) throw new InvalidConfigError(`runtime config ${file} does not exist`);
    return {};
  }
  try {
    return parseYaml(fs.readFileSync(file, 'utf8')) ?? {};
  } catch (err) {
    throw new InvalidConfigError(`${file} is not valid YAML: ${(err as Error).message}`);
  }
}

function parseWith<T extends z.ZodType>(schema: T, input: unknown, source: string): z.infer<T> {
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new InvalidConfigError(`invalid runtime config in ${source}:\n${z.prettifyError(result.error)}`);
  }
  return result.data;
}

function presentVariables(env: NodeJS.ProcessEnv): Record<string, string> {
  const keys = Object.keys(RuntimeEnv.shape);
  return Object.fromEntries(keys.flatMap((k) => (env[k] ? [[k, env[k]]] : [])));
}

/**
 * Env wins over the file; TEMPORAL_ADDRESS means someone else runs Temporal, DATABASE_URL Postgres.
 * NAS_HOME is env-only, like in the setup/*.sh scripts, so both always agree on the data folder.
 */
function combine(file: RuntimeFile, env: RuntimeEnv, fileDir: string): RuntimeConfig {
  const backend = env.NAS_BACKEND ?? file.training.backend;
  const { taskQueues } = file.temporal;
  const home = path.resolve(env.NAS_HOME ?? path.join(repoRoot(), '.nas'));
  const mode = env.TEMPORAL_ADDRESS ? 'cluster' : file.temporal.mode;
  const address = env.TEMPORAL_ADDRESS ?? file.temporal.address;
  if (mode === 'dev' && !isLoopback(splitHost(address))) {
    // The dev server has no authentication and no TLS: other hosts get in through `expose` only.
    throw new InvalidConfigError(`temporal.address ${address}: the dev server listens on loopback only (it has no `
      + 'authentication); set temporal.expose (e.g. 0.0.0.0:7234) to let workers on other hosts in through mutual TLS');
  }
  const tls = temporalTls(file.temporal.tls, env, fileDir);
  const wait = env.NAS_CONNECT_WAIT_SECONDS;
  return {
    home,
    temporal: {
      mode,
      address,
      namespace: env.TEMPORAL_NAMESPACE ?? file.temporal.namespace,
      uiPort: file.temporal.uiPort,
      taskQueues,
      cli: env.TEMPORAL_CLI,
      connectWaitSeconds: wait ?? file.temporal.connectWaitSeconds,
      ...(file.temporal.expose ? { expose: file.temporal.expose } : {}),
      ...(tls ? { tls } : {}),
      ...(env.TEMPORAL_API_KEY ? { apiKey: env.TEMPORAL_API_KEY } : {}),
    },
    database: {
      ...(env.DATABASE_URL
        ? { mode: 'external' as const, url: env.DATABASE_URL }
        : { mode: 'embedded' as const, port: file.postgres.port, ...(file.postgres.listen ? { listen: file.postgres.listen } : {}) }),
      connectWaitSeconds: wait ?? file.postgres.connectWaitSeconds,
    },
    training: {
      backend,
      concurrency: env.NAS_TRAIN_CONCURRENCY ?? file.training.concurrency,
      taskQueue: taskQueues.training[backend],
    },
  };
}

/** The file's tls block with env overrides; paths in the file are relative to the file, in env to the working folder. */
function temporalTls(file: RuntimeFile['temporal']['tls'], env: RuntimeEnv, fileDir: string): TemporalTls | undefined {
  const fromFile = (p: string | undefined) => (p === undefined ? undefined : path.resolve(fileDir, p));
  const fromEnv = (p: string | undefined) => (p === undefined ? undefined : path.resolve(p));
  const tls: TemporalTls = {
    serverName: env.TEMPORAL_TLS_SERVER_NAME ?? file?.serverName,
    serverRootCA: fromEnv(env.TEMPORAL_TLS_CA) ?? fromFile(file?.serverRootCA),
    clientCert: fromEnv(env.TEMPORAL_TLS_CERT) ?? fromFile(file?.clientCert),
    clientKey: fromEnv(env.TEMPORAL_TLS_KEY) ?? fromFile(file?.clientKey),
  };
  if ((tls.clientCert === undefined) !== (tls.clientKey === undefined)) {
    throw new InvalidConfigError('invalid runtime config: a TLS client certificate and its key go together (temporal.tls.clientCert/clientKey, TEMPORAL_TLS_CERT/TEMPORAL_TLS_KEY)');
  }
  const defined = Object.fromEntries(Object.entries(tls).filter(([, v]) => v !== undefined)) as TemporalTls;
  return file !== undefined || Object.keys(defined).length > 0 ? defined : undefined;
}

export function splitHost(address: string): string {
  return address.slice(0, address.lastIndexOf(':'));
}

export function isLoopback(host: string): boolean {
  return /^(127\.\d+\.\d+\.\d+|localhost|::1|\[::1\])$/.test(host);
}
