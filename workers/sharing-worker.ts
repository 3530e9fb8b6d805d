// The weight-sharing worker: holds the shared weights ω of the searches that claim it (ENAS). Two
// Temporal workers in one process (the worker-specific task queue pattern): one takes claims on the
// shared claim queue, the other serves ω work on this process's own queue, which no other process
// polls. One ω step at a time per device; a restarted process gets a new queue and its searches
// claim again, resuming from ω's newest checkpoint in PostgreSQL.
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { Worker } from '@temporalio/worker';
import { createSharingActivities } from '../activities/sharing';
import { loadTf } from '../backend/tf';
import type { RuntimeConfig } from '../config/runtime';
import { loadDataset } from '../data/load';
import { connectWorker, openDatabaseWaiting } from './connect';

export interface SharingWorker {
  /** This process's own queue. */
  ownQueue: string;
  worker: Pick<Worker, 'run' | 'shutdown' | 'getState'>;
  close: () => Promise<void>;
}

export async function createSharingWorker(runtime: RuntimeConfig, options: { claimQueue?: string } = {}): Promise<SharingWorker> {
  const tf = loadTf(runtime.training.backend, { home: runtime.home });
  const pool = await openDatabaseWaiting(runtime);
  const connection = await connectWorker(runtime);
  const claimQueue = options.claimQueue ?? runtime.temporal.taskQueues.sharing;
  const ownQueue = `${claimQueue}/${os.hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const workerIdentity = `${os.hostname()}:${process.pid}:${ownQueue}`;
  const { holder, ...activities } = createSharingActivities({ pool, tf, loadData: (config, seed) => loadDataset(tf, config, seed), ownQueue, workerIdentity });
  const common = { connection, namespace: runtime.temporal.namespace, identity: workerIdentity, activities };
  const claims = await Worker.create({ ...common, taskQueue: claimQueue, maxConcurrentActivityTaskExecutions: 4 });
  // ω work runs one activity at a time: it is synchronous tensor code on one ω.
  const own = await Worker.create({ ...common, taskQueue: ownQueue, maxConcurrentActivityTaskExecutions: 1 });
  const worker: SharingWorker['worker'] = {
    run: async () => { await Promise.all([claims.run(), own.run()]); },
    shutdown: () => { for (const w of [claims, own]) if (w.getState() === 'RUNNING') w.shutdown(); },
    getState: () => own.getState(),
  };
  return { ownQueue, worker, close: async () => { holder.dispose(); await connection.close(); await pool.end(); } };
}
