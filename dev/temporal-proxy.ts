// The process of the mTLS proxy (dev/tls-proxy.ts) that `temporal.expose` puts in front of the loopback
// dev server: certificates made once, the proxy started detached like the dev server (pid file in
// <NAS_HOME>/temporal), found again and stopped by that pid file. Not the proxy itself.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { RuntimeConfig } from '../config/runtime';
import { ensureCertificates, PROXY_SERVER_NAME, tlsFiles } from './certificates';
import { commandLine, isListening, isRunning, stopPid, tail, waitUntil } from './processes';

const SCRIPT = path.join(__dirname, 'tls-proxy.js');

export function proxyPaths(home: string): { pid: string; log: string } {
  const dir = path.join(home, 'temporal');
  return { pid: path.join(dir, 'proxy.pid'), log: path.join(dir, 'proxy.log') };
}

/** Starts the proxy on `expose` unless ours already runs; prints what other hosts need on first use. */
export async function ensureProxy(runtime: RuntimeConfig, expose: string, timeoutMs = 30_000): Promise<void> {
  const made = await ensureCertificates(runtime.home);
  if (ownProxy(runtime) !== undefined) return;
  const paths = proxyPaths(runtime.home);
  const log = fs.openSync(paths.log, 'a');
  let pid: number;
  try {
    const child = spawn(process.execPath, [SCRIPT, expose, runtime.temporal.address, tlsFiles(runtime.home).dir],
      { detached: true, stdio: ['ignore', log, log] });
    pid = await new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.once('spawn', () => resolve(child.pid as number));
    });
    child.unref();
    fs.writeFileSync(paths.pid, `${pid}\n`);
  } finally {
    fs.closeSync(log);
  }
  const at = expose.lastIndexOf(':');
  const host = expose.slice(0, at) === '0.0.0.0' ? '127.0.0.1' : expose.slice(0, at);
  await waitUntil(() => {
    if (!isRunning(pid)) throw new Error(`the Temporal mTLS proxy exited:\n${tail(paths.log)}`);
    return isListening(host, Number(expose.slice(at + 1)));
  }, timeoutMs, `the Temporal mTLS proxy on ${expose}`);
  if (made) announce(runtime, expose);
}

export async function stopProxy(runtime: RuntimeConfig): Promise<boolean> {
  const pid = ownProxy(runtime);
  fs.rmSync(proxyPaths(runtime.home).pid, { force: true });
  if (pid === undefined) return false;
  await stopPid(pid, 'SIGTERM', 10_000);
  return true;
}

/** Our pid file's pid if it still is our proxy (its command line names our tls folder). */
function ownProxy(runtime: RuntimeConfig): number | undefined {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(proxyPaths(runtime.home).pid, 'utf8').trim());
  } catch {
    return undefined;
  }
  const line = Number.isInteger(pid) && pid > 0 && isRunning(pid) ? commandLine(pid) : '';
  return line.includes(SCRIPT) && line.includes(tlsFiles(runtime.home).dir) ? pid : undefined;
}

function announce(runtime: RuntimeConfig, expose: string): void {
  const f = tlsFiles(runtime.home);
  process.stderr.write(`temporal: other hosts reach this dev server through the mTLS proxy on ${expose} only; it made a CA in ${f.dir}.\n`
    + `temporal: copy ca.pem, client.pem and client.key (keep them 0600) to each worker host and set\n`
    + `  TEMPORAL_ADDRESS=<this host>:${expose.slice(expose.lastIndexOf(':') + 1)} TEMPORAL_TLS_CA=ca.pem TEMPORAL_TLS_CERT=client.pem `
    + `TEMPORAL_TLS_KEY=client.key TEMPORAL_TLS_SERVER_NAME=${PROXY_SERVER_NAME}\n`);
}
