// The activity proxies the search workflows use, with their timeouts and retry policy: controller
// activities on the workflow's own task queue, trainChild on the search's training queue.
import { type RetryPolicy, proxyActivities } from '@temporalio/workflow';
import type { ControllerActivities, TrainingActivities } from '../activities';
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
  // Activity proxies are Proxy objects: they cannot be spread into one object.
  return { controller, training };
}

export type SearchActivities = ReturnType<typeof activities>;
