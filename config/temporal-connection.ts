// How to reach the Temporal of the runtime config: address, TLS material read from its files, API key;
// the same options for Connection.connect (client) and NativeConnection.connect (worker). Reads the
// files when called, at the edge; it connects to nothing.
import fs from 'node:fs';
import { InvalidConfigError } from '../errors';
import type { RuntimeConfig } from './runtime';

type TlsOptions = { serverNameOverride?: string; serverRootCACertificate?: Buffer; clientCertPair?: { crt: Buffer; key: Buffer } };
export type TemporalConnectionOptions = { address: string; tls?: TlsOptions | true; apiKey?: string };

/** Address, TLS and API key for Connection.connect and NativeConnection.connect alike. */
export function temporalConnectionOptions(runtime: RuntimeConfig): TemporalConnectionOptions {
  const { address, tls, apiKey } = runtime.temporal;
  const read = (file: string | undefined, key: string) => {
    if (file === undefined) return undefined;
    try {
      return fs.readFileSync(file);
    } catch (err) {
      throw new InvalidConfigError(`temporal.tls.${key} ${file} cannot be read: ${(err as Error).message}`);
    }
  };
  const options: TemporalConnectionOptions = { address };
  if (tls) {
    const ca = read(tls.serverRootCA, 'serverRootCA');
    const crt = read(tls.clientCert, 'clientCert');
    const key = read(tls.clientKey, 'clientKey');
    options.tls = {
      ...(tls.serverName ? { serverNameOverride: tls.serverName } : {}),
      ...(ca ? { serverRootCACertificate: ca } : {}),
      ...(crt && key ? { clientCertPair: { crt, key } } : {}),
    };
  } else if (apiKey) {
    options.tls = true; // an API key is never sent in the clear
  }
  if (apiKey) options.apiKey = apiKey;
  return options;
}
