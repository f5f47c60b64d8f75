import { ndjsonFraming, type ProtocolCodec } from '@switchyard/plugin-sdk';
import { decodeOllamaResponse } from './decode-ollama-response.js';
import { createOllamaStreamDecoder } from './decode-ollama-stream.js';
import { encodeOllamaRequest } from './encode-ollama-request.js';

/** The wire protocol of Ollama's native `/api/chat`. */
export const OLLAMA_CHAT = 'ollama.chat';

/** The media type of a streamed `/api/chat` reply (https://github.com/ollama/ollama/blob/main/docs/api/streaming.mdx). */
export const OLLAMA_NDJSON = 'application/x-ndjson';

/**
 * The ollama.chat codec (backend side only): IR → `/api/chat` body, its reply → IR, and its
 * NDJSON stream → IR events through the kernel's NDJSON framing.
 */
export const ollamaChatCodec: ProtocolCodec = {
  protocol: OLLAMA_CHAT,
  encodeRequest: encodeOllamaRequest,
  decodeResponse: decodeOllamaResponse,
  createStreamDecoder: createOllamaStreamDecoder,
  streamFraming: ndjsonFraming(OLLAMA_NDJSON),
};
