// Tests for the mTLS proxy of temporal.expose (dev/tls-proxy.ts, dev/temporal-proxy.ts,
// dev/certificates.ts) in front of a real loopback dev server in a temporary NAS_HOME (Temporal 7438,
// UI 8438, proxy 7434): a client with our CA's certificate gets through, over both SDK connections;
// one without a certificate, with another CA's, or without TLS is refused before reaching Temporal.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { loadRuntimeConfig, repoRoot, type RuntimeConfig } from '../../config/runtime';
import { temporalConnectionOptions } from '../../config/temporal-connection';
import { ensureCertificates, PROXY_SERVER_NAME, tlsFiles } from '../../dev/certificates';
import { isListening } from '../../dev/processes';
import { ensureTemporal, stopTemporal } from '../../dev/temporal';
import { proxyPaths } from '../../dev/temporal-proxy';
import { quietTemporalRuntime } from '../support/in-process-workers';

const EXPOSE = '127.0.0.1:7434';
let home: string;
let runtime: RuntimeConfig;

before(async () => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'nas-tls-'));
  const yaml = path.join(home, 'temporal.yaml');
  fs.writeFileSync(yaml, `temporal:\n  address: 127.0.0.1:7438\n  uiPort: 8438\n  expose: ${EXPOSE}\n`);
  const cli = execFileSync('bash', [path.join(repoRoot(), 'setup', 'temporal-cli.sh')], { encoding: 'utf8' }).trim().split('\n').pop();
  runtime = loadRuntimeConfig({ NAS_HOME: home, TEMPORAL_CLI: cli }, yaml);
  quietTemporalRuntime();
});

after(async () => {
  await stopTemporal(runtime);
  fs.rmSync(home, { recursive: true, force: true });
});

/** The runtime a worker on another host has: the proxy's address and the copied files. */
function remoteRuntime(tls: Record<string, string>): RuntimeConfig {
  return loadRuntimeConfig({ NAS_HOME: path.join(home, 'remote'), TEMPORAL_ADDRESS: EXPOSE, ...tls }, path.join(home, 'temporal.yaml'));
}

const withCertificate = () => {
  const f = tlsFiles(home);
  return { TEMPORAL_TLS_CA: f.caCert, TEMPORAL_TLS_CERT: f.clientCert, TEMPORAL_TLS_KEY: f.clientKey, TEMPORAL_TLS_SERVER_NAME: PROXY_SERVER_NAME };
};

async function describe(options: Parameters<typeof Connection.connect>[0]): Promise<string> {
  const connection = await Connection.connect({ ...options, connectTimeout: '3s' });
  try {
    const { namespaceInfo } = await connection.workflowService.describeNamespace({ namespace: 'default' });
    return namespaceInfo?.name ?? '';
  } finally {
    await connection.close();
  }
}

test('expose starts the proxy with a CA of its own: key and certificate files 0600 in a 0700 folder', async () => {
  await ensureTemporal(runtime);
  assert.equal(await isListening('127.0.0.1', 7434), true);
  const f = tlsFiles(home);
  assert.equal(fs.statSync(f.dir).mode & 0o777, 0o700);
  for (const file of [f.caCert, f.caKey, f.serverCert, f.serverKey, f.clientCert, f.clientKey]) {
    assert.equal(fs.statSync(file).mode & 0o777, 0o600, file);
  }
  const pid = fs.readFileSync(proxyPaths(home).pid, 'utf8');
  await ensureTemporal(runtime); // reuses the running proxy
  assert.equal(fs.readFileSync(proxyPaths(home).pid, 'utf8'), pid);
});

test('with the client certificate both the client and the worker connection get through', async () => {
  const options = temporalConnectionOptions(remoteRuntime(withCertificate()));
  assert.equal(await describe(options), 'default');
  const native = await NativeConnection.connect(options);
  await native.close();
});

test('without a client certificate, with another CA\'s, or without TLS the proxy refuses', async () => {
  const f = tlsFiles(home);
  const noCertificate = temporalConnectionOptions(remoteRuntime({ TEMPORAL_TLS_CA: f.caCert, TEMPORAL_TLS_SERVER_NAME: PROXY_SERVER_NAME }));
  await assert.rejects(describe(noCertificate));
  await assert.rejects(NativeConnection.connect(noCertificate));

  const stranger = path.join(home, 'stranger');
  await ensureCertificates(stranger);
  const s = tlsFiles(stranger);
  const otherCa = temporalConnectionOptions(remoteRuntime({ TEMPORAL_TLS_CA: f.caCert, TEMPORAL_TLS_CERT: s.clientCert, TEMPORAL_TLS_KEY: s.clientKey, TEMPORAL_TLS_SERVER_NAME: PROXY_SERVER_NAME }));
  await assert.rejects(describe(otherCa));

  await assert.rejects(describe({ address: EXPOSE }));
  assert.match(fs.readFileSync(proxyPaths(home).log, 'utf8'), /refused 127\.0\.0\.1:\d+/);
});

test('stopTemporal stops the proxy with the dev server', async () => {
  assert.equal(await stopTemporal(runtime), true);
  assert.equal(await isListening('127.0.0.1', 7434), false);
  assert.equal(await isListening('127.0.0.1', 7438), false);
});
