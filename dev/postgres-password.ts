// The password of the embedded PostgreSQL's `nas` role. Loopback-only data folders keep the old
// development password `nas`; the first start that listens beyond loopback generates a random one,
// stores it in <NAS_HOME>/postgres/password (mode 0600) and prints it with the URL other hosts use.
// Once generated it is used for every connection, loopback too. Not a secret store or a rotation tool.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const USER = 'nas';
export const DATABASE = 'nas';
/** The development password of data folders that never listened beyond loopback. */
export const DEV_PASSWORD = 'nas';

export function passwordFile(home: string): string {
  return path.join(home, 'postgres', 'password');
}

/** The stored generated password, else undefined (the role still has DEV_PASSWORD). */
export function storedPassword(home: string): string | undefined {
  try {
    return fs.readFileSync(passwordFile(home), 'utf8').trim() || undefined;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

export function currentPassword(home: string): string {
  return storedPassword(home) ?? DEV_PASSWORD;
}

/**
 * The stored password, generated first if there is none: written to a side file and renamed, so a
 * crash never leaves half a password. 24 random bytes, base64url: URL-safe, nothing to escape.
 */
export function ensureGeneratedPassword(home: string): { password: string; generated: boolean } {
  const existing = storedPassword(home);
  if (existing) return { password: existing, generated: false };
  const file = passwordFile(home);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const password = randomBytes(24).toString('base64url');
  const side = `${file}.${process.pid}`;
  fs.writeFileSync(side, `${password}\n`, { mode: 0o600 });
  fs.renameSync(side, file);
  return { password, generated: true };
}

export function isRemoteListen(listen: string | undefined): listen is string {
  return listen !== undefined && listen.split(',').map((a) => a.trim()).some((a) => !/^(127\.\d+\.\d+\.\d+|localhost|::1)$/.test(a));
}

export function databaseUrlFor(host: string, port: number, password: string): string {
  return `postgres://${USER}:${encodeURIComponent(password)}@${host}:${port}/${DATABASE}`;
}

/** The URLs other hosts use: the listen addresses, or this host's addresses for 0.0.0.0 / *. */
export function remoteUrls(listen: string, port: number, password: string): string[] {
  const given = listen.split(',').map((a) => a.trim()).filter((a) => !/^(127\.|localhost$|::1$)/.test(a));
  const any = given.some((a) => a === '*' || a === '0.0.0.0' || a === '::');
  const hosts = any
    ? Object.values(os.networkInterfaces()).flat().filter((i) => i && i.family === 'IPv4' && !i.internal).map((i) => i!.address)
    : given;
  return (hosts.length > 0 ? hosts : ['<this host>']).map((h) => databaseUrlFor(h, port, password));
}

/** Printed once, when the password is generated: the operator's only prompt to copy it. */
export function announcePassword(home: string, listen: string, port: number, password: string): void {
  process.stderr.write(`postgres: listens beyond loopback (postgres.listen ${listen}), so the role ${USER} now has a generated `
    + `password, stored in ${passwordFile(home)} (mode 0600); the old password "${DEV_PASSWORD}" no longer works.\n`
    + `postgres: workers on other hosts use\n${remoteUrls(listen, port, password).map((u) => `  DATABASE_URL=${u}\n`).join('')}`);
}
