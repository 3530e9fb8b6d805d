// A controller worker and a training worker inside the test process, on task queues of their own,
// against the test Temporal server and one test database; plus a client to start searches with.
// Not the worker processes of workers/*.ts and the CLI (kill.test.ts spawns those).
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { type ControllerActivities, createControllerActivities, createTrainingActivities } from '../../activities';
import { loadTf } from '../../backend/tf';
import { loadDataset } from '../../data/load';
import { loadTextCorpus } from '../../data/text-load';
import type { Db } from '../../store/db';
import { tableLookup } from '../../workers/training-worker';
import { testServers, uniqueId } from './servers';

export const WORKFLOWS_PATH = require.resolve('../../workflows');

let runtimeInstalled = false;

/** Only errors from the SDK's own logger (an expected workflow failure logs a warning); once per process, before any worker or connection. */
export function quietTemporalRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  Runtime.install({ logger: new DefaultLogger('ERROR') });
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;

/** The workflows bundled once per test process: every worker of a file runs the same code. */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: new DefaultLogger('ERROR') });
  return bundle;
}

export interface SearchWorkers {
  client: Client;
  controllerQueue: string;
  trainingQueue: string;
  /** Rejects if either worker stops with an error before stop(); race it against a result. */
  failed: Promise<never>;
  stop: () => Promise<void>;
}

/**
 * `training: false` leaves the training queue to worker processes the test starts itself;
 * `controller` wraps the controller activities (a test that makes one attempt misbehave).
 */
export async function startSearchWorkers(pool: Db, options: { training?: boolean; controller?: (activities: ControllerActivities) => ControllerActivities } = {}): Promise<SearchWorkers> {
  quietTemporalRuntime();
  const { temporalAddress, namespace } = await testServers();
  const tf = loadTf('cpu');
  const controllerQueue = uniqueId('ctl');
  const trainingQueue = uniqueId('train');
  const native = await NativeConnection.connect({ address: temporalAddress });
  const controller = await Worker.create({
    connection: native,
    namespace,
    taskQueue: controllerQueue,
    workflowBundle: await workflowBundle(),
    activities: (options.controller ?? ((a) => a))(createControllerActivities({ pool })),
    maxConcurrentActivityTaskExecutions: 2,
  });
  const workerIdentity = `test:${process.pid}:${trainingQueue}`;
  const training = options.training === false ? undefined : await Worker.create({
    connection: native,
    namespace,
    taskQueue: trainingQueue,
    identity: workerIdentity,
    activities: createTrainingActivities({ pool, tf, workerIdentity, loadData: (config, seed) => loadDataset(tf, config, seed), loadText: loadTextCorpus, lookupTable: tableLookup() }),
    maxConcurrentActivityTaskExecutions: 2,
  });
  const runs = [controller.run(), ...(training ? [training.run()] : [])];
  const failed = Promise.race(runs).then(() => {
    throw new Error('a test worker stopped before the test ended');
  });
  failed.catch(() => undefined); // observed by whoever races it
  const connection = await Connection.connect({ address: temporalAddress });
  const client = new Client({ connection, namespace });
  let stopped = false;
  return {
    client, controllerQueue, trainingQueue, failed,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      for (const worker of [controller, training]) {
        if (worker?.getState() === 'RUNNING') worker.shutdown();
      }

      await Promise.allSettled(runs);
      await connection.close();
      await native.close();
    },
  };
}

