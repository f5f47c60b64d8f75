import { plugin } from './ollama-plugin.js';

export { plugin };
export default plugin;

export { OllamaAdapter } from './ollama-adapter.js';
export { OllamaBackendConfig } from './ollama-backend-config.js';
export { ollamaChatCodec, OLLAMA_CHAT, OLLAMA_NDJSON } from './ollama-chat-codec.js';
export { ollamaUrl, OLLAMA_DEFAULT_BASE_URL } from './ollama-urls.js';
export { encodeOllamaRequest } from './encode-ollama-request.js';
export { encodeOllamaMessage, type OllamaMessage } from './encode-ollama-messages.js';
export { encodeOllamaOptions } from './encode-ollama-options.js';
export { decodeOllamaResponse } from './decode-ollama-response.js';
export { OllamaStreamDecoder, createOllamaStreamDecoder } from './decode-ollama-stream.js';
export { decodeOllamaToolCall, type OllamaToolCall } from './decode-ollama-tool-call.js';
export { decodeOllamaDoneReason } from './map-ollama-done-reason.js';
export { decodeOllamaUsage } from './map-ollama-usage.js';
export { normaliseOllamaErrorReply } from './ollama-error-reply.js';
export { listOllamaModels } from './list-ollama-models.js';
export { encodeOllamaEmbed } from './encode-ollama-embed.js';
export { decodeOllamaEmbedReply } from './decode-ollama-embed-reply.js';
export { ollamaEmbedCodec, OLLAMA_EMBED } from './ollama-embed-codec.js';
export { ollamaGenerateCodec, OLLAMA_GENERATE } from './ollama-generate-codec.js';
export { encodeOllamaGenerate } from './encode-ollama-generate.js';
export { decodeOllamaGenerateResponse, createOllamaGenerateStreamDecoder } from './decode-ollama-generate.js';
