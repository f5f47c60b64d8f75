import type { ProtocolCodec } from '@switchyard/plugin-sdk';
import { decodeOllamaEmbedReply } from './decode-ollama-embed-reply.js';
import { encodeOllamaEmbed } from './encode-ollama-embed.js';

/** The wire protocol of Ollama's native `/api/embed`. */
export const OLLAMA_EMBED = 'ollama.embed';

/** The ollama.embed codec (backend side of embeddings only): IR → `/api/embed` body, its reply → IR. */
export const ollamaEmbedCodec: ProtocolCodec = {
  protocol: OLLAMA_EMBED,
  embeddings: { encodeRequest: encodeOllamaEmbed, decodeResponse: decodeOllamaEmbedReply },
};
