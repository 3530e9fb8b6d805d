// Where a bench's CPU went, from /proc (Linux): CPU seconds of every process on the machine grouped
// by command name (temporal, postgres; node by its script and arguments) between two snapshots, and
// how busy all cores were.
// Processes that start and end between the snapshots are not seen; the bench's servers and workers
// outlive them. Other people's jobs on a shared machine land in their own groups.
import fs from 'node:fs';
import os from 'node:os';
import { commandLine } from '../dev/processes';

export interface CpuSnapshot {
  readonly at: number; // ms
  readonly byPid: ReadonlyMap<number, { command: string; started: string; seconds: number }>;
  readonly machine: { busy: number; total: number }; // clock ticks, all cores
}

const TICKS = 100; // USER_HZ on Linux

/** A Node process by its script and first arguments (`node main.js worker controller`), others by command name. */
function roleOf(pid: string, command: string): string {
  if (command !== 'node') return command;
  const args = commandLine(Number(pid)).split(' ').filter(Boolean).slice(1).filter((a) => !a.startsWith('--'));
  return ['node', ...args.slice(0, 3).map((a, i) => (i === 0 ? a.split('/').pop()! : a))].join(' ');
}

export function cpuSnapshot(): CpuSnapshot {
  const byPid = new Map<number, { command: string; started: string; seconds: number }>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const command = roleOf(entry, stat.slice(stat.indexOf('(') + 1, close));
      const fields = stat.slice(close + 2).split(' '); // from field 3 (state) on
      // utime, stime; starttime tells a reused pid apart (a kernel worker's name changes with its work)
      byPid.set(Number(entry), { command, started: fields[19]!, seconds: (Number(fields[11]) + Number(fields[12])) / TICKS });
    } catch {
      // the process ended while we read
    }
  }
  const cpu = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const idle = cpu[3]! + (cpu[4] ?? 0); // idle + iowait
  const total = cpu.slice(0, 8).reduce((a, b) => a + b, 0);
  return { at: Date.now(), byPid, machine: { busy: total - idle, total } };
}

export interface CpuUse {
  readonly wallSeconds: number;
  readonly cores: number;
  readonly machineBusy: number; // share of all cores' time
  readonly byCommand: [string, number][]; // CPU seconds, largest first
}

export function cpuBetween(a: CpuSnapshot, b: CpuSnapshot): CpuUse {
  const byCommand = new Map<string, number>();
  for (const [pid, now] of b.byPid) {
    const before = a.byPid.get(pid);
    const used = now.seconds - (before && before.started === now.started ? before.seconds : 0);
    if (used > 0) byCommand.set(now.command, (byCommand.get(now.command) ?? 0) + used);
  }
  return {
    wallSeconds: (b.at - a.at) / 1000,
    cores: os.cpus().length,
    machineBusy: (b.machine.busy - a.machine.busy) / Math.max(1, b.machine.total - a.machine.total),
    byCommand: [...byCommand].sort((x, y) => y[1] - x[1]),
  };
}
