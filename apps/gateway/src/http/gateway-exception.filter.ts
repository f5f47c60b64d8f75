import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { GatewayError, isGatewayError, type KernelLogger } from '@switchyard/kernel';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendError } from './install-http-hooks.js';

interface FastifyLikeError {
  code?: string;
  statusCode?: number;
  message?: string;
}

/** Maps anything thrown (ours, Nest's, Fastify's) to an error in the ingress protocol's envelope. */
export function toGatewayError(err: unknown, request: FastifyRequest, bodyLimit: number): GatewayError {
  if (isGatewayError(err)) return err;
  // Nest wraps Fastify's own 4xx errors (body too large, bad media type…) in an HttpException
  // whose `cause` keeps the FST_* code: look at that code, not just the wrapper.
  const cause = err instanceof HttpException ? (err.cause as FastifyLikeError | undefined) : undefined;
  const e = (typeof cause?.code === 'string' ? cause : err) as FastifyLikeError;
  switch (e?.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return GatewayError.bodyTooLarge(bodyLimit);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new GatewayError({
        status: 415,
        kind: 'invalid_request',
        message: `unsupported Content-Type "${request.headers['content-type'] ?? ''}"; send application/json`,
        code: 'unsupported_media_type',
      });
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return GatewayError.invalidRequest('the request body is empty; expected a JSON object');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return GatewayError.invalidRequest('the Content-Length header does not match the body');
  }
  if (err instanceof HttpException) {
    const status = err.getStatus();
    if (status === 404) return GatewayError.notFound(`unknown path: ${request.method} ${request.url.split('?')[0]}`);
    if (status === 405) return new GatewayError({ status, kind: 'invalid_request', message: `method ${request.method} not allowed here` });
    return new GatewayError({ status, kind: status >= 500 ? 'internal' : 'invalid_request', message: err.message });
  }
  if (typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return new GatewayError({ status: e.statusCode, kind: 'invalid_request', message: e.message ?? 'bad request' });
  }
  return GatewayError.internal();
}

@Catch()
export class GatewayExceptionFilter implements ExceptionFilter {
  constructor(
    private readonly logger: KernelLogger,
    private readonly bodyLimit: number,
  ) {}

  catch(err: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const request = ctx.getRequest<FastifyRequest>();
    const reply = ctx.getResponse<FastifyReply>();
    const error = toGatewayError(err, request, this.bodyLimit);
    if (error.status >= 500 && error.kind === 'internal') {
      this.logger.error({ requestId: request.id, err }, 'unhandled error');
    }
    if (reply.sent || reply.raw.headersSent || reply.raw.destroyed) return;
    sendError(reply, request.url, error);
  }
}
