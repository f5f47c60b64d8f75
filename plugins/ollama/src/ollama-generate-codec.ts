import { ndjsonFraming, type ProtocolCodec } from '@switchyard/plugin-sdk';
import { createOllamaGenerateStreamDecoder, decodeOllamaGenerateResponse } from './decode-ollama-generate.js';
import { encodeOllamaGenerate } from './encode-ollama-generate.js';
import { OLLAMA_NDJSON } from './ollama-chat-codec.js';

/** The wire protocol of Ollama's native `/api/generate` (legacy completions, fill-in-the-middle). */
export const OLLAMA_GENERATE = 'ollama.generate';

/**
 * The ollama.generate codec (backend side only): an IR prompt → `/api/generate` body, its reply
 * and NDJSON stream → IR. It serves IrRequest.prompt (the kernel refuses a prompt elsewhere).
 */
export const ollamaGenerateCodec: ProtocolCodec = {
  protocol: OLLAMA_GENERATE,
  serves: { prompt: true },
  encodeRequest: encodeOllamaGenerate,
  decodeResponse: decodeOllamaGenerateResponse,
  createStreamDecoder: createOllamaGenerateStreamDecoder,
  streamFraming: ndjsonFraming(OLLAMA_NDJSON),
};
