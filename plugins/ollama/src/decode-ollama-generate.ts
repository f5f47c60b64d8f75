import { isObject, type CodecContext, type IrResponse, type SseEvent, type StreamDecoder } from '@switchyard/plugin-sdk';
import { decodeOllamaResponse } from './decode-ollama-response.js';
import { OllamaStreamDecoder } from './decode-ollama-stream.js';

/**
 * A `/api/generate` object (https://github.com/ollama/ollama/blob/main/docs/api.md#generate-a-completion)
 * in `/api/chat`'s shape: `response` (and `thinking`) as the assistant message; `done`,
 * `done_reason`, the counts and `error` unchanged. The chat decoders then read it.
 */
function asChatObject(data: unknown): unknown {
  if (!isObject(data) || data.error !== undefined) return data;
  const message: Record<string, unknown> = { role: 'assistant', content: typeof data.response === 'string' ? data.response : '' };
  if (typeof data.thinking === 'string') message.thinking = data.thinking;
  return { ...data, message };
}

/** A complete `/api/generate` reply (`stream: false`) → IR: `response` as the text, `done_reason` and the counts. */
export function decodeOllamaGenerateResponse(body: unknown, ctx: CodecContext): IrResponse {
  return decodeOllamaResponse(asChatObject(body), ctx);
}

/**
 * `/api/generate`'s NDJSON stream → IR events: each object's `response` a text delta, the
 * `done: true` object usage and finish, an `{"error"}` line an error event (the chat stream's
 * decoder, each line read in chat's shape).
 */
export function createOllamaGenerateStreamDecoder(ctx: CodecContext): StreamDecoder {
  const chat = new OllamaStreamDecoder(ctx);
  return {
    push(event: SseEvent) {
      let data: unknown;
      try {
        data = JSON.parse(event.data);
      } catch {
        return chat.push(event);
      }
      return chat.push({ ...event, data: JSON.stringify(asChatObject(data)) });
    },
    end: () => chat.end(),
  };
}
