// What the ω activities of a weight-sharing search returned, read from its replica's workflow
// history: each completed trainSharedWeights' ω step and the checkpoint it resumed from. Read-only;
// the rows a search left in PostgreSQL are search-rows.ts and search-outcome.ts.
import type { Client } from '@temporalio/client';

export interface OmegaTrainingResult { omegaStep: number; restoredFrom: number | null }

/** Every completed trainSharedWeights of replica 0, in history order. */
export async function omegaTrainingResults(client: Client, searchId: string): Promise<OmegaTrainingResult[]> {
  const events = (await client.workflow.getHandle(`${searchId}/replica-0`).fetchHistory()).events ?? [];
  const types = new Map<string, string>();
  const out: OmegaTrainingResult[] = [];
  for (const e of events) {
    if (e.activityTaskScheduledEventAttributes) types.set(String(e.eventId), e.activityTaskScheduledEventAttributes.activityType?.name ?? '');
    const done = e.activityTaskCompletedEventAttributes;
    const data = done?.result?.payloads?.[0]?.data;
    if (done && data && types.get(String(done.scheduledEventId)) === 'trainSharedWeights') out.push(JSON.parse(Buffer.from(data).toString('utf8')));
  }
  return out;
}
