import type { SseEvent, StreamErrorEvent } from '@switchyard/plugin-sdk';
import { decodeOpenAIStreamError } from './map-openai-stream-error.js';
import { asObject } from './read-openai-chat-json.js';

/**
 * The error an OpenAI-compatible stream carries: a `data: {"error": {...}}` chunk, as OpenAI and
 * vLLM send one mid-stream (the same chunk the translating decoder reads). Passthrough streams
 * (ProtocolCodec.readStreamError).
 */
export function readOpenAIStreamError(event: SseEvent): StreamErrorEvent | null {
  let chunk: Record<string, unknown> | undefined;
  try {
    chunk = asObject(JSON.parse(event.data));
  } catch {
    return null;
  }
  const error = asObject(chunk?.error);
  return error ? decodeOpenAIStreamError(error) : null;
}
