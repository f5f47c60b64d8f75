import type { ProviderPlugin } from '@switchyard/plugin-sdk';
import { OllamaAdapter } from './ollama-adapter.js';
import { OllamaBackendConfig } from './ollama-backend-config.js';
import { ollamaChatCodec } from './ollama-chat-codec.js';
import { ollamaEmbedCodec } from './ollama-embed-codec.js';
import { ollamaGenerateCodec } from './ollama-generate-codec.js';

/**
 * `type: ollama`: Ollama through its native `/api/chat` (NDJSON streams, `think`, tools, images,
 * `options`), the model list from `/api/tags`. Every chat client protocol is translated through
 * the IR with the ollama.chat codec this package contributes; `/v1/embeddings` with ollama.embed
 * (`/api/embed`) and `/v1/completions` with ollama.generate (`/api/generate`, FIM `suffix`).
 */
export const plugin: ProviderPlugin<OllamaBackendConfig> = {
  type: 'ollama',
  configClass: OllamaBackendConfig,
  nativeProtocols: [],
  codecs: [ollamaChatCodec, ollamaEmbedCodec, ollamaGenerateCodec],
  providerName: 'ollama',
  authTypes: ['bearer', 'none'],
  createAdapter: (config, ctx) => new OllamaAdapter(config, ctx),
};
