// The Temporal activity context when running as an activity, or undefined when an activity
// function is called directly (tests, the in-process harness). Nothing else.
import { Context } from '@temporalio/activity';

export function activityContext(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined;
  }
}
