// Live progress of a running search in the terminal, from the `progress` query: on a TTY one line
// redrawn in place (a bar of children done / budget, rate, ETA, best accuracy or, for a cell search,
// best perplexity, depth, the latest architecture, cut to the terminal's width); otherwise quiet:
// a plain line per finished iteration.
import type { WorkflowHandle } from '@temporalio/client';
import type { SearchProgress } from '../workflows/messages';
import { progressQuery } from '../workflows/messages';
import type { SearchBest } from '../store/search-best';
import { bestShort } from './best-metric';

/** `42s`, `3m05s`, `2h10m`. */
export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/**
 * One progress line. `rate` is children per second measured while following (children finished
 * before we started watching do not count), or null before the first one finished.
 */
export function formatProgress(p: SearchProgress, rate: number | null, width = 30, best?: SearchBest | null): string {
  const done = Math.min(p.childrenDone, p.childrenBudget);
  const filled = Math.round((done / Math.max(1, p.childrenBudget)) * width);
  const eta = rate && rate > 0 ? formatDuration((p.childrenBudget - done) / rate) : '?';
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${p.childrenBudget} children`
    + ` | ${rate === null ? '-' : (rate * 60).toFixed(1)}/min | eta ${eta} | best ${bestShort(best, p.bestAccuracy)}`
    + ` | depth ${p.currentDepth ?? '-'} | ${p.phase}`
    + `${p.lastArchitecture ? ` | ${p.lastArchitecture}` : ''}`;
}

/**
 * Polls until the workflow closes; writes to `out` (stdout). `readBest` (SQL) is asked again when
 * the children done change: a cell search shows its best perplexity from it.
 */
export async function followProgress(handle: WorkflowHandle, out: NodeJS.WriteStream, pollMs = 2000, readBest?: () => Promise<SearchBest>): Promise<void> {
  let first: { at: number; done: number } | undefined;
  let best: SearchBest | null = null;
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
      first ??= { at: Date.now(), done: progress.childrenDone };
      const seconds = (Date.now() - first.at) / 1000;
      const rate = progress.childrenDone > first.done && seconds > 0 ? (progress.childrenDone - first.done) / seconds : null;
      if (readBest && progress.childrenDone !== lastDone) best = await readBest().catch(() => best);
      const line = formatProgress(progress, rate, 30, best);
      if (out.isTTY) {
        // Cut to the terminal so the carriage return redraws one row, never a wrapped second one.
        const shown = line.slice(0, Math.max(20, (out.columns ?? 120) - 1));
        if (shown !== lastLine) out.write(`\r${shown.padEnd(lastLine.length)}`);
        lastLine = shown;
      } else if (progress.childrenDone !== lastDone) {
        out.write(`${line}\n`);
        lastLine = line;
      }
      lastDone = progress.childrenDone;
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  if (out.isTTY && lastLine) out.write('\n');
}
