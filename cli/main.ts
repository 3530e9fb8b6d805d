#!/usr/bin/env node
// The `nas` command line. Parses flags at the edge (flags.ts), prints one clear line per error (exit 2
// for bad input, 1 for anything else), and leaves the work to search.ts, report/, the workers and dev/.
import path from 'node:path';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { parseSearchId } from '../config/parse';
import { PRESETS } from '../config/presets';
import { loadRuntimeConfig, type RuntimeConfig } from '../config/runtime';
import { stopDevServers, ensureDevServers } from '../dev';
import { NasError, InvalidConfigError } from '../errors';
import { buildReport } from '../report/build';
import { writeReportFiles } from '../report/write';
import { createControllerWorker } from '../workers/controller-worker';
import { createSharingWorker } from '../workers/sharing-worker';
import { createTrainingWorker } from '../workers/training-worker';
import type { Db } from '../store/db';
import { reconcileBeforeRead } from '../workers/closed-searches';
import { connectClient, openDatabase } from '../workers/connect';
import { loadTf } from '../backend/tf';
import { parseArgs } from './args';
import { exportChild } from './export';
import { parseFlags } from './flags';
import { searchConfigFrom } from './config-input';
import { checkDataPath } from './data-path';
import { controlSearch, describeResult, followToEnd, formatStatus, listSearches, printBest, runSearch, searchStatus, setReplicas, startSearch } from './search';

const USAGE: Record<string, string> = {
  search: `  nas search run   [--preset ${Object.keys(PRESETS).join('|')}] [--config file.yaml] [--set key=value ...] [--id ID] [--workers N]
                   start servers and workers here, run a search, follow it, print the best architectures
  nas search start [--preset ...] [--config file.yaml] [--set key=value ...] [--id ID] [--follow]
                   start a search for workers that run elsewhere; prints its id, or with --follow
                   shows live progress until it ends and prints the best architectures
  nas search status ID [--json]   live progress of a running search (a query to the workflow):
                                  iteration, children / budget, best, baseline, depth, workers seen
  nas search pause|resume|stop ID pause after the children in flight, resume, or finish and stop
  nas search replicas ID K        run K controller replicas from now on (added at once; extra ones
                                  retire after their iteration in flight)
  nas search list [--limit N]     searches known to Temporal, newest first
`,
  best: '  nas best ID [--top N]           the best children so far, from SQL\n',
  export: `  nas export ID --out DIR [--rank 1] [--epochs N]
                                  retrain a searched architecture on train+validation, measure it on
                                  the test split, save it as a tfjs model (model.json + weights)
`,
  report: `  nas report ID --out DIR [--top 3]
                                  a self-contained HTML page (curves, distributions, diagrams of the
                                  best architectures) and PNG images of the charts
`,
  worker: `  nas worker --queue NAME         a worker polling NAME: the controller worker when NAME is the
                                  controller queue of temporal.yaml, else a training worker
  nas worker controller|training|sharing [--queue NAME] [--device N]
                                  --device N: a GPU training worker on GPU N only (CUDA_VISIBLE_DEVICES,
                                  nvidia-smi's numbering); run one per GPU, each training
                                  training.concurrency children at once. sharing: holds the shared
                                  weights of weight-sharing searches (mode weightSharing)
`,
  migrate: '  nas migrate                     apply the SQL migrations\n',
  dev: '  nas dev up|down                 start / stop the embedded Temporal dev server and PostgreSQL\n',
};
const HELP = `nas: Neural Architecture Search with reinforcement learning, on Temporal\n\n${Object.values(USAGE).join('')}`;

const BAD_INPUT = new Set(['InvalidConfigError', 'DatasetNotFoundError', 'InvalidDatasetError', 'InvalidArchitectureError', 'NotFoundError']);

