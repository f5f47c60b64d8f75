import { openaiErrorEnvelope } from '@switchyard/plugin-openai';
import { xRateLimitHeaders, type ProtocolCodec } from '@switchyard/plugin-sdk';
import { decodeResponsesRequest } from './decode-responses-request.js';
import { decodeResponsesResponse } from './decode-responses-response.js';
import { createResponsesStreamDecoder } from './decode-responses-stream.js';
import { encodeResponsesRequest } from './encode-responses-request.js';
import { encodeResponsesResponse } from './encode-responses-response.js';
import { createResponsesStreamEncoder } from './encode-responses-stream.js';
import { validateResponsesRequest } from './validate-responses-request.js';
import { readResponsesStreamError } from './read-responses-stream-error.js';
import { openaiResponsesProfile } from './openai-responses-profile.js';
import { readResponsesReplyUsage } from './read-responses-usage.js';
import { createResponsesStreamMeter } from './meter-responses-stream.js';
import { createResponsesPassthroughFailure } from './track-responses-passthrough-failure.js';
import { readResponsesMaxOutputTokens } from './read-responses-max-output-tokens.js';
import { hasResponsesMedia } from './has-responses-media.js';

/**
 * The openai.responses codec, both sides. Client side (a /v1/responses client reaching a backend
 * that does not speak the Responses API: OpenAI-compatible chat, Anthropic, the mock):
 * decodeRequest, encodeResponse, createStreamEncoder. Backend side (chat and messages clients
 * reaching an OpenResponses backend): encodeRequest, decodeResponse, createStreamDecoder.
 */
export const openaiResponsesCodec: ProtocolCodec = {
  protocol: 'openai.responses',
  // top_logprobs + include message.output_text.logprobs (complete replies); the Responses API has no n.
  serves: { logprobs: true },
  validateRequest: validateResponsesRequest,
  decodeRequest: decodeResponsesRequest,
  encodeResponse: encodeResponsesResponse,
  createStreamEncoder: createResponsesStreamEncoder,
  encodeRequest: encodeResponsesRequest,
  decodeResponse: decodeResponsesResponse,
  createStreamDecoder: createResponsesStreamDecoder,
  readStreamError: readResponsesStreamError,
  profile: openaiResponsesProfile,
  usage: { readBody: readResponsesReplyUsage, meterStream: createResponsesStreamMeter },
  createPassthroughFailure: createResponsesPassthroughFailure,
  // The Responses API answers errors in OpenAI's envelope.
  errorEnvelope: openaiErrorEnvelope,
  maxOutputTokens: readResponsesMaxOutputTokens,
  // x-ratelimit-{limit,remaining,reset}-{requests,tokens}, reset as a duration ("1s", "6m0s"):
  // https://platform.openai.com/docs/guides/rate-limits#rate-limits-in-headers
  rateLimitHeaders: xRateLimitHeaders,
  // OpenTelemetry GenAI: "chat", a chat completion operation (a Responses request generates the next turn)
  // (https://opentelemetry.io/docs/specs/semconv/registry/attributes/gen-ai/#gen-ai-operation-name).
  operationName: 'chat',
  hasMediaContent: hasResponsesMedia,
};
