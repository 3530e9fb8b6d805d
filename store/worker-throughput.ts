// The `worker_throughput` view (migrations/004): per training worker of a search, children
// finished and failed and children per hour; what `nas search status` lists as the workers seen.
import type { Db } from './db';

export interface WorkerThroughput {
  worker: string;
  children: number;
  failed: number;
  childrenPerHour: number | null;
}

export async function workerThroughput(db: Db, searchId: string): Promise<WorkerThroughput[]> {
  const { rows } = await db.query<{ worker: string | null; children: string; failed: string; children_per_hour: string | null }>(
    `SELECT worker, children, failed, children_per_hour FROM worker_throughput WHERE search_id = $1 ORDER BY worker`,
    [searchId],
  );
  return rows.map((r) => ({
    worker: r.worker ?? '-', children: Number(r.children), failed: Number(r.failed),
    childrenPerHour: r.children_per_hour === null ? null : Number(r.children_per_hour),
  }));
}