async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { booleans: ['help', 'json', 'follow'], repeatable: ['set'] });
  const [command, sub, target] = args.positional;
  // Asked for (`nas --help`, `nas help [command]`, `nas search --help`): exit 0. No command at all is a usage error: exit 2.
  if (args.flags.help || !command || command === 'help') {
    const topic = command === 'help' ? sub : command;
    process.stdout.write(topic && USAGE[topic] ? `usage:\n${USAGE[topic]}` : HELP);
    return args.flags.help || command === 'help' ? 0 : 2;
  }
  const flags = args.flags;

  if (command === 'search' && (sub === 'run' || sub === 'start')) {
    const f = sub === 'run' ? parseFlags('search run', flags) : parseFlags('search start', flags);
    const runtime = loadRuntimeConfig();
    // Validated before anything is started or written.
    const { input, config } = searchConfigFrom({ preset: f.preset, file: f.config, set: f.set, trainingTaskQueue: runtime.training.taskQueue, sharingTaskQueue: runtime.temporal.taskQueues.sharing });
    checkDataPath(config);
    if (sub === 'run') {
      const result = await runSearch(runtime, { searchId: f.id, input, config, trainingWorkers: 'workers' in f ? f.workers : undefined }, process.stdout);
      process.stdout.write(describeResult(result));
      return 0;
    }
    const pool = await openDatabase(runtime);
    const client = await connectClient(runtime);
    try {
      const { handle, resumed } = await startSearch(client, runtime, { searchId: f.id, input, config });
      process.stdout.write(`${handle.workflowId}${resumed ? ' (already running)' : ''}\n`);
      if ('follow' in f && f.follow) process.stdout.write(describeResult(await followToEnd(handle, pool, process.stdout)));
    } finally {
      await client.connection.close();
      await pool.end();
    }
    return 0;
  }
  if (command === 'search' && sub === 'status' && target) {
    const f = parseFlags('search status', flags);
    const runtime = loadRuntimeConfig();
    const pool = await openDatabase(runtime, 2);
    const client = await connectClient(runtime);
    try {
      await reconcileBeforeRead(pool, client, [target], warn);
      const status = await searchStatus(client, pool, target);
      process.stdout.write(f.json ? `${JSON.stringify(status, null, 2)}\n` : formatStatus(status));
    } finally {
      await client.connection.close();
      await pool.end();
    }
    return 0;
  }
  if (command === 'search' && (sub === 'pause' || sub === 'resume' || sub === 'stop') && target) {
    parseFlags('search control', flags);
    const client = await connectClient(loadRuntimeConfig());
    await controlSearch(client, target, sub);
    process.stdout.write(`${sub} sent to ${target}\n`);
    await client.connection.close();
    return 0;
  }
  if (command === 'search' && sub === 'replicas' && target) {
    parseFlags('search control', flags);
    const wanted = Number(args.positional[3]);
    if (!Number.isInteger(wanted) || wanted < 1) throw new InvalidConfigError(`search replicas: K must be a positive whole number, got "${args.positional[3] ?? ''}"`);
    const client = await connectClient(loadRuntimeConfig());
    try {
      const replicas = await setReplicas(client, target, wanted);
      process.stdout.write(`${target}: ${replicas.wanted} replicas wanted (${replicas.running} running when asked)\n`);
    } finally {
      await client.connection.close();
    }
    return 0;
  }
  if (command === 'search' && sub === 'list') {
    const f = parseFlags('search list', flags);
    const runtime = loadRuntimeConfig();
    const client = await connectClient(runtime);
    const searches = await listSearches(client, f.limit ?? 50);
    // Rows of the listed searches that Temporal shows closed by terminate, cancel or timeout are closed in SQL too.
    const closed = searches.filter((s) => ['TERMINATED', 'CANCELLED', 'TIMED_OUT', 'FAILED'].includes(s.status)).map((s) => s.id);
    if (closed.length > 0) await withPool(runtime, (pool) => reconcileBeforeRead(pool, client, closed, warn)).catch((err: Error) => warn(err.message));
    for (const s of searches) {
      // The search attribute holds accuracy; for a cell search that is next-word accuracy, said so.
      const best = `${s.space === 'rnnCell' ? 'best next-word accuracy' : 'best'} ${s.bestAccuracy?.toFixed(4) ?? '-'}`;
      process.stdout.write(`${s.id}\t${s.status}\t${s.space ?? '-'}\t${s.childrenDone ?? 0} children\t${best}\t${s.started.toISOString()}\n`);
    }
    await client.connection.close();
    return 0;
  }
  if (command === 'export' && sub) {
    const f = parseFlags('export', flags);
    const runtime = loadRuntimeConfig();
    await withPool(runtime, async (pool) => {
      const result = await exportChild(pool, loadTf(runtime.training.backend, { home: runtime.home }), { searchId: sub, rank: f.rank ?? 1, out: f.out, epochs: f.epochs });
      process.stdout.write(`exported rank ${result.rank} of ${result.searchId} to ${f.out}: test accuracy ${result.testAccuracy.toFixed(4)} `
        + `on ${result.testImages} images after ${result.epochs} epochs (search validation accuracy ${result.searchValidationAccuracy?.toFixed(4) ?? '-'})\n`);
    });
    return 0;
  }
  if (command === 'report' && sub) {
    const f = parseFlags('report', flags);
    const runtime = loadRuntimeConfig();
    await withPool(runtime, async (pool) => {
      await reconcileBeforeRead(pool, () => connectClient(runtime), [sub], warn);
      const files = writeReportFiles(f.out, await buildReport(pool, parseSearchId(sub), { top: f.top ?? 3 }));
      process.stdout.write(`report of ${sub} written to ${f.out}: ${files.map((file) => path.basename(file)).join(', ')}\n`);
    });
    return 0;
  }
  if (command === 'best' && sub) {
    const f = parseFlags('best', flags);
    const runtime = loadRuntimeConfig();
    await withPool(runtime, async (pool) => {
      await reconcileBeforeRead(pool, () => connectClient(runtime), [sub], warn);
      await printBest(pool, sub, f.top ?? 5, process.stdout);
    });
    return 0;
  }
  if (command === 'worker' && (sub === undefined || sub === 'controller' || sub === 'training' || sub === 'sharing')) {
    const f = parseFlags('worker', flags);
    if (f.device !== undefined) {
      // Read by libtensorflow when tfjs-node-gpu loads (after this): this process sees that GPU only
      // (the binding uses one GPU, the last it sees). PCI order makes N nvidia-smi's GPU N; CUDA's own
      // default is fastest first.
      process.env.CUDA_VISIBLE_DEVICES = String(f.device);
      process.env.CUDA_DEVICE_ORDER ??= 'PCI_BUS_ID';
    }
    return runWorker(sub, f.queue);
  }
  if (command === 'migrate' && !sub) {
    parseFlags('migrate', flags);
    const pool = await openDatabase(loadRuntimeConfig());
    await pool.end();
    process.stdout.write('migrations applied\n');
    return 0;
  }
  if (command === 'dev' && (sub === 'up' || sub === 'down')) {
    parseFlags('dev', flags);
    const runtime = loadRuntimeConfig();
    if (sub === 'down') {
      await stopDevServers(runtime);
      process.stdout.write('dev servers of this NAS_HOME stopped\n');
      return 0;
    }
    const servers = await ensureDevServers(runtime);
    process.stdout.write(`PostgreSQL: ${servers.databaseUrl}\nTemporal:   ${servers.temporalAddress} (Web UI http://127.0.0.1:${runtime.temporal.uiPort})\n`);
    return 0;
  }
  throw new InvalidConfigError(`unknown command "${args.positional.join(' ')}"; see nas --help`);
}

