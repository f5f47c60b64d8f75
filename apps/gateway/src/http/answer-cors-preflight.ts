import { GatewayError } from '@switchyard/kernel';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendError } from './install-http-hooks.js';

/**
 * With `server.cors` on, @fastify/cors adds the CORS headers and hands every OPTIONS request on
 * (`preflightContinue`); this hook, added before inbound auth (browsers send no credentials on a
 * preflight), ends it: 204 for a preflight, 400 in the client's envelope for an OPTIONS request
 * without `Origin` or `Access-Control-Request-Method` (@fastify/cors would answer a plain-text
 * "Invalid Preflight Request"). Either way with the request id.
 */
export function installCorsPreflight(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) => {
    if (request.method !== 'OPTIONS') {
      done();
      return;
    }
    reply.header('x-request-id', request.id);
    if (!request.headers.origin || !request.headers['access-control-request-method']) {
      sendError(
        reply,
        request.url,
        GatewayError.invalidRequest('invalid CORS preflight request: it needs the Origin and Access-Control-Request-Method headers'),
      );
      return;
    }
    reply.code(204).header('content-length', '0').send();
  });
}
