import { randomUUID } from 'node:crypto';
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { GatewayError, encodeErrorBody, type KernelLogger, type PluginRegistry } from '@switchyard/kernel';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { errorEnvelopeForUrl } from './error-dialect.js';
import { sendError } from './install-http-hooks.js';

/** Node's parser error codes (llhttp `HPE_*`) and request timeouts, as the client hears them. */
const CLIENT_ERRORS: Record<string, { status: number; message: string }> = {
  ERR_HTTP_REQUEST_TIMEOUT: {
    status: 408,
    message: 'the request was not received in time (server.request_timeout_seconds / server.headers_timeout_seconds)',
  },
  HPE_HEADER_OVERFLOW: { status: 431, message: 'the request headers are too large' },
  HPE_CHUNK_EXTENSIONS_OVERFLOW: { status: 413, message: 'the chunk extensions of the request body are too large' },
  HPE_INVALID_METHOD: { status: 400, message: 'unknown HTTP method' },
  HPE_INVALID_URL: { status: 400, message: 'malformed request target (URL)' },
  HPE_INVALID_VERSION: { status: 400, message: 'unsupported HTTP version' },
  HPE_UNEXPECTED_CONTENT_LENGTH: { status: 400, message: 'duplicate Content-Length header' },
  HPE_INVALID_CONTENT_LENGTH: { status: 400, message: 'invalid Content-Length header' },
  HPE_INVALID_TRANSFER_ENCODING: {
    status: 400,
    message: 'invalid Transfer-Encoding header (it cannot be sent together with Content-Length)',
  },
  HPE_INVALID_CHUNK_SIZE: { status: 400, message: 'invalid chunk size in the request body' },
  HPE_INVALID_HEADER_TOKEN: { status: 400, message: 'invalid character in a request header' },
};

function clientErrorFor(code: string | undefined): GatewayError {
  const known = code !== undefined ? CLIENT_ERRORS[code] : undefined;
  const status = known?.status ?? 400;
  return new GatewayError({
    status,
    kind: status === 408 ? 'timeout' : status === 413 || status === 431 ? 'request_too_large' : 'invalid_request',
    message: known?.message ?? `malformed HTTP request${code ? ` (${code})` : ''}`,
    code: status === 408 ? 'request_timeout' : status === 431 ? 'headers_too_large' : 'bad_request',
  });
}

/**
 * Fastify's `clientErrorHandler`: what Node's HTTP server reports before there is a request to
 * route (a malformed request line or header, a duplicate Content-Length, headers too large, a
 * request not received within `server.request_timeout_seconds`). The client gets the status in
 * the OpenAI error envelope (Anthropic's when the request line already named `/v1/messages`),
 * with an `x-request-id`, and the connection is closed, as Node does by default. When a response
 * on this connection has already started (its headers are out), nothing more can be said: the
 * connection is only closed.
 */
export function createClientErrorHandler(
  logger: KernelLogger,
  registry: PluginRegistry,
): (err: NodeJS.ErrnoException, socket: Socket) => void {
  return (err, socket) => {
    if (err.code === 'ECONNRESET' || socket.destroyed) return;
    const inFlight = (socket as Socket & { _httpMessage?: ServerResponse & { req?: IncomingMessage } })._httpMessage;
    const error = clientErrorFor(err.code);
    const requestId = randomUUID();
    if (logger.isLevelEnabled('debug')) {
      logger.debug({ requestId, code: err.code, status: error.status }, `client error: ${error.message}`);
    }
    if (socket.writable && !inFlight?.headersSent) {
      const body = encodeErrorBody(errorEnvelopeForUrl(registry, inFlight?.req?.url ?? ''), error);
      socket.write(
        `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status]}\r\n` +
          `content-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
          `x-request-id: ${requestId}\r\nconnection: close\r\n\r\n${body}`,
      );
    }
    socket.destroy(err);
  };
}

/**
 * Fastify's `frameworkErrors`: a URL Fastify cannot route because its path is not valid
 * percent-encoding (or a parameter is too long), answered in the client's envelope like every
 * other error, with its request id.
 */
export function answerFrameworkError(err: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const error =
    err.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? new GatewayError({ status: 414, kind: 'invalid_request', message: 'a path segment of the URL is too long', code: 'uri_too_long' })
      : err.code === 'FST_ERR_BAD_URL'
        ? new GatewayError({
            status: 400,
            kind: 'invalid_request',
            message: 'malformed URL: the path is not valid percent-encoding',
            code: 'bad_request',
          })
        : GatewayError.internal();
  reply.header('x-request-id', request.id);
  sendError(reply, request.url, error);
}
