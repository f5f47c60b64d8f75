import type { GatewayError, GatewayErrorKind } from './gateway-error.js';

const OPENAI_TYPES: Record<GatewayErrorKind, string> = {
  authentication: 'invalid_request_error',
  permission: 'permission_error',
  request_too_large: 'invalid_request_error',
  invalid_request: 'invalid_request_error',
  not_found: 'invalid_request_error',
  rate_limit: 'rate_limit_error',
  upstream: 'server_error',
  timeout: 'timeout_error',
  overloaded: 'server_error',
  unavailable: 'server_error',
  internal: 'server_error',
};

const ANTHROPIC_TYPES: Record<GatewayErrorKind, string> = {
  authentication: 'authentication_error',
  permission: 'permission_error',
  request_too_large: 'request_too_large',
  invalid_request: 'invalid_request_error',
  not_found: 'not_found_error',
  rate_limit: 'rate_limit_error',
  upstream: 'api_error',
  timeout: 'timeout_error',
  overloaded: 'overloaded_error',
  unavailable: 'api_error',
  internal: 'api_error',
};

export type ErrorDialect = 'openai' | 'anthropic';

/** The error as the JSON value of its dialect's envelope. */
export function errorEnvelope(dialect: ErrorDialect, err: GatewayError): Record<string, unknown> {
  if (dialect === 'anthropic') {
    return { type: 'error', error: { type: err.upstreamType ?? ANTHROPIC_TYPES[err.kind], message: err.message } };
  }
  return {
    error: { message: err.message, type: err.upstreamType ?? OPENAI_TYPES[err.kind], param: err.param, code: err.code },
  };
}

export function encodeErrorBody(dialect: ErrorDialect, err: GatewayError): string {
  return JSON.stringify(errorEnvelope(dialect, err));
}

/** A final SSE event carrying the error, for failures after a stream has started. */
export function encodeErrorEvent(dialect: ErrorDialect, err: GatewayError): string {
  const body = encodeErrorBody(dialect, err);
  return dialect === 'anthropic' ? `event: error\ndata: ${body}\n\n` : `data: ${body}\n\n`;
}

/** The error `type` a dialect uses for a kind (for codecs that build their own events). */
export function errorTypeFor(dialect: ErrorDialect, kind: GatewayErrorKind): string {
  return dialect === 'anthropic' ? ANTHROPIC_TYPES[kind] : OPENAI_TYPES[kind];
}
