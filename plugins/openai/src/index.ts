import type { ProviderPlugin } from '@switchyard/plugin-sdk';
import { openaiChatCodec } from './openai-chat-codec.js';
import { OpenAIAdapter } from './openai-adapter.js';
import { OpenAIBackendConfig } from './openai-backend-config.js';
import { openaiCompletionsCodec, openaiEmbeddingsCodec } from './validate-openai-completions-request.js';

/** Backend type `openai`: any OpenAI-compatible server, passed through untouched (or translated with the `openai.chat` codec). */
export const plugin: ProviderPlugin<OpenAIBackendConfig> = {
  type: 'openai',
  configClass: OpenAIBackendConfig,
  nativeProtocols: ['openai.chat', 'openai.completions', 'openai.embeddings'],
  streamUsageOption: true,
  codecs: [openaiChatCodec, openaiCompletionsCodec, openaiEmbeddingsCodec],
  providerName: 'openai',
  createAdapter: (config, ctx) => new OpenAIAdapter(config, ctx),
};

export default plugin;
export { OpenAIAdapter } from './openai-adapter.js';
export { OpenAIBackendConfig } from './openai-backend-config.js';
export { OPENAI_API_PATHS, OPENAI_DEFAULT_BASE_URL } from './openai-api-paths.js';
export { parseOpenAIModelList } from './list-openai-models.js';
export { openaiChatCodec } from './openai-chat-codec.js';
export { adaptOpenAIChatThinking, openaiChatProfile, openaiCompletionsProfile } from './openai-chat-profile.js';
export { applyOpenAIChatSystemPrompt, isOpenAIInstruction } from './apply-openai-chat-system-prompt.js';
export { hasOpenAIChatMedia } from './has-openai-chat-media.js';
export { decodeOpenAIError } from './decode-openai-error.js';
export { decodeOpenAIChatRequest } from './decode-openai-chat-request.js';
export { encodeOpenAIChatRequest } from './encode-openai-chat-request.js';
export { decodeOpenAIChatResponse } from './decode-openai-chat-response.js';
export { encodeOpenAIChatResponse } from './encode-openai-chat-response.js';
export { OpenAIChatStreamDecoder, createOpenAIChatStreamDecoder } from './decode-openai-chat-stream.js';
export { OpenAIChatStreamEncoder, createOpenAIChatStreamEncoder } from './encode-openai-chat-stream.js';
export { decodeOpenAIFinishReason, encodeOpenAIFinishReason } from './map-openai-finish-reason.js';
export { encodeOpenAIChatUsage } from './encode-openai-chat-usage.js';
export { usageFromOpenAI, readOpenAIReplyUsage } from './read-openai-usage.js';
export { createOpenAIStreamMeter } from './meter-openai-stream.js';
export { requestOpenAIStreamUsage } from './request-openai-stream-usage.js';
export { createOpenAIUsageChunkStripper } from './strip-openai-usage-chunk.js';
export { openaiStreamingUsage, openaiUsage } from './openai-usage-hooks.js';
export { openaiErrorEnvelope, openaiErrorType } from './openai-error-envelope.js';
export { validateOpenAIChatRequest, OPENAI_CHAT_REQUEST_FIELDS } from './validate-openai-chat-request.js';
export {
  validateOpenAICompletionsRequest,
  validateOpenAIEmbeddingsRequest,
  OPENAI_COMPLETIONS_REQUEST_FIELDS,
  OPENAI_EMBEDDINGS_REQUEST_FIELDS,
} from './validate-openai-completions-request.js';
export { decodeOpenAICompletionsRequest } from './decode-openai-completions-request.js';
export { encodeOpenAICompletionsResponse } from './encode-openai-completions-response.js';
export { OpenAICompletionsStreamEncoder, createOpenAICompletionsStreamEncoder } from './encode-openai-completions-stream.js';
export { decodeOpenAIEmbeddingsRequest } from './decode-openai-embeddings-request.js';
export { encodeOpenAIEmbeddingsResponse, encodeFloat32Base64 } from './encode-openai-embeddings-response.js';
