// The mTLS proxy in front of the loopback Temporal dev server (which has neither TLS nor
// authentication): it listens on temporal.expose, completes a TLS handshake only with clients that
// present a certificate of our dev CA (dev/certificates.ts), and then relays bytes to the dev server.
// ALPN h2 (gRPC); the HTTP/2 stream is not parsed. Run as its own detached process by
// dev/temporal-proxy.ts: `node tls-proxy.js <listen host:port> <target host:port> <tls dir>`.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import tls from 'node:tls';

export type TlsProxyOptions = {
  listen: { host: string; port: number };
  target: { host: string; port: number };
  key: Buffer; cert: Buffer; ca: Buffer;
  log: (line: string) => void;
};

/** Resolves once listening; the server's address() says the port when 0 was asked for. */
export function startTlsProxy(options: TlsProxyOptions): Promise<tls.Server> {
  const { listen, target, key, cert, ca, log } = options;
  const server = tls.createServer({
    key, cert, ca, requestCert: true, rejectUnauthorized: true, ALPNProtocols: ['h2'], minVersion: 'TLSv1.2',
  }, (socket) => {
    const upstream = net.connect(target.port, target.host);
    const close = () => { socket.destroy(); upstream.destroy(); };
    socket.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
    socket.pipe(upstream).pipe(socket);
  });
  // A client without our certificate (or not speaking TLS) ends here, before any byte reaches Temporal.
  server.on('tlsClientError', (err, socket) => {
    log(`refused ${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}: ${err.message.split('\n')[0]}`);
    socket.destroy();
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

function hostPort(address: string): { host: string; port: number } {
  const at = address.lastIndexOf(':');
  return { host: address.slice(0, at), port: Number(address.slice(at + 1)) };
}

if (require.main === module) {
  const [listen, target, dir] = process.argv.slice(2);
  if (!listen || !target || !dir) {
    process.stderr.write('usage: node tls-proxy.js <listen host:port> <target host:port> <tls dir>\n');
    process.exit(2);
  }
  const read = (name: string) => fs.readFileSync(path.join(dir, name));
  const log = (line: string) => process.stdout.write(`${new Date().toISOString()} tls-proxy: ${line}\n`);
  startTlsProxy({ listen: hostPort(listen), target: hostPort(target), key: read('server.key'), cert: read('server.pem'), ca: read('ca.pem'), log })
    .then(() => log(`listening on ${listen}, relaying authenticated clients to ${target}`), (err: Error) => {
      log(`cannot listen on ${listen}: ${err.message}`);
      process.exit(1);
    });
  process.on('SIGTERM', () => process.exit(0));
}
