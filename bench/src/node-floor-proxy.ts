/**
 * The floor: the least a Node reverse proxy can do on this machine, for comparison with
 * Switchyard on the same Node. node:http in front, an undici Pool per upstream behind, the request
 * body and the reply passed through as bytes (no parsing, no routing, no profile, no metrics).
 * Usage: node node-floor-proxy.js <port> <upstream-url> [<port> <upstream-url> …]
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Pool } from 'undici';

function serve(port: number, upstreamUrl: string): void {
  // No cap on connections (undici's default), as the gateway's Agent: a cap below the burst cell's
  // 500 streams queued half of them inside the floor.
  const pool = new Pool(new URL(upstreamUrl).origin, { keepAliveTimeout: 120_000 });
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      pool
        .request({
          method: req.method as 'GET' | 'POST',
          path: req.url ?? '/',
          headers: { 'content-type': req.headers['content-type'] ?? 'application/json' },
          body: chunks.length ? Buffer.concat(chunks) : undefined,
        })
        .then((up) => {
          const type = up.headers['content-type'];
          res.writeHead(up.statusCode, typeof type === 'string' ? { 'content-type': type } : {});
          up.body.pipe(res);
        })
        .catch((err: Error) => {
          res.writeHead(502).end(err.message);
        });
    });
  });
  server.keepAliveTimeout = 120_000;
  server.listen(port, '127.0.0.1');
}

const args = process.argv.slice(2);
for (let i = 0; i + 1 < args.length; i += 2) serve(Number(args[i]), args[i + 1]!);
// Exit through process.exit so that `--cpu-prof` (NODE_OPTIONS) writes the floor's profile too.
process.on('SIGTERM', () => process.exit(0));
