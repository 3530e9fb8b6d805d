// The activity proxies the search workflows use, with their timeouts and retry policy: controller
// activities on the workflow's own task queue, trainChild on the search's training queue, and for a
// weight-sharing search the claim of an ω worker and the ω work on that worker's own queue.
import { type RetryPolicy, proxyActivities } from '@temporalio/workflow';
import type { ControllerActivities, TrainingActivities } from '../activities';
import type { SharingActivities } from '../activities/sharing';
import type { SearchConfig } from '../config/search-config';
import { NON_RETRYABLE_ERROR_TYPES } from '../errors';

export function activities(config: SearchConfig) {
  const retry: RetryPolicy = { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', nonRetryableErrorTypes: [...NON_RETRYABLE_ERROR_TYPES] };
  const controller = proxyActivities<ControllerActivities>({
    startToCloseTimeout: `${config.timeouts.controllerStartToCloseMinutes}m`,
    heartbeatTimeout: `${config.timeouts.controllerHeartbeatSeconds}s`,
    retry,
  });
  const training = proxyActivities<TrainingActivities>({
    taskQueue: config.trainingTaskQueue,
    startToCloseTimeout: `${config.timeouts.childStartToCloseMinutes}m`,
    heartbeatTimeout: `${config.timeouts.childHeartbeatSeconds}s`,
    retry: { ...retry, maximumAttempts: 20 },
  });
  const ws = config.weightSharing;
  // Waits for some ω worker to exist, as children wait for training workers.
  const claim = proxyActivities<Pick<SharingActivities, 'claimSharedWeights'>>({
    taskQueue: ws.taskQueue, startToCloseTimeout: '1m', retry: { ...retry, maximumAttempts: 10 },
  });
  /** ω work on one worker's own queue: a worker that does not pick it up in time is presumed gone. */
  const sharing = (taskQueue: string) => proxyActivities<Omit<SharingActivities, 'claimSharedWeights'>>({
    taskQueue,
    scheduleToStartTimeout: `${ws.workerStartSeconds}s`,
    startToCloseTimeout: `${config.timeouts.childStartToCloseMinutes}m`,
    heartbeatTimeout: `${config.timeouts.childHeartbeatSeconds}s`,
    retry: { ...retry, maximumAttempts: 3 },
  });
  // Activity proxies are Proxy objects: they cannot be spread into one object.
  return { controller, training, claim, sharing };
}

export type SearchActivities = ReturnType<typeof activities>;
