import { GatewayError, type GatewayPipeline, type KernelLogger, type Protocol } from '@switchyard/kernel';
import type { OutgoingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
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
  if (result.stream) {
    // Nothing reads the request body again, and a stream may stay open for minutes: Fastify's
    // request would keep the parsed body and its bytes alive until the reply ends (issue #19:
    // an 88 KB request's open stream held 127 KiB of heap, 34 KiB without them).
    request.body = undefined;
    request.rawBody = undefined;
    return sendStream(reply, result.status, result.headers, result.body as Readable);
  }
  reply.code(result.status);
  for (const name in result.headers) reply.header(name, result.headers[name]);
  return reply.send(result.body);
}

/**
 * A streamed reply, piped to the socket's response by hand. Fastify's own stream send watches both
 * ends with end-of-stream listeners and copies every header once more; per stream that was about a
 * tenth of what survives a young-generation collection (issue #19: sampled live allocations of 64
 * open streams), and scavenge pauses are the stream tail. What it did that matters here is done
 * below: the headers Fastify collected (the request id) go out with the reply's own, and a client
 * that goes away destroys the stream (which drops the upstream request). The pipeline's stream
 * ends itself with an error event on a failure, so it never errors into the response. Fastify's
 * response listeners (onResponse hooks) still run: they are on the raw response.
 */
function sendStream(reply: FastifyReply, status: number, headers: Record<string, string | string[]>, body: Readable): FastifyReply {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(status, { ...(reply.getHeaders() as OutgoingHttpHeaders), ...headers });
  res.once('close', () => {
    if (!body.readableEnded) body.destroy();
  });
  // Not expected (see above); should it happen, the client sees the connection cut, as Fastify did once headers were out.
  body.once('error', () => res.destroy());
  body.pipe(res);
  return reply;
}
