// The runtime the test suite's own servers use: the user's runtime config moved to a home, ports and
// Temporal namespace of its own, so `npm test` never touches the servers (or the Web UI list) of
// `npm run search`. Not the servers themselves (servers.ts), and not a place for per-test ports.
import path from 'node:path';
import { loadRuntimeConfig, type RuntimeConfig } from '../../config/runtime';

/** The namespace test workflows run in; start-dev creates it. */
export const TEST_NAMESPACE = 'nas-test';
/** Test ports are the user's plus one: 7234, 8234 and 54330 for the defaults. */
export const TEST_PORT_OFFSET = 1;

/**
 * <NAS_HOME>/test (or NAS_TEST_HOME), every port + TEST_PORT_OFFSET, namespace nas-test. DATABASE_URL and
 * TEMPORAL_ADDRESS point at the user's servers and are ignored here: NAS_TEST_DATABASE_URL and
 * NAS_TEST_TEMPORAL_ADDRESS are the suite's way to use given servers (servers.ts).
 */
export function testRuntime(env: NodeJS.ProcessEnv = process.env): RuntimeConfig {
  const { DATABASE_URL: _db, TEMPORAL_ADDRESS: _temporal, TEMPORAL_NAMESPACE: _namespace, ...own } = env;
  const user = loadRuntimeConfig(own);
  const { address, uiPort } = user.temporal;
  const at = address.lastIndexOf(':');
  if (user.database.mode !== 'embedded') throw new Error('unreachable: DATABASE_URL was removed');
  return {
    ...user,
    home: path.resolve(env.NAS_TEST_HOME || path.join(user.home, 'test')),
    temporal: {
      ...user.temporal,
      mode: 'dev',
      address: `${address.slice(0, at)}:${Number(address.slice(at + 1)) + TEST_PORT_OFFSET}`,
      uiPort: uiPort + TEST_PORT_OFFSET,
      namespace: TEST_NAMESPACE,
      expose: undefined,
      // The CLI setup/temporal-cli.sh installed under the user's home: the test home has no tools of its own.
      cli: user.temporal.cli ?? path.join(user.home, 'tools', 'temporal'),
    },
    database: { ...user.database, port: user.database.port + TEST_PORT_OFFSET, listen: undefined },
  };
}
