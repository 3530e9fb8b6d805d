// Closes the rows of searches whose nasSearch workflow ended without running code: terminate runs
// none, and a cancel or timeout can end it before its setStatus. Asks Temporal (describe), writes
// through store/open-searches.ts, and terminates the replicas left behind. Run by the controller
// worker every 30 s and by the CLI's read commands. Not a supervisor: a running search is never touched.
import { type Client, WorkflowNotFoundError, type WorkflowExecutionStatusName } from '@temporalio/client';
import type { Db } from '../store/db';
import { closeOpenSearch, type OpenSearch, openSearches } from '../store/open-searches';
import type { SearchStatus } from '../store/searches';

/** What a closed workflow means for its search row; COMPLETED is not here (the workflow writes that itself). */
const CLOSED: Partial<Record<WorkflowExecutionStatusName, SearchStatus>> = {
  TERMINATED: 'terminated', CANCELLED: 'canceled', TIMED_OUT: 'timed_out', FAILED: 'failed',
};

export interface ClosedSearch {
  id: string;
  status: SearchStatus;
  /** Replica workflows still running for a search that is gone, terminated with it. */
  replicasTerminated: number;
}

/** One open search: closes its row if its workflow has closed. Undefined while it runs, or when Temporal does not know it. */
export async function reconcileSearch(client: Client, pool: Db, search: OpenSearch): Promise<ClosedSearch | undefined> {
  const description = await client.workflow.getHandle(search.workflowId).describe().catch((err: unknown) => {
    if (err instanceof WorkflowNotFoundError) return undefined; // another namespace, or past retention: not ours to judge
    throw err;
  });
  const status = description && CLOSED[description.status.name];
  if (!status) return undefined;
  // Replicas outlive their search (parentClosePolicy ABANDON); a paused one would wait forever.
  const replicasTerminated = await terminateReplicas(client, search.workflowId, status);
  return (await closeOpenSearch(pool, search, status)) ? { id: search.id, status, replicasTerminated } : undefined;
}

async function terminateReplicas(client: Client, workflowId: string, status: SearchStatus): Promise<number> {
  if (/["'\\]/.test(workflowId)) return 0; // not quotable in a list query; such replicas still stop after their iteration
  const query = `WorkflowType = "nasReplica" AND ExecutionStatus = "Running" AND WorkflowId STARTS_WITH "${workflowId}/replica-"`;
  let terminated = 0;
  for await (const replica of client.workflow.list({ query })) {
    await client.workflow.getHandle(replica.workflowId).terminate(`its search ${workflowId} is ${status}`).then(
      () => { terminated++; },
      (err: unknown) => { if (!(err instanceof WorkflowNotFoundError)) throw err; }, // it ended meanwhile
    );
  }
  return terminated;
}

export interface ReconcilePage {
  closed: ClosedSearch[];
  /** Per search that could not be checked (Temporal or PostgreSQL unavailable, ...). */
  errors: { id: string; error: Error }[];
  /** Where the next page starts ('' once the last page was read). */
  next: string;
}

/** A page of at most `limit` open searches after `after` (or just `ids`), each checked against Temporal. */
export async function reconcileSearches(client: Client, pool: Db, page: { after?: string; limit: number; ids?: readonly string[] }): Promise<ReconcilePage> {
  const open = await openSearches(pool, page);
  const result: ReconcilePage = { closed: [], errors: [], next: open.length === page.limit ? open[open.length - 1]!.id : '' };
  for (const search of open) {
    try {
      const closed = await reconcileSearch(client, pool, search);
      if (closed) result.closed.push(closed);
    } catch (err) {
      result.errors.push({ id: search.id, error: err as Error });
    }
  }
  return result;
}

export interface SweepLogger {
  info: (message: string) => void;
  warn: (message: string) => void;
}

/**
 * The controller worker's sweep: one page of open searches every `everyMs`, round-robin over all of
 * them. Every error is logged and the next sweep tries again; nothing here can end the worker.
 * `connect` opens a client of the sweep's own (closed by stop), once Temporal answers.
 */
export function startClosedSearchSweep(pool: Db, connect: () => Promise<Client>, options: { everyMs?: number; batch?: number; log: SweepLogger }): { stop: () => Promise<void> } {
  const everyMs = options.everyMs ?? 30_000;
  const batch = options.batch ?? 20;
  let client: Client | undefined;
  let after = '';
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let sweeping: Promise<void> | undefined;
  const sweep = async () => {
    try {
      client ??= await connect();
      const page = await reconcileSearches(client, pool, { after, limit: batch });
      after = page.next;
      for (const c of page.closed) options.log.info(`search ${c.id} is ${c.status} in Temporal: its row says so now${c.replicasTerminated ? ` (${c.replicasTerminated} replica(s) terminated)` : ''}`);
      for (const e of page.errors) options.log.warn(`cannot check whether search ${e.id} has closed: ${e.error.message}`);
    } catch (err) {
      options.log.warn(`closed-search sweep failed, tried again in ${everyMs / 1000} s: ${(err as Error).message}`);
    }
  };
  const schedule = (ms: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      sweeping = sweep().finally(() => { sweeping = undefined; schedule(everyMs); });
    }, ms);
    timer.unref(); // the worker's run keeps the process alive, not this
  };
  schedule(0);
  return {
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await sweeping;
      await client?.connection.close().catch(() => undefined);
    },
  };
}

/**
 * For the CLI's read commands: closes what has closed before SQL is read. Asks Temporal only when an
 * asked-for search (or, without ids, any search) is open; never fails the read, a warning instead.
 */
export async function reconcileBeforeRead(pool: Db, client: Client | (() => Promise<Client>), ids: readonly string[] | undefined, warn: (message: string) => void): Promise<void> {
  try {
    if ((await openSearches(pool, { limit: 1, ids })).length === 0) return;
    const temporal = typeof client === 'function' ? await client() : client;
    try {
      const page = await reconcileSearches(temporal, pool, { limit: 100, ids });
      for (const e of page.errors) warn(`cannot check whether search ${e.id} has closed: ${e.error.message}`);
    } finally {
      if (typeof client === 'function') await temporal.connection.close();
    }
  } catch (err) {
    warn(`cannot check Temporal for closed searches (the status in SQL may be behind): ${(err as Error).message}`);
  }
}
