import type { ErrorEnvelope, GatewayError, GatewayErrorKind } from '@switchyard/plugin-sdk';

/** The Anthropic error `type` of each gateway error kind (https://docs.anthropic.com/en/api/errors). */
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

const body = (err: GatewayError): Record<string, unknown> => ({
  type: 'error',
  error: { type: err.upstreamType ?? ANTHROPIC_TYPES[err.kind], message: err.message },
});

/** Anthropic's error envelope, `{"type": "error", "error": {"type", "message"}}`; a failed stream ends with an `error` event. */
export const anthropicErrorEnvelope: ErrorEnvelope = {
  family: 'anthropic',
  body,
  streamEvent: (err) => `event: error\ndata: ${JSON.stringify(body(err))}\n\n`,
};
