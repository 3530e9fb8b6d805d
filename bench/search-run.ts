// One real `nas search run`, as a user runs it, for the benches that compare whole searches
// (bench/weight-sharing/equal-time.ts, bench/baselines/equal-children.ts): the CLI with its local
// workers on servers of the bench's own home and ports. Returns the wall time and the CPU time of the
// CLI and the workers it waited for (bash's `time`; the servers are not counted).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const MAIN = path.join(__dirname, '..', 'cli', 'main.js');

export interface BenchServers { home: string; yaml: string; env: NodeJS.ProcessEnv }

/** A private home with its own Temporal and PostgreSQL ports (`portBase`, +1000, +50000). */
export function privateServers(prefix: string, portBase: number): BenchServers {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const yaml = path.join(home, 'temporal.yaml');
  fs.writeFileSync(yaml, `temporal:\n  address: 127.0.0.1:${portBase}\n  uiPort: ${portBase + 1000}\npostgres:\n  port: ${portBase + 50000}\n`);
  const repoTools = path.join(__dirname, '..', '..', '.nas', 'tools', 'temporal');
  return { home, yaml, env: { ...process.env, NAS_HOME: home, NAS_RUNTIME_CONFIG: yaml, TEMPORAL_CLI: process.env.TEMPORAL_CLI ?? repoTools } };
}

export function runSearch(env: NodeJS.ProcessEnv, configFile: string, searchId: string, log: string, workers = 2): Promise<{ wall: number; cpu: number }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', `TIMEFORMAT='cpu %U %S'; time node "${MAIN}" search run --workers ${workers} --config "${configFile}" --id "${searchId}" > "${log}" 2>&1`], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (b: Buffer) => { err += b.toString(); });
    child.once('exit', (code) => {
      const m = /cpu ([\d.]+) ([\d.]+)/.exec(err);
      if (code !== 0 || !m) return reject(new Error(`search ${searchId} exited ${code}; see ${log}\n${err}`));
      resolve({ wall: (Date.now() - started) / 60_000, cpu: Number(m[1]) + Number(m[2]) });
    });
  });
}

/** `nas dev down` for the bench's servers. */
export function stopServers(env: NodeJS.ProcessEnv): Promise<unknown> {
  return new Promise((resolve) => spawn(process.execPath, [MAIN, 'dev', 'down'], { env, stdio: 'ignore' }).once('exit', resolve));
}
