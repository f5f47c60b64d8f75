import type { SseEvent, StreamErrorEvent } from '@switchyard/plugin-sdk';
import { isObject, parseJson, str } from './anthropic-json.js';
import { statusForAnthropicErrorType } from './map-anthropic-error.js';

/**
 * The error an Anthropic Messages stream carries: its `error` event
 * (`event: error` / `data: {"type": "error", "error": {"type", "message"}}`, e.g. `overloaded_error`;
 * https://docs.anthropic.com/en/docs/build-with-claude/streaming#error-events). Passthrough
 * streams (ProtocolCodec.readStreamError).
 */
export function readAnthropicStreamError(event: SseEvent): StreamErrorEvent | null {
  if (event.event !== undefined && event.event !== 'error') return null;
  const data = parseJson(event.data);
  if (!isObject(data) || data.type !== 'error') return null;
  const error = isObject(data.error) ? data.error : {};
  const errorType = str(error.type) ?? 'api_error';
  return {
    type: 'error',
    status: statusForAnthropicErrorType(errorType),
    errorType,
    message: str(error.message) ?? 'the backend reported an error',
  };
}
