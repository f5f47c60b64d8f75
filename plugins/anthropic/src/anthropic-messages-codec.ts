import type { ProtocolCodec } from '@switchyard/plugin-sdk';
import { decodeAnthropicError } from './decode-anthropic-error.js';
import { decodeAnthropicRequest } from './decode-anthropic-request.js';
import { decodeAnthropicResponse } from './decode-anthropic-response.js';
import { createAnthropicStreamDecoder } from './decode-anthropic-stream.js';
import { encodeAnthropicRequest } from './encode-anthropic-request.js';
import { encodeAnthropicResponse } from './encode-anthropic-response.js';
import { createAnthropicStreamEncoder } from './encode-anthropic-stream.js';
import { validateAnthropicMessagesRequest } from './validate-anthropic-messages-request.js';
import { readAnthropicStreamError } from './read-anthropic-stream-error.js';
import { anthropicMessagesProfile } from './anthropic-messages-profile.js';
import { readAnthropicReplyUsage } from './read-anthropic-usage.js';
import { createAnthropicStreamMeter } from './meter-anthropic-stream.js';
import { anthropicErrorEnvelope } from './anthropic-error-envelope.js';
import { readAnthropicMaxOutputTokens } from './read-anthropic-max-output-tokens.js';
import { encodeAnthropicRateLimitHeaders } from './encode-anthropic-rate-limit-headers.js';
import { hasAnthropicMedia } from './has-anthropic-media.js';

/**
 * The anthropic.messages codec, both sides. Client side (an Anthropic client reaching another
 * backend): decodeRequest, encodeResponse, createStreamEncoder. Backend side (another client
 * reaching an Anthropic backend, or Claude on Vertex): encodeRequest, decodeResponse,
 * createStreamDecoder.
 */
export const anthropicMessagesCodec: ProtocolCodec = {
  protocol: 'anthropic.messages',
  validateRequest: validateAnthropicMessagesRequest,
  decodeRequest: decodeAnthropicRequest,
  encodeResponse: encodeAnthropicResponse,
  createStreamEncoder: createAnthropicStreamEncoder,
  encodeRequest: encodeAnthropicRequest,
  decodeResponse: decodeAnthropicResponse,
  createStreamDecoder: createAnthropicStreamDecoder,
  readStreamError: readAnthropicStreamError,
  decodeError: decodeAnthropicError,
  profile: anthropicMessagesProfile,
  usage: { readBody: readAnthropicReplyUsage, meterStream: createAnthropicStreamMeter },
  errorEnvelope: anthropicErrorEnvelope,
  maxOutputTokens: readAnthropicMaxOutputTokens,
  rateLimitHeaders: encodeAnthropicRateLimitHeaders,
  // OpenTelemetry GenAI: "chat", a chat completion operation
  // (https://opentelemetry.io/docs/specs/semconv/registry/attributes/gen-ai/#gen-ai-operation-name).
  operationName: 'chat',
  hasMediaContent: hasAnthropicMedia,
};
