// A `nas worker controller|training|sharing` process (dist/cli/main.js) started by a test, so the test can
// kill -9 it like a crash would. Its output goes to a log file; `ready` resolves once it polls. Not a
// supervisor: nothing is restarted unless the test does it.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export type WorkerRole = 'controller' | 'training' | 'sharing';

export interface WorkerProcess {
  role: WorkerRole;
  pid: number;
  logFile: string;
  /** Resolves when the worker printed that it polls; rejects if it exits first or after timeoutMs. */
  ready: (timeoutMs: number) => Promise<void>;
  alive: () => boolean;
  /** SIGKILL, as a crash or an OOM kill would; resolves once the process is gone. */
  kill9: () => Promise<void>;
}

const MAIN = path.join(__dirname, '..', '..', 'cli', 'main.js');

/** `wrapper` runs the worker through a command that execs it, e.g. `ip netns exec <ns>`. */
export function spawnWorkerProcess(role: WorkerRole, options: { env: NodeJS.ProcessEnv; args?: string[]; logFile: string; wrapper?: string[] }): WorkerProcess {
  const log = fs.createWriteStream(options.logFile, { flags: 'a' });
  const command = [...(options.wrapper ?? []), process.execPath, MAIN, 'worker', role, ...(options.args ?? [])];
  const child: ChildProcess = spawn(command[0]!, command.slice(1), {
    env: options.env, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    log.write(chunk);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => {
      log.end();
      resolve(signal ?? `code ${code}`);
    });
  });
  const alive = () => child.exitCode === null && child.signalCode === null;
  return {
    role,
    pid: child.pid ?? -1,
    logFile: options.logFile,
    alive,
    ready: async (timeoutMs) => {
      const deadline = Date.now() + timeoutMs;
      while (!output.includes('worker polling')) {
        if (!alive()) throw new Error(`${role} worker exited (${await exited}) before polling:\n${output.slice(-2000)}`);
        if (Date.now() > deadline) throw new Error(`${role} worker did not poll within ${timeoutMs} ms:\n${output.slice(-2000)}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    kill9: async () => {
      if (!alive()) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
}
