// The certificates of the dev server's mTLS proxy (dev/tls-proxy.ts): a private CA generated once into
// <NAS_HOME>/temporal/tls with openssl, a server certificate for the proxy and one client certificate
// that every worker host presents. Keys and certificates are files of mode 0600 in a 0700 folder. Not a
// PKI: no revocation (delete the folder to start over, which invalidates every copied client key).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { run } from './processes';

/** The name the server certificate is issued to: clients set it as serverName, whatever address they dial. */
export const PROXY_SERVER_NAME = 'nas-temporal';

export type TlsFiles = { dir: string; caCert: string; caKey: string; serverCert: string; serverKey: string; clientCert: string; clientKey: string };

export function tlsFiles(home: string): TlsFiles {
  const dir = path.join(home, 'temporal', 'tls');
  const f = (name: string) => path.join(dir, name);
  return { dir, caCert: f('ca.pem'), caKey: f('ca.key'), serverCert: f('server.pem'), serverKey: f('server.key'),
    clientCert: f('client.pem'), clientKey: f('client.key') };
}

/** Creates the CA and both certificates unless all exist; true when it made them now. */
export async function ensureCertificates(home: string): Promise<boolean> {
  const files = tlsFiles(home);
  const all = [files.caCert, files.caKey, files.serverCert, files.serverKey, files.clientCert, files.clientKey];
  if (all.every((f) => fs.existsSync(f))) return false;
  // Made in a side folder and renamed: a crash never leaves a CA without its certificates.
  fs.mkdirSync(path.dirname(files.dir), { recursive: true });
  const stage = fs.mkdtempSync(`${files.dir}.init-`);
  const at = (file: string) => path.join(stage, path.basename(file));
  try {
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
    await openssl(['req', '-x509', ...ec, '-keyout', at(files.caKey), '-out', at(files.caCert), '-days', '3650',
      '-subj', `/CN=durable-nas dev CA ${os.hostname()}`, '-addext', 'basicConstraints=critical,CA:TRUE',
      '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
    const sans = [`DNS:${PROXY_SERVER_NAME}`, 'DNS:localhost', 'IP:127.0.0.1', ...hostAddresses().map((a) => `IP:${a}`)];
    await issue(stage, at, files, 'server', `/CN=${PROXY_SERVER_NAME}`, `subjectAltName=${sans.join(',')}\nextendedKeyUsage=serverAuth\n`);
    await issue(stage, at, files, 'client', '/CN=nas-worker', 'extendedKeyUsage=clientAuth\n');
    for (const f of fs.readdirSync(stage)) fs.chmodSync(path.join(stage, f), 0o600);
    fs.chmodSync(stage, 0o700);
    fs.rmSync(files.dir, { recursive: true, force: true });
    fs.renameSync(stage, files.dir);
  } finally {
    fs.rmSync(stage, { recursive: true, force: true });
  }
  return true;
}

/** A key and a certificate for `role`, signed by the CA, with the given v3 extensions. */
async function issue(stage: string, at: (file: string) => string, files: TlsFiles, role: 'server' | 'client', subject: string, extensions: string): Promise<void> {
  const key = at(role === 'server' ? files.serverKey : files.clientKey);
  const cert = at(role === 'server' ? files.serverCert : files.clientCert);
  const csr = path.join(stage, `${role}.csr`);
  const ext = path.join(stage, `${role}.ext`);
  fs.writeFileSync(ext, `basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n${extensions}`);
  await openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', csr, '-subj', subject]);
  await openssl(['x509', '-req', '-in', csr, '-CA', at(files.caCert), '-CAkey', at(files.caKey), '-set_serial', `0x${Date.now().toString(16)}${role === 'server' ? '1' : '2'}`,
    '-days', '825', '-extfile', ext, '-out', cert]);
  fs.rmSync(csr);
  fs.rmSync(ext);
}

function openssl(args: string[]): Promise<string> {
  return run('openssl', args, { env: { PATH: process.env.PATH, LC_ALL: 'C' } }).catch((err: Error) => {
    throw new Error(`openssl could not make the dev CA (is openssl installed?): ${err.message}`);
  });
}

/** This host's non-loopback IPv4 addresses, so workers may also verify the proxy by address. */
function hostAddresses(): string[] {
  return Object.values(os.networkInterfaces()).flat().filter((i) => i && i.family === 'IPv4' && !i.internal).map((i) => i!.address);
}
