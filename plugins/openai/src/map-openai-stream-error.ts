import { encodeErrorEvent, GatewayError, type GatewayErrorKind, type IrStreamEvent } from '@switchyard/plugin-sdk';
import { asObject, asString, type Json } from './read-openai-chat-json.js';
import { openaiErrorEnvelope } from './openai-error-envelope.js';

type IrErrorEvent = Extract<IrStreamEvent, { type: 'error' }>;

const KINDS = new Set<string>([
  'authentication',
  'permission',
  'request_too_large',
  'invalid_request',
  'not_found',
  'rate_limit',
  'upstream',
  'timeout',
  'overloaded',
  'unavailable',
  'internal',
] satisfies GatewayErrorKind[]);

/** Error types shared by OpenAI and Anthropic (and vLLM's exception names) with the status they stand for. */
const STATUS_OF_TYPE: Record<string, number> = {
  invalid_request_error: 400,
  BadRequestError: 400,
  authentication_error: 401,
  permission_error: 403,
  not_found_error: 404,
  NotFoundError: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  overloaded_error: 529,
  timeout_error: 504,
};

function kindOfStatus(status: number): GatewayErrorKind {
  if (status === 429) return 'rate_limit';
  if (status === 404) return 'not_found';
  if (status === 413) return 'request_too_large';
  if (status === 504) return 'timeout';
  if (status === 529) return 'overloaded';
  if (status === 503) return 'unavailable';
  if (status >= 500 || status < 400) return 'upstream';
  return 'invalid_request';
}

/** A mid-stream `{"error": {...}}` chunk as an IR error event; the status comes from a numeric `code` (vLLM) or the type. */
export function decodeOpenAIStreamError(error: Json): IrErrorEvent {
  const errorType = asString(error.type) ?? 'server_error';
  const code = typeof error.code === 'number' ? error.code : Number(asString(error.code));
  const status = Number.isInteger(code) && code >= 400 && code <= 599 ? code : (STATUS_OF_TYPE[errorType] ?? 502);
  const message = asString(error.message) ?? asString(asObject(error.error)?.message) ?? 'the backend failed mid-stream';
  return { type: 'error', status, errorType, message };
}

/**
 * An IR error event as OpenAI's final SSE error event (`data: {"error":{...}}`, no [DONE] after it),
 * in OpenAI's envelope (openaiErrorEnvelope). `errorType` may be a gateway error kind or a
 * provider's error type: the OpenAI type is the kind's (a provider type says nothing to an OpenAI
 * client).
 */
export function encodeOpenAIStreamError(event: IrErrorEvent): string {
  const kind = KINDS.has(event.errorType) ? (event.errorType as GatewayErrorKind) : kindOfStatus(event.status);
  return encodeErrorEvent(openaiErrorEnvelope, new GatewayError({ status: event.status, kind, message: event.message }));
}
