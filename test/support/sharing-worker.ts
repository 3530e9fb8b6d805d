// An ω-holding worker (weight-sharing searches) inside the test process: the claim queue and its own
// queue, as workers/sharing-worker.ts runs them, against the test Temporal server and one database.
import { NativeConnection, Worker } from '@temporalio/worker';
import { createSharingActivities } from '../../activities/sharing';
import { loadTf } from '../../backend/tf';
import { loadDataset } from '../../data/load';
import type { Db } from '../../store/db';
import { quietTemporalRuntime } from './in-process-workers';
import { testServers, uniqueId } from './servers';

export interface InProcessSharingWorker { claimQueue: string; ownQueue: string; stop: () => Promise<void> }

export async function startSharingWorker(pool: Db, claimQueue = uniqueId('sharing')): Promise<InProcessSharingWorker> {
  quietTemporalRuntime();
  const { temporalAddress, namespace } = await testServers();
  const tf = loadTf('cpu');
  const ownQueue = uniqueId(`${claimQueue}/own`);
  const { holder, ...activities } = createSharingActivities({ pool, tf, loadData: (config, seed) => loadDataset(tf, config, seed), ownQueue, workerIdentity: `test:${ownQueue}` });
  const connection = await NativeConnection.connect({ address: temporalAddress });
  const workers = await Promise.all([claimQueue, ownQueue].map((taskQueue) => Worker.create({ connection, namespace, taskQueue, activities, maxConcurrentActivityTaskExecutions: 1 })));
  const runs = workers.map((w) => w.run());
  return {
    claimQueue, ownQueue,
    stop: async () => {
      for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
      await Promise.allSettled(runs);
      holder.dispose();
      await connection.close();
    },
  };
}
