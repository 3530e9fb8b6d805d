// The Temporal activity context when running as an activity, or undefined when an activity
// function is called directly (tests, the in-process harness), and the two ways long activities
// use it: heartbeating while they load, and asking whether they were cancelled.
import { Context } from '@temporalio/activity';

export function activityContext(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined;
  }
}

/** Heartbeats every 2 s while `loading` runs (a first data load can take longer than a heartbeat timeout). */
export function heartbeatWhile<T>(ctx: ReturnType<typeof activityContext>, loading: Promise<T>): Promise<T> {
  const beat = setInterval(() => ctx?.heartbeat({ epoch: -1 }), 2000);
  return loading.finally(() => clearInterval(beat));
}

/** Asked between batches: heartbeats (throttled by the SDK) and says whether Temporal cancelled us. */
export function cancelled(ctx: ReturnType<typeof activityContext>): boolean {
  ctx?.heartbeat();
  return ctx?.cancellationSignal.aborted ?? false;
}
