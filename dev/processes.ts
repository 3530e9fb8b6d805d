// Process plumbing for the dev servers: run a command (optionally as another user), tell whether a
// pid is a live process, wait for a condition, stop a pid. Used by dev/postgres.ts and dev/temporal.ts
// only; it is not a general helper module and knows nothing about either server.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';

/** A uid/gid to run a command as (postgres refuses to run as root). */
export type RunAs = { uid: number; gid: number };

export type RunOptions = { as?: RunAs; cwd?: string; input?: string; env?: NodeJS.ProcessEnv };

/** Runs a command to completion; resolves its stdout, rejects with its stderr (or stdout) text. */
export function run(file: string, args: readonly string[], opts: RunOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      cwd: opts.cwd, env: opts.env ?? process.env, uid: opts.as?.uid, gid: opts.as?.gid,
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout?.on('data', (b: Buffer) => { out += b.toString(); });
    child.stderr?.on('data', (b: Buffer) => { err += b.toString(); });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(out);
      else reject(new Error(`${file} ${args.join(' ')} exited with ${code}: ${(err || out).trim()}`));
    });
    if (child.stdin) {
      child.stdin.on('error', () => undefined); // EPIPE: the child exited without reading; 'close' reports it
      child.stdin.end(opts.input);
    }
  });
}

/** True when pid is a process that is not a zombie (a killed server stays a zombie until reaped). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  const stat = readProc(pid, 'stat');
  // Field 3 of /proc/<pid>/stat, after the parenthesised command name, is the state.
  return stat === undefined || stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
}

/** The command line of a pid, '' where /proc cannot tell (not Linux, or gone). */
export function commandLine(pid: number): string {
  return readProc(pid, 'cmdline')?.replace(/\0/g, ' ').trim() ?? '';
}

/** The executable's name (not its argv, which any process can set), '' where /proc cannot tell. */
export function processName(pid: number): string {
  return readProc(pid, 'comm')?.trim() ?? '';
}

function readProc(pid: number, file: string): string | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return undefined;
  }
}

/** Polls `check` until it is true; throws `what` after timeoutMs. */
export async function waitUntil(check: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(100);
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Sends `signal`, waits for the pid to go, then SIGKILLs it. */
export async function stopPid(pid: number, signal: NodeJS.Signals, timeoutMs: number): Promise<void> {
  if (!isRunning(pid)) return;
  process.kill(pid, signal);
  try {
    await waitUntil(() => !isRunning(pid), timeoutMs, `pid ${pid} to exit`);
  } catch {
    if (isRunning(pid)) process.kill(pid, 'SIGKILL');
    await waitUntil(() => !isRunning(pid), 5000, `pid ${pid} to exit after SIGKILL`);
  }
}

/** True when something accepts TCP connections on host:port. */
export function isListening(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => { socket.destroy(); resolve(ok); };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** The last `lines` lines of a log file, for error messages; '' if it cannot be read. */
export function tail(file: string, lines = 15): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}
