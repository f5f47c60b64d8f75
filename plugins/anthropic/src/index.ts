import { plugin } from './anthropic-plugin.js';

export { plugin };
export default plugin;

export { AnthropicAdapter } from './anthropic-adapter.js';
export { AnthropicBackendConfig } from './anthropic-backend-config.js';
export { DefaultMaxTokensKey, DEFAULT_MAX_TOKENS_DESCRIPTION } from './declare-anthropic-max-tokens-key.js';
export { anthropicMessagesCodec } from './anthropic-messages-codec.js';
export { applyAnthropicSystemPrompt } from './apply-anthropic-system-prompt.js';
export { hasAnthropicMedia } from './has-anthropic-media.js';
export { anthropicErrorEnvelope } from './anthropic-error-envelope.js';
export { decodeAnthropicError } from './decode-anthropic-error.js';
export * from './anthropic-api-paths.js';
export { decodeAnthropicRequest } from './decode-anthropic-request.js';
export { encodeAnthropicRequest } from './encode-anthropic-request.js';
export { decodeAnthropicResponse } from './decode-anthropic-response.js';
export { encodeAnthropicResponse, anthropicMessageId } from './encode-anthropic-response.js';
export { AnthropicStreamDecoder, createAnthropicStreamDecoder } from './decode-anthropic-stream.js';
export { AnthropicStreamEncoder, anthropicSseEvent, createAnthropicStreamEncoder } from './encode-anthropic-stream.js';
export { decodeAnthropicStopReason, encodeAnthropicStopReason } from './map-anthropic-stop-reason.js';
export { encodeAnthropicUsage } from './map-anthropic-usage.js';
export { usageFromAnthropic, readAnthropicReplyUsage } from './read-anthropic-usage.js';
export { createAnthropicStreamMeter } from './meter-anthropic-stream.js';
export { anthropicErrorType, statusForAnthropicErrorType } from './map-anthropic-error.js';
export { ANTHROPIC_EFFORT_BUDGETS, planAnthropicThinking, type AnthropicThinking } from './encode-anthropic-thinking.js';
export { fillAnthropicMaxTokens, shapeAnthropicCountTokensBody } from './fill-anthropic-max-tokens.js';
export { parseAnthropicModelList } from './list-anthropic-models.js';
export { fitAnthropicJsonSchema } from './fit-anthropic-json-schema.js';
export { claudeModelRules, type ClaudeModelRules } from './claude-model-rules.js';
export { ANTHROPIC_DEFAULT_THINKING_BUDGET, ANTHROPIC_MIN_THINKING_BUDGET, requiresAdaptiveThinking } from './anthropic-thinking-rules.js';
export { anthropicMessagesProfile } from './anthropic-messages-profile.js';
export { fitAnthropicThinkingBudget, stripAnthropicThinkingConflicts } from './fit-anthropic-thinking.js';
export {
  validateAnthropicMessagesRequest,
  ANTHROPIC_MESSAGES_FIELDS,
  ANTHROPIC_COUNT_TOKENS_FIELDS,
} from './validate-anthropic-messages-request.js';
