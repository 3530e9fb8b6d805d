// A training worker: serves trainChild on one training task queue (one per device kind), with as
// many children at once as it has devices. Runs on any machine that reaches Temporal and Postgres.
import os from 'node:os';
import { Worker } from '@temporalio/worker';
import { createTrainingActivities } from '../activities';
import { loadTf } from '../backend/tf';
import type { RuntimeConfig } from '../config/runtime';
import { loadDataset } from '../data/load';
import { connectWorker, openDatabase } from './connect';

export async function createTrainingWorker(runtime: RuntimeConfig, options: { taskQueue?: string } = {}): Promise<{ worker: Worker; close: () => Promise<void> }> {
  const tf = loadTf(runtime.training.backend);
  const pool = await openDatabase(runtime);
  const connection = await connectWorker(runtime);
  const taskQueue = options.taskQueue ?? runtime.training.taskQueue;
  const workerIdentity = `${os.hostname()}:${process.pid}:${taskQueue}`;
  const worker = await Worker.create({
    connection,
    namespace: runtime.temporal.namespace,
    taskQueue,
    identity: workerIdentity,
    activities: createTrainingActivities({ pool, tf, workerIdentity, loadData: (config, seed) => loadDataset(tf, config, seed) }),
    // One child per device: tfjs-node keeps about one core busy per child (the SDK default, 100, would thrash).
    maxConcurrentActivityTaskExecutions: runtime.training.concurrency,
  });
  return { worker, close: async () => { await connection.close(); await pool.end(); } };
}
