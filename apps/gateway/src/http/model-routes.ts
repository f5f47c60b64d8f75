import { CLIENT_ENDPOINTS, type GatewayPipeline, type KernelLogger } from '@switchyard/kernel';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { toGatewayError } from './gateway-exception.filter.js';
import { sendError } from './install-http-hooks.js';
import { proxyThroughPipeline } from './write-gateway-reply.js';

/**
 * Registers the model endpoints (the kernel's CLIENT_ENDPOINTS: path ↔ client protocol) as Fastify
 * routes whose handlers call the kernel pipeline; errors use the envelope of the path's protocol
 * (error-dialect.ts). They are the hot path, so they skip Nest's router (execution context, pipes, guards, interceptors,
 * exception zone per request); Nest controllers serve everything else (models list, health).
 * Anything thrown, before the handler (body parsing) or in it, is answered in the client's format.
 */
export function registerModelRoutes(fastify: FastifyInstance, pipeline: GatewayPipeline, logger: KernelLogger, bodyLimit: number): void {
  const errorHandler = (err: FastifyError, request: FastifyRequest, reply: FastifyReply): void => {
    const error = toGatewayError(err, request, bodyLimit);
    if (error.status >= 500 && error.kind === 'internal') logger.error({ requestId: request.id, err }, 'unhandled error');
    if (reply.sent || reply.raw.headersSent || reply.raw.destroyed) return;
    sendError(reply, request.url, error);
  };
  for (const route of CLIENT_ENDPOINTS) {
    const handler = (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> =>
      proxyThroughPipeline(pipeline, route.protocol, request, reply, route.operation);
    for (const url of route.paths) fastify.route({ method: 'POST', url, handler, errorHandler });
  }
}