/** A note on stderr that does not fail the command. */
function warn(message: string): void {
  process.stderr.write(`nas: warning: ${message}\n`);
}

/** A small pool for one command's queries, ended whatever happens. */
async function withPool(runtime: RuntimeConfig, work: (pool: Db) => Promise<void>): Promise<void> {
  const pool = await openDatabase(runtime, 2);
  try {
    await work(pool);
  } finally {
    await pool.end();
  }
}

/**
 * `nas worker --queue NAME` picks its role from the queue (the issue's spelling); `nas worker
 * controller|training` names it. The controller worker polls only the controller queue of temporal.yaml.
 */
async function runWorker(named: 'controller' | 'training' | 'sharing' | undefined, queue?: string): Promise<number> {
  const runtime = loadRuntimeConfig();
  const controllerQueue = runtime.temporal.taskQueues.controller;
  if (!named && !queue) throw new InvalidConfigError('nas worker needs --queue NAME (or controller|training|sharing); see nas worker --help');
  const role = named ?? (queue === controllerQueue ? 'controller' : queue === runtime.temporal.taskQueues.sharing ? 'sharing' : 'training');
  if (role === 'controller' && queue !== undefined && queue !== controllerQueue) {
    throw new InvalidConfigError(`the controller worker polls "${controllerQueue}" (temporal.yaml temporal.taskQueues.controller), not "${queue}"`);
  }
  Runtime.install({ logger: new DefaultLogger(process.env.NAS_LOG_LEVEL === 'debug' ? 'DEBUG' : 'WARN') });
  const { worker, close } = role === 'controller' ? await createControllerWorker(runtime)
    : role === 'sharing' ? await createSharingWorker(runtime, { claimQueue: queue }) : await createTrainingWorker(runtime, { taskQueue: queue });
  const parent = Number(process.env.NAS_PARENT_PID ?? 0);
  if (parent > 0) {
    // Started by `nas search run`: leave when it is gone (even after kill -9), not orphaned forever.
    const watch = setInterval(() => {
      try {
        process.kill(parent, 0);
      } catch {
        clearInterval(watch);
        if (worker.getState() === 'RUNNING') worker.shutdown();
      }
    }, 2000);
    watch.unref();
  }
  const polled = role === 'controller' ? controllerQueue : role === 'sharing' ? queue ?? runtime.temporal.taskQueues.sharing : queue ?? runtime.training.taskQueue;
  process.stdout.write(`${role} worker polling ${polled}\n`);
  await worker.run();
  await close();
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    const name = err instanceof Error ? err.name : 'Error';
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`nas: ${err instanceof NasError ? '' : `${name}: `}${message}\n`);
    process.exit(BAD_INPUT.has(name) ? 2 : 1);
  },
);
