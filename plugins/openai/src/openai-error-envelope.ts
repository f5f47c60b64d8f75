import type { ErrorEnvelope, GatewayError, GatewayErrorKind } from '@switchyard/plugin-sdk';

/** The OpenAI error `type` of each gateway error kind. */
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

/** The error `type` OpenAI clients get for a kind (for codecs that build their own events). */
export function openaiErrorType(kind: GatewayErrorKind): string {
  return OPENAI_TYPES[kind];
}

/**
 * OpenAI's error envelope, `{"error": {"message", "type", "param", "code"}}`, for every OpenAI
 * protocol (chat, completions, embeddings, the Responses API); a failed stream ends with one
 * `data:` event carrying it.
 */
export const openaiErrorEnvelope: ErrorEnvelope = {
  family: 'openai',
  body: (err: GatewayError) => ({
    error: { message: err.message, type: err.upstreamType ?? OPENAI_TYPES[err.kind], param: err.param, code: err.code },
  }),
};
