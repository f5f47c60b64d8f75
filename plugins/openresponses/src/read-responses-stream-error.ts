import type { SseEvent, StreamErrorEvent } from '@switchyard/plugin-sdk';
import { asObject, asString, parseJson } from './responses-json.js';

const FAILURE_TYPES = new Set(['error', 'response.failed']);
const ERROR_TYPE = /"type"\s*:\s*"error"/;

/**
 * The error a Responses API stream carries: its `error` event (`{"type": "error", "code",
 * "message", "param"}`; https://platform.openai.com/docs/api-reference/responses-streaming/error)
 * or `response.failed` with the response's `error` (`{"code", "message"}`;
 * https://platform.openai.com/docs/api-reference/responses-streaming/response/failed). Events
 * named otherwise are not parsed. Passthrough streams (ProtocolCodec.readStreamError).
 */
export function readResponsesStreamError(event: SseEvent): StreamErrorEvent | null {
  if (event.event !== undefined && !FAILURE_TYPES.has(event.event)) return null;
  // Unnamed events: every response object says `"error": null`; only a failure's type is parsed.
  if (event.event === undefined && !event.data.includes('response.failed') && !ERROR_TYPE.test(event.data)) return null;
  const data = asObject(parseJson(event.data));
  const type = asString(data?.type);
  if (!data || type === undefined || !FAILURE_TYPES.has(type)) return null;
  const error = type === 'error' ? (asObject(data.error) ?? data) : (asObject(asObject(data.response)?.error) ?? {});
  const code = asString(error.code) ?? asString(error.type) ?? 'server_error';
  return {
    type: 'error',
    status: code === 'rate_limit_exceeded' ? 429 : 502,
    errorType: code,
    message: asString(error.message) ?? 'the backend reported an error',
  };
}
