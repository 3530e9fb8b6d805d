// Worker processes that `nas search run` starts on this machine: one controller worker, one
// training worker per core, and for a weight-sharing search one ω-holding worker. Each logs to <home>/logs and exits if the process that started it dies.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface LocalWorkers {
  processes: ChildProcess[];
  /** Rejects when a worker exits before stop() was called, naming its log. */
  failed: Promise<never>;
  stop: () => Promise<void>;
}

/** `sharingWorkers`: ω-holding workers for a weight-sharing search (one is enough: ω lives in one). */
export function startLocalWorkers(home: string, trainingWorkers: number, tag: string, sharingWorkers = 0): LocalWorkers {
  const logs = path.join(home, 'logs');
  fs.mkdirSync(logs, { recursive: true });
  const main = path.join(__dirname, 'main.js');
  const roles = ['controller', ...Array.from({ length: sharingWorkers }, () => 'sharing'), ...Array.from({ length: trainingWorkers }, () => 'training')];
  let stopping = false;
  let fail: (err: Error) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => { fail = reject; });
  failed.catch(() => undefined); // observed by whoever races it; never an unhandled rejection
  const processes = roles.map((role, i) => {
    const logFile = path.join(logs, `${tag}-${role}-${i}.log`);
    const log = fs.openSync(logFile, 'a');
    const child = spawn(process.execPath, [main, 'worker', role], {
      env: { ...process.env, ...(role === 'training' ? trainingThreads(trainingWorkers + sharingWorkers) : {}), NAS_PARENT_PID: String(process.pid) },
      stdio: ['ignore', log, log],
    });
    fs.closeSync(log);
    child.once('exit', (code, signal) => {
      if (!stopping) fail(new Error(`${role} worker exited (${signal ?? `code ${code}`}); see ${logFile}`));
    });
    return child;
  });
  const stop = async () => {
    stopping = true;
    await Promise.all(processes.map((p) => new Promise<void>((resolve) => {
      if (p.exitCode !== null || p.signalCode !== null) return resolve();
      p.once('exit', () => resolve());
      p.kill('SIGTERM');
      setTimeout(() => p.kill('SIGKILL'), 30_000).unref();
    })));
  };
  return { processes, failed, stop };
}

/**
 * TensorFlow's thread pools for each of the `workers` training (and ω) workers that share this
 * machine's cores: cores / workers threads each (at least 1), so that one worker per core does not
 * run two threads a core (measured: two processes training the digits children, 1 thread each, took
 * 0.85x the time of TensorFlow's default, one thread per core each). What the user set wins.
 */
export function trainingThreads(workers: number, cores = os.cpus().length, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const threads = String(Math.max(1, Math.floor(cores / Math.max(1, workers))));
  return {
    TF_NUM_INTRAOP_THREADS: env.TF_NUM_INTRAOP_THREADS ?? threads,
    TF_NUM_INTEROP_THREADS: env.TF_NUM_INTEROP_THREADS ?? threads,
  };
}
