// The controller worker: hosts the nasSearch workflow and the controller activities (sample,
// update) on the controller task queue, and sweeps for searches whose workflow was closed from outside
// (workers/closed-searches.ts). Child training never runs here (training-worker.ts).
import { Runtime, Worker } from '@temporalio/worker';
import { createControllerActivities } from '../activities';
import type { RuntimeConfig } from '../config/runtime';
import { startClosedSearchSweep } from './closed-searches';
import { connectClient, connectWorker, openDatabaseWaiting } from './connect';

export async function createControllerWorker(runtime: RuntimeConfig, identity?: string): Promise<{ worker: Worker; close: () => Promise<void> }> {
  const pool = await openDatabaseWaiting(runtime);
  const connection = await connectWorker(runtime);
  const worker = await Worker.create({
    connection,
    namespace: runtime.temporal.namespace,
    taskQueue: runtime.temporal.taskQueues.controller,
    workflowsPath: require.resolve('../workflows'),
    activities: createControllerActivities({ pool }),
    // Controller activities run synchronous arithmetic (milliseconds); two at a time keep the event loop responsive.
    maxConcurrentActivityTaskExecutions: 2,
    ...(identity ? { identity } : {}),
  });
  // A terminated search runs no code to close its row: this worker's sweep does, every 30 s.
  const logger = Runtime.instance().logger;
  const sweep = startClosedSearchSweep(pool, () => connectClient(runtime), { log: { info: (m) => logger.info(m), warn: (m) => logger.warn(m) } });
  return { worker, close: async () => { await sweep.stop(); await connection.close(); await pool.end(); } };
}
