import { GatewayError, type GatewayPipeline, type KernelLogger, type Protocol } from '@switchyard/kernel';
import type { FastifyReply, FastifyRequest } from 'fastify';

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Runs one model request through the kernel pipeline and writes its reply. The client going
 * away (the response's socket closing) aborts the upstream at once, also before the first byte.
 */
export async function proxyThroughPipeline(
  pipeline: GatewayPipeline,
  protocol: Protocol,
  request: FastifyRequest,
  reply: FastifyReply,
  /** A sub-operation of the endpoint (`count_tokens`), served on passthrough only. */
  operation?: string,
): Promise<FastifyReply> {
  const body = request.body;
  if (!isPlainObject(body)) {
    throw GatewayError.invalidRequest(
      body === undefined ? 'the request needs a JSON body (Content-Type: application/json)' : 'the request body must be a JSON object',
    );
  }
  const controller = new AbortController();
  const res = reply.raw;
  const onClose = (): void => {
    if (!res.writableFinished) controller.abort();
  };
  res.once('close', onClose);
  const q = request.url.indexOf('?');
  const result = await pipeline.handle({
    protocol,
    body,
    rawBody: request.rawBody,
    headers: request.headers,
    query: q >= 0 ? request.url.slice(q + 1) : undefined,
    operation,
    requestId: request.id,
    clientKeyId: request.clientKeyId ?? null,
    signal: controller.signal,
    logger: request.log as unknown as KernelLogger,
  });
  reply.code(result.status);
  for (const name in result.headers) reply.header(name, result.headers[name]);
  return reply.send(result.body);
}
