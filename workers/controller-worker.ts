// The controller worker: hosts the nasSearch workflow and the controller activities (sample,
// update) on the controller task queue. Child training never runs here (training-worker.ts).
import { Worker } from '@temporalio/worker';
import { createControllerActivities } from '../activities';
import { loadTf } from '../backend/tf';
import type { RuntimeConfig } from '../config/runtime';
import { connectWorker, openDatabaseWaiting } from './connect';

export async function createControllerWorker(runtime: RuntimeConfig, identity?: string): Promise<{ worker: Worker; close: () => Promise<void> }> {
  const pool = await openDatabaseWaiting(runtime);
  const connection = await connectWorker(runtime);
  // The controller is tiny (a 35-unit LSTM); it always runs on the CPU backend.
  const tf = loadTf('cpu');
  const worker = await Worker.create({
    connection,
    namespace: runtime.temporal.namespace,
    taskQueue: runtime.temporal.taskQueues.controller,
    workflowsPath: require.resolve('../workflows'),
    activities: createControllerActivities({ pool, tf }),
    // Controller activities run synchronous tensor code; two at a time keep the event loop responsive.
    maxConcurrentActivityTaskExecutions: 2,
    ...(identity ? { identity } : {}),
  });
  return { worker, close: async () => { await connection.close(); await pool.end(); } };
}
