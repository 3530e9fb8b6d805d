// Starts the measurement processes of one side of the side-by-side bench (tfjs-child.js or child.py),
// `copies` of them at once, each with its job and its thread count in the environment, and returns
// their parsed outcomes. Not the schedule (side-by-side.ts decides the order and the rounds).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { type Job, Outcome } from './job';

export type Side = 'tfjs' | 'pytorch';

export interface Commands {
  /** The venv's python for child.py (bench/pytorch/setup.sh prints it). */
  python: string;
  /** bench/pytorch/child.py in the source tree (it is not compiled). */
  childPy: string;
}

/** Runs `copies` processes of `side` at once; copy k trains the job's children rotated by k, so copies overlap on different children. */
export async function runSide(side: Side, job: Job, copies: number, commands: Commands): Promise<Outcome[]> {
  return Promise.all(Array.from({ length: copies }, (_, k) => {
    const children = [...job.children.slice(k % job.children.length), ...job.children.slice(0, k % job.children.length)];
    return runOne(side, { ...job, children }, commands);
  }));
}

function runOne(side: Side, job: Job, commands: Commands): Promise<Outcome> {
  const threads = String(job.threads);
  const env = {
    ...process.env,
    OMP_NUM_THREADS: threads, MKL_NUM_THREADS: threads, TF_NUM_INTRAOP_THREADS: threads, TF_NUM_INTEROP_THREADS: threads,
  };
  const [command, args] = side === 'tfjs'
    ? [process.execPath, [path.join(__dirname, 'tfjs-child.js'), JSON.stringify(job)]]
    : [commands.python, [commands.childPy, JSON.stringify(job)]];
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) { reject(new Error(`${side} process exited ${code}:\n${stderr.trim().split('\n').slice(-15).join('\n')}`)); return; }
      try {
        resolve(Outcome.parse(JSON.parse(stdout.trim().split('\n').pop() ?? '')));
      } catch (err) {
        reject(new Error(`${side} process printed no outcome (${(err as Error).message}):\n${stdout.slice(-2000)}\n${stderr.slice(-2000)}`));
      }
    });
  });
}
