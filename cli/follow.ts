// Live progress of a running search in the terminal: a bar of children done / budget with rate,
// ETA and best accuracy on a TTY, one line per iteration otherwise. Reads the `progress` query.
import type { WorkflowHandle } from '@temporalio/client';
import type { SearchProgress } from '../workflows/messages';
import { progressQuery } from '../workflows/messages';

export function formatProgress(p: SearchProgress, elapsedSeconds: number, width = 30): string {
  const done = Math.min(p.childrenDone, p.childrenBudget);
  const filled = Math.round((done / p.childrenBudget) * width);
  const rate = elapsedSeconds > 0 ? done / elapsedSeconds : 0;
  const eta = rate > 0 ? Math.round((p.childrenBudget - done) / rate) : null;
  const best = p.bestAccuracy === null ? '-' : p.bestAccuracy.toFixed(4);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${p.childrenBudget} children`
    + ` | ${(rate * 60).toFixed(1)}/min | eta ${eta === null ? '?' : `${eta}s`} | best ${best}`
    + ` | depth ${p.currentDepth ?? '-'} | ${p.phase}`;
}

/** Polls until the workflow closes; writes to `out` (stdout). */
export async function followProgress(handle: WorkflowHandle, out: NodeJS.WriteStream, pollMs = 2000): Promise<void> {
  const started = Date.now();
  let lastLine = '';
  let lastDone = -1;
  for (;;) {
    const description = await handle.describe();
    if (description.status.name !== 'RUNNING') break;
    let progress: SearchProgress | undefined;
    try {
      progress = await handle.query(progressQuery);
    } catch {
      progress = undefined; // no worker to answer right now (restarting): try again next poll
    }
    if (progress) {
      const line = formatProgress(progress, (Date.now() - started) / 1000);
      if (out.isTTY) {
        if (line !== lastLine) out.write(`\r${line.padEnd(lastLine.length)}`);
      } else if (progress.childrenDone !== lastDone) {
        out.write(`${line}${progress.lastArchitecture ? ` | last ${progress.lastArchitecture}` : ''}\n`);
      }
      lastLine = line;
      lastDone = progress.childrenDone;
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  if (out.isTTY && lastLine) out.write('\n');
}
