#!/usr/bin/env node
// The `nas` command line. Parses flags at the edge, prints one clear line per error (exit 2 for bad
// input, 1 for anything else), and leaves the work to search.ts, the workers and dev/.
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { loadRuntimeConfig } from '../config/runtime';
import { stopDevServers, ensureDevServers } from '../dev';
import { NasError, InvalidConfigError } from '../errors';
import { createControllerWorker } from '../workers/controller-worker';
import { createTrainingWorker } from '../workers/training-worker';
import { connectClient, openDatabase } from '../workers/connect';
import { loadTf } from '../backend/tf';
import path from 'node:path';
import { parseSearchId } from '../config/parse';
import { buildReport } from '../report/build';
import { writeReportFiles } from '../report/write';
import { parseArgs } from './args';
import { exportChild } from './export';
import { searchConfigFrom } from './config-input';
import { controlSearch, listSearches, printBest, runSearch, searchStatus, startSearch } from './search';

const HELP = `nas: Neural Architecture Search with reinforcement learning, on Temporal

  nas search run   [--preset digits|paper] [--config file.yaml] [--set key=value ...] [--id ID] [--workers N]
                   start servers and workers here, run a search, follow it, print the best architectures
  nas search start [same flags]   start a search for workers that run elsewhere; prints its id
  nas search status ID            live progress of a running search
  nas search pause|resume|stop ID pause after the children in flight, resume, or finish and stop
  nas search list                 searches known to Temporal, newest first
  nas best ID [--top N]           the best children so far, from SQL
  nas export ID --out DIR [--rank 1] [--epochs N]
                                  retrain a searched architecture on train+validation, measure it on
                                  the test split, save it as a tfjs model (model.json + weights)
  nas report ID --out DIR [--top 3]
                                  a self-contained HTML page (curves, distributions, diagrams of the
                                  best architectures) and PNG images of the charts
  nas worker controller|training [--queue NAME]
  nas migrate                     apply the SQL migrations
  nas dev up|down                 start / stop the embedded Temporal dev server and PostgreSQL
`;

const BAD_INPUT = new Set(['InvalidConfigError', 'DatasetNotFoundError', 'InvalidDatasetError', 'InvalidArchitectureError', 'NotFoundError']);

