import { GatewayError } from '@switchyard/kernel';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendError } from './install-http-hooks.js';

/**
 * An HTTP/1.1 request without a Host header must be answered 400 (RFC 9112 §3.2). Node does so
 * itself with an empty body (`requireHostHeader`); the gateway turns that off and answers here
 * instead, in the client's envelope and with a request id, closing the connection.
 */
export function installHostCheck(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) => {
    if (request.headers.host !== undefined || request.raw.httpVersion !== '1.1') {
      done();
      return;
    }
    reply.header('x-request-id', request.id).header('connection', 'close');
    sendError(reply, request.url, GatewayError.invalidRequest('an HTTP/1.1 request needs a Host header'));
  });
}
