// The live progress line of `--follow`, worked out by hand: bar, rate, ETA, best, depth, latest
// architecture; on a TTY one row redrawn in place and cut to the terminal width, otherwise one plain
// line per finished iteration. The handle is a scripted stand-in for a running search (describe +
// the progress query); the real one is followed in operator.test.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { WorkflowHandle } from '@temporalio/client';
import { followProgress, formatDuration, formatProgress } from '../../cli/follow';
import type { SearchProgress } from '../../workflows/messages';

const progress = (childrenDone: number, extra: Partial<SearchProgress> = {}): SearchProgress => ({
  searchId: 's', phase: 'training', iteration: childrenDone / 4, childrenDone, childrenBudget: 100, bestAccuracy: 0.91234,
  baseline: 0.5, currentDepth: 3, lastArchitecture: '0:3x3/8 1:5x5/16<-0', ...extra,
});

test('durations read as seconds, minutes or hours', () => {
  assert.equal(formatDuration(42.4), '42s');
  assert.equal(formatDuration(185), '3m05s');
  assert.equal(formatDuration(7800), '2h10m');
});

test('the line: bar of done/budget, rate per minute, ETA from the rate, best, depth, phase, architecture', () => {
  // 25 of 100 done at 0.5 children/s: 30/min, 75 left take 150 s.
  assert.equal(formatProgress(progress(25), 0.5, 20),
    '[#####...............] 25/100 children | 30.0/min | eta 2m30s | best 0.9123 | depth 3 | training | 0:3x3/8 1:5x5/16<-0');
  assert.equal(formatProgress(progress(0, { bestAccuracy: null, currentDepth: null, lastArchitecture: null, phase: 'starting' }), null, 4),
    '[....] 0/100 children | -/min | eta ? | best - | depth - | starting');
});

/** Answers describe() and the progress query from a script; the search completes after the last entry. */
function scriptedHandle(script: SearchProgress[]): WorkflowHandle {
  let polls = 0;
  return {
    describe: async () => ({ status: { name: polls < script.length ? 'RUNNING' : 'COMPLETED' } }),
    query: async () => script[Math.min(polls++, script.length - 1)],
  } as unknown as WorkflowHandle;
}

function stream(isTTY: boolean, columns?: number) {
  const writes: string[] = [];
  return { writes, out: { isTTY, columns, write: (s: string) => { writes.push(s); return true; } } as unknown as NodeJS.WriteStream };
}

test('not a TTY: quiet, one plain line per change of children done, no carriage returns', async () => {
  const { writes, out } = stream(false);
  await followProgress(scriptedHandle([progress(4), progress(4), progress(8), progress(8, { phase: 'updating' }), progress(12)]), out, 1);
  assert.equal(writes.length, 3);
  assert.ok(writes.every((w) => w.endsWith('\n') && !w.includes('\r')));
  assert.deepEqual(writes.map((w) => /\] (\d+)\/100/.exec(w)?.[1]), ['4', '8', '12']);
});

test('a TTY: one row redrawn with \\r, cut to the terminal width, a newline at the end', async () => {
  const { writes, out } = stream(true, 60);
  await followProgress(scriptedHandle([progress(4), progress(8, { phase: 'updating' })]), out, 1);
  assert.equal(writes.length, 3);
  assert.ok(writes[0]!.startsWith('\r[') && writes[1]!.startsWith('\r['));
  assert.ok(writes.slice(0, 2).every((w) => w.length - 1 <= 59), writes.join('|'));
  assert.equal(writes[2], '\n');
});
