// The typed search attributes a nasSearch publishes, so the Temporal Web UI and
// `temporal workflow list --query` can list and filter searches. Registered by the dev server's
// start-up (dev/temporal.ts) and, on a real cluster, by `temporal operator search-attribute create`.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const NasBestAccuracy = defineSearchAttributeKey('NasBestAccuracy', SearchAttributeType.DOUBLE);
export const NasChildrenDone = defineSearchAttributeKey('NasChildrenDone', SearchAttributeType.INT);
export const NasSpace = defineSearchAttributeKey('NasSpace', SearchAttributeType.KEYWORD);
export const NasStatus = defineSearchAttributeKey('NasStatus', SearchAttributeType.KEYWORD);

/** Name → the type word the `temporal` CLI takes (`--search-attribute Name=Double`). */
export const NAS_SEARCH_ATTRIBUTES = {
  NasBestAccuracy: 'Double',
  NasChildrenDone: 'Int',
  NasSpace: 'Keyword',
  NasStatus: 'Keyword',
} as const;
