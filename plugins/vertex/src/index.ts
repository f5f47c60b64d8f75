import { plugin } from './vertex-plugin.js';

export { plugin };
export default plugin;

export { VertexAdapter } from './vertex-adapter.js';
export { VertexBackendConfig } from './vertex-backend-config.js';
export { AdcCredentials, StaticCredentials, CLOUD_PLATFORM_SCOPE, type VertexCredentials, type AuthHeaders } from './vertex-credentials.js';
export { vertexHost, vertexModelUrl, VERTEX_DEFAULT_LOCATION, type VertexModelUrl } from './vertex-urls.js';
export { vertexModelId, vertexPublisherOf, type VertexPublisher } from './vertex-model-ids.js';
export { shapeVertexClaudeBody, shapeVertexClaudeCountTokensBody, VERTEX_ANTHROPIC_VERSION } from './shape-vertex-claude-body.js';
export { googleGenerateContentCodec, GOOGLE_GENERATE_CONTENT } from './google-generate-content-codec.js';
export { decodeGoogleError, readGoogleRetryDelay } from './decode-google-error.js';
export { encodeGeminiRequest } from './encode-gemini-request.js';
export { encodeGeminiContents, encodeGeminiSystemInstruction, GEMINI_SKIP_THOUGHT_SIGNATURE } from './encode-gemini-contents.js';
export { encodeGeminiThinking } from './encode-gemini-thinking.js';
export { encodeGeminiTools, encodeGeminiToolConfig } from './encode-gemini-tools.js';
export { sanitizeGeminiSchema } from './sanitize-gemini-schema.js';
export { decodeGeminiResponse, decodeGeminiParts } from './decode-gemini-response.js';
export { GeminiStreamDecoder, createGeminiStreamDecoder } from './decode-gemini-stream.js';
export { decodeGeminiFinishReason } from './map-gemini-finish-reason.js';
export { decodeGeminiUsage } from './map-gemini-usage.js';
export { geminiToolCallId } from './gemini-tool-call-ids.js';
export { applyGeminiPartialArg, parseGeminiJsonPath } from './apply-gemini-partial-args.js';
export { geminiModelFamily, isGemini3OrLater, type GeminiModelFamily } from './gemini-models.js';
export { geminiPromptBlocked } from './gemini-errors.js';
export { vertexEmbeddingsCodec, VERTEX_PREDICT_EMBEDDINGS } from './vertex-embeddings-codec.js';
export {
  encodeVertexEmbeddingsRequest,
  vertexEmbeddingBatchLimit,
  VERTEX_EMBEDDING_MAX_INPUTS,
} from './encode-vertex-embeddings-request.js';
export { splitVertexEmbeddingsBody, sendVertexEmbeddingBatches } from './batch-vertex-embeddings.js';
export { decodeVertexEmbeddingsResponse } from './decode-vertex-embeddings-response.js';
