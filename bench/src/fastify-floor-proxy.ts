/**
 * The Fastify floor: what the gateway's own HTTP framework costs before any gateway logic, for
 * comparison with the Node floor (node-floor-proxy.ts) and Switchyard on the same Node. Fastify
 * (the version the gateway runs) in front, no logger; the JSON request body parsed and serialised
 * again once (what any gateway that reads `model` and sets a field must do); an undici Pool per
 * upstream behind; a complete reply read whole and sent with `reply.send`, a stream (`"stream":
 * true`) piped to the raw response, as the gateway sends each (no parsing of the reply, no routing,
 * no profile, no metrics, no journal).
 * Usage: node fastify-floor-proxy.js <port> <upstream-url> [<port> <upstream-url> …]
 */
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { Pool } from 'undici';

async function serve(port: number, upstreamUrl: string): Promise<void> {
  // No connection cap (undici's default), as the gateway's Agent and the Node floor.
  const pool = new Pool(new URL(upstreamUrl).origin, { keepAliveTimeout: 120_000 });
  const app = Fastify({ logger: false, keepAliveTimeout: 120_000, bodyLimit: 64 * 1024 * 1024 });
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req: FastifyRequest, body: Buffer | string, done) => {
    try {
      done(null, JSON.parse(body.toString()));
    } catch (err) {
      done(err as Error, undefined);
    }
  });
  const forward = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const up = await pool.request({
      method: request.method as 'GET' | 'POST',
      path: request.url,
      headers: { 'content-type': 'application/json' },
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
    });
    const type = up.headers['content-type'];
    if ((request.body as { stream?: unknown } | undefined)?.stream === true) {
      // Streams go to the raw response, as the gateway sends them (write-gateway-reply.ts).
      reply.hijack();
      reply.raw.writeHead(up.statusCode, typeof type === 'string' ? { 'content-type': type } : {});
      up.body.pipe(reply.raw);
      return reply;
    }
    // Complete replies are read whole and sent as one buffer, as the gateway sends them.
    const body = Buffer.from(await up.body.arrayBuffer());
    reply.code(up.statusCode);
    if (typeof type === 'string') reply.header('content-type', type);
    return reply.send(body);
  };
  app.post('/*', forward);
  app.get('/*', forward);
  await app.listen({ port, host: '127.0.0.1' });
}

const args = process.argv.slice(2);
for (let i = 0; i + 1 < args.length; i += 2) await serve(Number(args[i]), args[i + 1]!);
// Exit through process.exit so that `--cpu-prof` (NODE_OPTIONS) writes the profile too.
process.on('SIGTERM', () => process.exit(0));
