// A training worker: serves trainChild on one training task queue (one per device kind), with
// training.concurrency children at once: per core on a CPU worker, per GPU on a GPU worker (which sees
// one device, --device N), and checks device memory after each. Runs wherever Temporal and Postgres are reachable.
import os from 'node:os';
import { Worker } from '@temporalio/worker';
import { createTrainingActivities } from '../activities';
import { loadTf } from '../backend/tf';
import type { RuntimeConfig } from '../config/runtime';
import { loadDataset } from '../data/load';
import { loadTextCorpus } from '../data/text-load';
import { loadCache } from '../data/load-cache';
import { loadNb201Table, type Nb201Table } from '../data/nb201-table';
import type { Nb201Architecture } from '../space/nb201';
import type { ChildKey } from '../store/children';
import { connectWorker, openDatabaseWaiting } from './connect';
import { watchMemory } from './memory-watch';

export async function createTrainingWorker(runtime: RuntimeConfig, options: { taskQueue?: string } = {}): Promise<{ worker: Worker; close: () => Promise<void> }> {
  const tf = loadTf(runtime.training.backend, { home: runtime.home });
  const pool = await openDatabaseWaiting(runtime);
  const connection = await connectWorker(runtime);
  const taskQueue = options.taskQueue ?? runtime.training.taskQueue;
  const workerIdentity = `${os.hostname()}:${process.pid}:${taskQueue}`;
  const activities = createTrainingActivities({ pool, tf, workerIdentity, loadData: (config, seed) => loadDataset(tf, config, seed), loadText: loadTextCorpus, lookupTable: tableLookup() });
  const memory = watchMemory(tf, (message) => process.stderr.write(`nas worker: warning: ${message}\n`));
  const worker = await Worker.create({
    connection,
    namespace: runtime.temporal.namespace,
    taskQueue,
    identity: workerIdentity,
    activities: { ...activities, trainChild: (key: ChildKey) => memory.around(() => activities.trainChild(key)) },
    // Children at once: one per core on a CPU (tfjs-node keeps about one busy per child; the SDK
    // default, 100, would thrash); on a GPU (one worker per device), a few when children are small.
    maxConcurrentActivityTaskExecutions: runtime.training.concurrency,
  });
  return { worker, close: async () => { await connection.close(); await pool.end(); } };
}

/** Benchmark tables are read once per process and path; a failed read is retried next time. */
export function tableLookup(): (path: string, arch: Nb201Architecture) => Promise<{ validationAccuracy: number; paramCount: number }> {
  const tables = loadCache<Nb201Table>();
  return async (path, arch) => {
    // The reward reads valid_acc_12ep only (as NAS-Bench-201's search algorithms did); test columns are never read here.
    const row = (await tables.get(path, () => loadNb201Table(path))).lookup(arch);
    return { validationAccuracy: row.valid_acc_12ep / 100, paramCount: Math.round(row.params_m * 1e6) };
  };
}
