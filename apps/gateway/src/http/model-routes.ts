import type { GatewayPipeline, KernelLogger, Protocol } from '@switchyard/kernel';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { toGatewayError } from './gateway-exception.filter.js';
import { sendError } from './install-http-hooks.js';
import { proxyThroughPipeline } from './write-gateway-reply.js';

/** One model endpoint: its paths (with and without `/v1`), the client protocol, a sub-operation. */
export interface ModelRoute {
  paths: readonly string[];
  protocol: Protocol;
  /** Served on passthrough only (`count_tokens`). */
  operation?: string;
}

/**
 * The endpoints that carry model traffic. Errors use the envelope of the path's protocol
 * (Anthropic for /v1/messages, OpenAI for the others; error-dialect.ts).
 */
export const MODEL_ROUTES: readonly ModelRoute[] = [
  { paths: ['/v1/chat/completions', '/chat/completions'], protocol: 'openai.chat' },
  { paths: ['/v1/completions', '/completions'], protocol: 'openai.completions' },
  { paths: ['/v1/embeddings', '/embeddings'], protocol: 'openai.embeddings' },
  // OpenResponses: passthrough to `type: openresponses` backends, translated (stateless) for the others.
  { paths: ['/v1/responses', '/responses'], protocol: 'openai.responses' },
  // Anthropic Messages (`?beta=true` accepted): passthrough to Anthropic-speaking backends, translated for the others.
  { paths: ['/v1/messages', '/messages'], protocol: 'anthropic.messages' },
  { paths: ['/v1/messages/count_tokens', '/messages/count_tokens'], protocol: 'anthropic.messages', operation: 'count_tokens' },
];

/**
 * Registers the model endpoints as Fastify routes whose handlers call the kernel pipeline. They
 * are the hot path, so they skip Nest's router (execution context, pipes, guards, interceptors,
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
  for (const route of MODEL_ROUTES) {
    const handler = (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> =>
      proxyThroughPipeline(pipeline, route.protocol, request, reply, route.operation);
    for (const url of route.paths) fastify.route({ method: 'POST', url, handler, errorHandler });
  }
}
