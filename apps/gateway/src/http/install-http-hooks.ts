import { GatewayError, encodeErrorBody, type KernelLogger } from '@switchyard/kernel';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { drainUnreadBody } from './drain-unread-body.js';
import type { InboundAuth } from './inbound-auth.js';
import type { LifecycleState } from '../lifecycle-state.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The request body's bytes as received. */
    rawBody?: Buffer;
    /** The inbound key's id when auth is on. */
    clientKeyId?: string | null;
  }
}

/** Paths that never need a client key: liveness and readiness; the admin endpoint checks admin keys itself. */
const OPEN_PATHS = new Set(['/healthz', '/readyz', '/livez', '/admin/usage']);

function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q >= 0 ? url.slice(0, q) : url;
}

export function sendError(reply: FastifyReply, url: string, err: GatewayError): FastifyReply {
  // An answer before the body was read (401, 413) must reach a client that is still sending it.
  if (drainUnreadBody(reply.request.raw, reply.raw)) reply.removeHeader('connection');
  for (const [k, v] of Object.entries(err.headers)) reply.header(k, v);
  return reply
    .code(err.status)
    .type('application/json')
    .send(encodeErrorBody(reply.server.errorEnvelopeFor?.(url), err));
}

/**
 * What must happen for every request, including those Fastify answers before Nest sees them:
 * the request id on every response, inbound auth before the body is read, JSON parsing that
 * keeps the raw bytes and fails in the client's error format.
 */
export function installHttpHooks(fastify: FastifyInstance, auth: InboundAuth, logger: KernelLogger, lifecycle: LifecycleState): void {
  const requestClosed = (): void => {
    lifecycle.inFlight--;
  };
  fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) => {
    lifecycle.inFlight++;
    reply.raw.once('close', requestClosed);
    reply.header('x-request-id', request.id);
    if (auth.enabled && !OPEN_PATHS.has(pathOf(request.url))) {
      const id = auth.check(request.headers.authorization, request.headers['x-api-key']);
      if (id === null) {
        sendError(reply, request.url, GatewayError.unauthorized());
        return;
      }
      request.clientKeyId = id;
    }
    done();
  });

  // Only JSON bodies: a text/plain body is a 415 like any other type, not a string the routes reject.
  fastify.removeContentTypeParser('text/plain');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request: FastifyRequest, raw: Buffer | string, done) => {
    const buf = typeof raw === 'string' ? Buffer.from(raw) : raw;
    request.rawBody = buf;
    if (buf.length === 0) {
      done(GatewayError.invalidRequest('the request body is empty; expected a JSON object'), undefined);
      return;
    }
    try {
      done(null, JSON.parse(buf.toString('utf8')));
    } catch (err) {
      done(GatewayError.invalidRequest(`malformed JSON in the request body: ${(err as Error).message}`), undefined);
    }
  });

  fastify.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    if (logger.isLevelEnabled('debug')) {
      logger.debug({ requestId: request.id, method: request.method, url: request.url, status: reply.statusCode }, 'request done');
    }
    done();
  });
}