async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { booleans: ['help', 'json'], repeatable: ['set'] });
  const [command, sub, target] = args.positional;
  if (args.flags.help || !command) {
    process.stdout.write(HELP);
    return command ? 0 : 2;
  }
  const str = (name: string) => (typeof args.flags[name] === 'string' ? (args.flags[name] as string) : undefined);
  const int = (name: string) => {
    const v = str(name);
    if (v === undefined) return undefined;
    if (!/^\d+$/.test(v) || Number(v) < 1) throw new InvalidConfigError(`--${name} must be a positive whole number, got "${v}"`);
    return Number(v);
  };

  if (command === 'search' && (sub === 'run' || sub === 'start')) {
    const runtime = loadRuntimeConfig();
    // Validated before anything is started or written.
    const { input, config } = searchConfigFrom({ preset: str('preset'), file: str('config'), set: args.flags.set as string[] | undefined, trainingTaskQueue: runtime.training.taskQueue });
    if (sub === 'run') {
      const result = await runSearch(runtime, { searchId: str('id'), input, config, trainingWorkers: int('workers') }, process.stdout);
      process.stdout.write(`search ${result.searchId} ${result.status}: ${result.childrenDone} children in ${result.iterations} iterations, `
        + `best validation accuracy ${result.bestAccuracy?.toFixed(4) ?? '-'}\n  best: ${result.bestArchitecture ?? '-'}\n`);
      return 0;
    }
    await openDatabase(runtime).then((pool) => pool.end());
    const client = await connectClient(runtime);
    const { handle, resumed } = await startSearch(client, runtime, { searchId: str('id'), input, config });
    process.stdout.write(`${handle.workflowId}${resumed ? ' (already running)' : ''}\n`);
    await client.connection.close();
    return 0;
  }
  if (command === 'search' && sub === 'status' && target) {
    const client = await connectClient(loadRuntimeConfig());
    process.stdout.write(`${JSON.stringify(await searchStatus(client, target), null, 2)}\n`);
    await client.connection.close();
    return 0;
  }
  if (command === 'search' && (sub === 'pause' || sub === 'resume' || sub === 'stop') && target) {
    const client = await connectClient(loadRuntimeConfig());
    await controlSearch(client, target, sub);
    process.stdout.write(`${sub} sent to ${target}\n`);
    await client.connection.close();
    return 0;
  }
  if (command === 'search' && sub === 'list') {
    const client = await connectClient(loadRuntimeConfig());
    for (const s of await listSearches(client, int('limit') ?? 50)) {
      process.stdout.write(`${s.id}\t${s.status}\t${s.space ?? '-'}\t${s.childrenDone ?? 0} children\tbest ${s.bestAccuracy?.toFixed(4) ?? '-'}\t${s.started.toISOString()}\n`);
    }
    await client.connection.close();
    return 0;
  }
  if (command === 'export' && sub) {
    const out = str('out');
    if (!out) throw new InvalidConfigError('nas export needs --out DIR');
    const runtime = loadRuntimeConfig();
    const pool = await openDatabase(runtime, 2);
    try {
      const result = await exportChild(pool, loadTf(runtime.training.backend), { searchId: sub, rank: int('rank') ?? 1, out, epochs: int('epochs') });
      process.stdout.write(`exported rank ${result.rank} of ${result.searchId} to ${out}: test accuracy ${result.testAccuracy.toFixed(4)} `
        + `on ${result.testImages} images after ${result.epochs} epochs (search validation accuracy ${result.searchValidationAccuracy?.toFixed(4) ?? '-'})\n`);
    } finally {
      await pool.end();
    }
    return 0;
  }
  if (command === 'report' && sub) {
    const out = str('out');
    if (!out) throw new InvalidConfigError('nas report needs --out DIR');
    const pool = await openDatabase(loadRuntimeConfig(), 2);
    try {
      const files = writeReportFiles(out, await buildReport(pool, parseSearchId(sub), { top: int('top') ?? 3 }));
      process.stdout.write(`report of ${sub} written to ${out}: ${files.map((f) => path.basename(f)).join(', ')}\n`);
    } finally {
      await pool.end();
    }
    return 0;
  }
  if (command === 'best' && sub) {
    const pool = await openDatabase(loadRuntimeConfig(), 2);
    await printBest(pool, sub, int('top') ?? 5, process.stdout);
    await pool.end();
    return 0;
  }
  if (command === 'worker' && (sub === 'controller' || sub === 'training')) {
    return runWorker(sub, str('queue'));
  }
  if (command === 'migrate') {
    const pool = await openDatabase(loadRuntimeConfig());
    await pool.end();
    process.stdout.write('migrations applied\n');
    return 0;
  }
  if (command === 'dev' && (sub === 'up' || sub === 'down')) {
    const runtime = loadRuntimeConfig();
    if (sub === 'down') {
      await stopDevServers(runtime);
      return 0;
    }
    const servers = await ensureDevServers(runtime);
    process.stdout.write(`PostgreSQL: ${servers.databaseUrl}\nTemporal:   ${servers.temporalAddress} (Web UI http://127.0.0.1:${runtime.temporal.uiPort})\n`);
    return 0;
  }
  throw new InvalidConfigError(`unknown command "${args.positional.join(' ')}"; see nas --help`);
}

async function runWorker(role: 'controller' | 'training', queue?: string): Promise<number> {
  const runtime = loadRuntimeConfig();
  Runtime.install({ logger: new DefaultLogger(process.env.NAS_LOG_LEVEL === 'debug' ? 'DEBUG' : 'WARN') });
  const { worker, close } = role === 'controller' ? await createControllerWorker(runtime) : await createTrainingWorker(runtime, { taskQueue: queue });
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
  process.stdout.write(`${role} worker polling ${role === 'controller' ? runtime.temporal.taskQueues.controller : queue ?? runtime.training.taskQueue}\n`);
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
