import { checkRequestFields, fieldChecks as f, xRateLimitHeaders, type FieldRules, type ProtocolCodec } from '@switchyard/plugin-sdk';
import { decodeOpenAIError } from './decode-openai-error.js';
import { openaiCompletionsProfile } from './openai-chat-profile.js';
import { openaiStreamingUsage, openaiUsage } from './openai-usage-hooks.js';
import { openaiErrorEnvelope } from './openai-error-envelope.js';
import { readOpenAICompletionsMaxOutputTokens, readOpenAIEmbeddingsMaxOutputTokens } from './read-openai-max-output-tokens.js';
import { decodeOpenAICompletionsRequest } from './decode-openai-completions-request.js';
import { decodeOpenAIEmbeddingsRequest } from './decode-openai-embeddings-request.js';
import { encodeOpenAICompletionsResponse } from './encode-openai-completions-response.js';
import { createOpenAICompletionsStreamEncoder } from './encode-openai-completions-stream.js';
import { encodeOpenAIEmbeddingsResponse } from './encode-openai-embeddings-response.js';

/** A prompt or an embedding input: text, texts, token ids, or lists of token ids. */
const TEXT_OR_TOKENS = f.either(
  f.string,
  f.arrayOf(f.either(f.string, f.number(), f.arrayOf(f.number(), 'numbers')), 'strings or token ids'),
);

/**
 * The documented top-level fields of a legacy completions request, by type: Create completion,
 * https://platform.openai.com/docs/api-reference/completions/create (types only: vLLM and SGLang
 * serve this endpoint too, FIM `suffix` included).
 */
export const OPENAI_COMPLETIONS_REQUEST_FIELDS: FieldRules = {
  model: f.string,
  prompt: TEXT_OR_TOKENS,
  suffix: f.string,
  stream: f.boolean,
  stream_options: f.object,
  max_tokens: f.integer(),
  temperature: f.number(),
  top_p: f.number(),
  n: f.integer(),
  best_of: f.integer(),
  stop: f.either(f.string, f.arrayOf(f.string, 'strings')),
  seed: f.integer(),
  presence_penalty: f.number(),
  frequency_penalty: f.number(),
  logit_bias: f.object,
  logprobs: f.integer(),
  echo: f.boolean,
  user: f.string,
};

/**
 * The documented top-level fields of an embeddings request: Create embeddings,
 * https://platform.openai.com/docs/api-reference/embeddings/create (`encoding_format` "float" or
 * "base64"; `dimensions` a number of dimensions, so an integer of at least 1).
 */
export const OPENAI_EMBEDDINGS_REQUEST_FIELDS: FieldRules = {
  model: f.string,
  input: TEXT_OR_TOKENS,
  dimensions: f.integer({ min: 1 }),
  encoding_format: f.oneOf('float', 'base64'),
  user: f.string,
};

/** `/v1/completions`: a wrong type is a 400 naming the field; unknown fields pass through. */
export function validateOpenAICompletionsRequest(body: Record<string, unknown>): void {
  checkRequestFields(body, OPENAI_COMPLETIONS_REQUEST_FIELDS);
}

/**
 * `/v1/embeddings`: a wrong type is a 400 naming the field. `input` is not required here: vLLM's
 * embeddings endpoint also takes chat-style `messages` instead.
 */
export function validateOpenAIEmbeddingsRequest(body: Record<string, unknown>): void {
  checkRequestFields(body, OPENAI_EMBEDDINGS_REQUEST_FIELDS);
}

/**
 * The completions and embeddings ingresses: their codecs validate and read OpenAI's error body, and
 * translate through the IR (client side) for a backend that serves prompts or embeddings; a
 * completions body takes the route profile like a chat body (embeddings: no vocabulary, no thinking).
 */
export const openaiCompletionsCodec: ProtocolCodec = {
  protocol: 'openai.completions',
  validateRequest: validateOpenAICompletionsRequest,
  decodeError: decodeOpenAIError,
  profile: openaiCompletionsProfile,
  usage: openaiStreamingUsage,
  errorEnvelope: openaiErrorEnvelope,
  maxOutputTokens: readOpenAICompletionsMaxOutputTokens,
  // x-ratelimit-{limit,remaining,reset}-{requests,tokens}, reset as a duration ("1s", "6m0s"):
  // https://platform.openai.com/docs/guides/rate-limits#rate-limits-in-headers
  rateLimitHeaders: xRateLimitHeaders,
  decodeRequest: decodeOpenAICompletionsRequest,
  encodeResponse: encodeOpenAICompletionsResponse,
  createStreamEncoder: createOpenAICompletionsStreamEncoder,
  // OpenTelemetry GenAI: "text_completion", text completions operation such as OpenAI Completions API (Legacy)
  // (https://opentelemetry.io/docs/specs/semconv/registry/attributes/gen-ai/#gen-ai-operation-name).
  operationName: 'text_completion',
};
export const openaiEmbeddingsCodec: ProtocolCodec = {
  protocol: 'openai.embeddings',
  validateRequest: validateOpenAIEmbeddingsRequest,
  decodeError: decodeOpenAIError,
  usage: openaiUsage,
  errorEnvelope: openaiErrorEnvelope,
  maxOutputTokens: readOpenAIEmbeddingsMaxOutputTokens,
  rateLimitHeaders: xRateLimitHeaders,
  embeddings: { decodeRequest: decodeOpenAIEmbeddingsRequest, encodeResponse: encodeOpenAIEmbeddingsResponse },
  // Create embeddings has no `stream` parameter and always answers one JSON body
  // (https://platform.openai.com/docs/api-reference/embeddings/create): a stray `stream: true` streams nothing.
  requestsStream: () => false,
  // OpenTelemetry GenAI: "embeddings", embeddings operation such as OpenAI Create embeddings API
  // (https://opentelemetry.io/docs/specs/semconv/registry/attributes/gen-ai/#gen-ai-operation-name).
  operationName: 'embeddings',
};
