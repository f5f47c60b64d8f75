import type { ProviderPlugin } from '@switchyard/kernel';
import { OllamaAdapter } from './ollama-adapter.js';
import { OllamaBackendConfig } from './ollama-backend-config.js';
import { ollamaChatCodec } from './ollama-chat-codec.js';

/**
 * `type: ollama`: Ollama through its native `/api/chat` (NDJSON streams, `think`, tools, images,
 * `options`), the model list from `/api/tags`. Every chat client protocol is translated through
 * the IR with the ollama.chat codec this package contributes.
 */
export const plugin: ProviderPlugin<OllamaBackendConfig> = {
  type: 'ollama',
  configClass: OllamaBackendConfig,
  // openai.embeddings bodies reach the adapter untouched: it answers them through /api/embed (sendEmbed).
  nativeProtocols: ['openai.embeddings'],
  codecs: [ollamaChatCodec],
  providerName: 'ollama',
  authTypes: ['bearer', 'none'],
  createAdapter: (config, ctx) => new OllamaAdapter(config, ctx),
};
