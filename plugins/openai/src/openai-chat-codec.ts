import { xRateLimitHeaders, type ProtocolCodec } from '@switchyard/plugin-sdk';
import { decodeOpenAIChatRequest } from './decode-openai-chat-request.js';
import { decodeOpenAIChatResponse } from './decode-openai-chat-response.js';
import { createOpenAIChatStreamDecoder } from './decode-openai-chat-stream.js';
import { encodeOpenAIChatRequest } from './encode-openai-chat-request.js';
import { encodeOpenAIChatResponse } from './encode-openai-chat-response.js';
import { createOpenAIChatStreamEncoder } from './encode-openai-chat-stream.js';
import { validateOpenAIChatRequest } from './validate-openai-chat-request.js';
import { readOpenAIStreamError } from './read-openai-stream-error.js';
import { decodeOpenAIError } from './decode-openai-error.js';
import { openaiChatProfile } from './openai-chat-profile.js';
import { openaiStreamingUsage } from './openai-usage-hooks.js';
import { openaiErrorEnvelope } from './openai-error-envelope.js';
import { readOpenAIChatMaxOutputTokens } from './read-openai-max-output-tokens.js';
import { hasOpenAIChatMedia } from './has-openai-chat-media.js';

/**
 * The `openai.chat` codec, both sides: an OpenAI client reaching another protocol's backend
 * (decodeRequest, encodeResponse, createStreamEncoder), and any other ingress reaching an
 * OpenAI-compatible backend (encodeRequest, decodeResponse, createStreamDecoder).
 */
export const openaiChatCodec: ProtocolCodec = {
  protocol: 'openai.chat',
  validateRequest: validateOpenAIChatRequest,
  decodeRequest: decodeOpenAIChatRequest,
  encodeResponse: encodeOpenAIChatResponse,
  createStreamEncoder: createOpenAIChatStreamEncoder,
  encodeRequest: encodeOpenAIChatRequest,
  decodeResponse: decodeOpenAIChatResponse,
  createStreamDecoder: createOpenAIChatStreamDecoder,
  readStreamError: readOpenAIStreamError,
  decodeError: decodeOpenAIError,
  profile: openaiChatProfile,
  usage: openaiStreamingUsage,
  errorEnvelope: openaiErrorEnvelope,
  maxOutputTokens: readOpenAIChatMaxOutputTokens,
  // x-ratelimit-{limit,remaining,reset}-{requests,tokens}, reset as a duration ("1s", "6m0s"):
  // https://platform.openai.com/docs/guides/rate-limits#rate-limits-in-headers
  rateLimitHeaders: xRateLimitHeaders,
  // OpenTelemetry GenAI: "chat", chat completion operation such as OpenAI Chat API
  // (https://opentelemetry.io/docs/specs/semconv/registry/attributes/gen-ai/#gen-ai-operation-name).
  operationName: 'chat',
  hasMediaContent: hasOpenAIChatMedia,
};
