// The activity proxies the search workflows use, with their timeouts and retry policy: controller
// activities on the workflow's own task queue, trainChild on the search's training queue, and for a
// weight-sharing search the claim of an ω worker and the ω work on that worker's own queue.
import { type RetryPolicy, proxyActivities } from '@temporalio/workflow';
import type { ControllerActivities, TrainingActivities } from '../activities';
import type { SharingActivities } from '../activities/sharing';
import type { SearchConfig } from '../config/search-config';
import { NON_RETRYABLE_ERROR_TYPES } from '../errors';

/**
 * Every activity's retry policy. Failures that cannot heal are our named errors and end at once;
 * anything else (PostgreSQL or Temporal restarting, a worker killed mid-attempt) is retried with
 * backoff 1, 2, 4, 8, 16, then every 30 s: 20 attempts span about 8 minutes of failures, well past
 * a restart of a minute or two, and then the activity, its replica and the search fail. Time a task
 * waits in its queue for a worker costs no attempt: a stopped worker fleet does not fail searches.
 */
export const ACTIVITY_RETRY: RetryPolicy = {
  initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 20,
  nonRetryableErrorTypes: [...NON_RETRYABLE_ERROR_TYPES],
};

export function activities(config: SearchConfig) {
  const controller = proxyActivities<ControllerActivities>({
    startToCloseTimeout: `${config.timeouts.controllerStartToCloseMinutes}m`,
    heartbeatTimeout: `${config.timeouts.controllerHeartbeatSeconds}s`,
    retry: ACTIVITY_RETRY,
  });
  const training = proxyActivities<TrainingActivities>({
    taskQueue: config.trainingTaskQueue,
    startToCloseTimeout: `${config.timeouts.childStartToCloseMinutes}m`,
    heartbeatTimeout: `${config.timeouts.childHeartbeatSeconds}s`,
    retry: ACTIVITY_RETRY,
  });
  const ws = config.weightSharing;
  // Waits for some ω worker to exist, as children wait for training workers.
  const claim = proxyActivities<Pick<SharingActivities, 'claimSharedWeights'>>({
    taskQueue: ws.taskQueue, startToCloseTimeout: '1m', retry: ACTIVITY_RETRY,
  });
  /**
   * ω work on one worker's own queue. A worker that dies stops heartbeating; the retry then waits on
   * a queue nobody polls, and the schedule-to-start timeout (never retried) says the worker is gone.
   */
  const sharing = (taskQueue: string) => proxyActivities<Omit<SharingActivities, 'claimSharedWeights'>>({
    taskQueue,
    scheduleToStartTimeout: `${ws.workerStartSeconds}s`,
    startToCloseTimeout: `${config.timeouts.childStartToCloseMinutes}m`,
    heartbeatTimeout: `${config.timeouts.childHeartbeatSeconds}s`,
    retry: ACTIVITY_RETRY,
  });
  // Activity proxies are Proxy objects: they cannot be spread into one object.
  return { controller, training, claim, sharing };
}

export type SearchActivities = ReturnType<typeof activities>;
