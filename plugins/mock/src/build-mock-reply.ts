import { encodeMockChatResponse, encodeMockCompletionResponse } from './encode-mock-chat-response.js';
import { countChatPromptTokens, countTextTokens } from './generate-mock-text.js';
import type { MockSettings } from './mock-settings.js';
import { encodeMockEmbeddingsResponse } from './mock-embeddings.js';
import { includeUsage, readyInMs, requestedMaxTokens, type MockFinishReason, type MockGeneration } from './mock-generation.js';
import { nextMockId } from './mock-ids.js';
import type { MockStreamPlan } from './mock-stream-plan.js';
import { pickMockToolCall } from './mock-tool-call.js';
import { MockChatStreamPlan, MockCompletionStreamPlan } from './stream-mock-chat-chunks.js';

/** The wire protocols the mock answers itself. */
export const MOCK_PROTOCOLS = ['openai.chat', 'openai.completions', 'openai.embeddings'] as const;
export type MockProtocol = (typeof MOCK_PROTOCOLS)[number];

export const JSON_CONTENT_TYPE = 'application/json';
export const SSE_CONTENT_TYPE = 'text/event-stream';

/** One reply, before it is put on a wire: a whole body or a streamed plan. */
export interface MockReply {
  status: number;
  contentType: typeof JSON_CONTENT_TYPE | typeof SSE_CONTENT_TYPE;
  /** The upstream's own request id (`x-request-id`). */
  requestId: string;
  /** The whole body (non-streamed replies and errors). */
  body?: string;
  /** The streamed body: SSE events with their due times. */
  plan?: MockStreamPlan;
  /** Milliseconds after the request at which a non-streamed body is complete (0 for streams). */
  readyInMs: number;
}

/** An OpenAI error envelope. */
export function mockErrorBody(
  message: string,
  param: string | null = null,
  type = 'invalid_request_error',
  code: string | null = null,
): string {
  return JSON.stringify({ error: { message, type, param, code } });
}

function badRequest(requestId: string, message: string, param: string): MockReply {
  return { status: 400, contentType: JSON_CONTENT_TYPE, requestId, body: mockErrorBody(message, param), readyInMs: 0 };
}

let lastModel = '';
let lastModelJson = '""';
function modelJsonOf(model: string): string {
  if (model !== lastModel) {
    lastModel = model;
    lastModelJson = JSON.stringify(model);
  }
  return lastModelJson;
}

function generation(
  prefix: string,
  id: string,
  body: Record<string, unknown>,
  model: string,
  settings: MockSettings,
  promptTokens: number,
  withTools: boolean,
): MockGeneration {
  const toolCall = withTools ? pickMockToolCall(body, id) : null;
  let tokens = 0;
  let finishReason: MockFinishReason = 'tool_calls';
  let completionTokens: number;
  if (toolCall) {
    completionTokens = 1 + toolCall.pieces.length;
  } else {
    const max = requestedMaxTokens(body);
    tokens = settings.outputTokens;
    finishReason = 'stop';
    if (max !== undefined && max < tokens) {
      tokens = max;
      finishReason = 'length';
    }
    completionTokens = tokens;
  }
  return {
    id: prefix + id,
    created: Math.floor(Date.now() / 1000),
    modelJson: modelJsonOf(model),
    tokens,
    finishReason,
    promptTokens,
    completionTokens,
    cachedTokens: Math.min(settings.cachedInputTokens, promptTokens),
    reasoningTokens: Math.min(settings.reasoningTokens, completionTokens),
    toolCall,
    includeUsage: includeUsage(body),
    ttftMs: settings.ttftMs,
    tokenIntervalMs: settings.tokenIntervalMs,
  };
}

/**
 * The mock's answer to one OpenAI-compatible request (`model` is the name to report back;
 * `stream` defaults to the body's `stream: true`). Shared by the in-process adapter, the
 * standalone HTTP server and the test fakes.
 */
export function buildMockReply(
  protocol: string,
  body: Record<string, unknown>,
  model: string,
  settings: MockSettings,
  stream: boolean = body.stream === true,
): MockReply {
  const id = nextMockId();
  const requestId = 'mock-' + id;
  switch (protocol) {
    case 'openai.chat': {
      if (!Array.isArray(body.messages) || body.messages.length === 0) {
        return badRequest(requestId, "'messages' is a required property and must be a non-empty array", 'messages');
      }
      const gen = generation('chatcmpl-mock', id, body, model, settings, countChatPromptTokens(body.messages), true);
      if (stream) return { status: 200, contentType: SSE_CONTENT_TYPE, requestId, plan: new MockChatStreamPlan(gen), readyInMs: 0 };
      return { status: 200, contentType: JSON_CONTENT_TYPE, requestId, body: encodeMockChatResponse(gen), readyInMs: readyInMs(gen) };
    }
    case 'openai.completions': {
      const prompt = body.prompt;
      if (typeof prompt !== 'string' && !Array.isArray(prompt)) {
        return badRequest(requestId, "'prompt' is a required property (a string, array of strings or array of tokens)", 'prompt');
      }
      const promptTokens = countTextTokens(prompt) + countTextTokens(body.suffix);
      const gen = generation('cmpl-mock', id, body, model, settings, promptTokens, false);
      if (stream) return { status: 200, contentType: SSE_CONTENT_TYPE, requestId, plan: new MockCompletionStreamPlan(gen), readyInMs: 0 };
      return { status: 200, contentType: JSON_CONTENT_TYPE, requestId, body: encodeMockCompletionResponse(gen), readyInMs: readyInMs(gen) };
    }
    case 'openai.embeddings': {
      const result = encodeMockEmbeddingsResponse(body, modelJsonOf(model), settings.embeddingDimensions);
      if (!result.ok) return badRequest(requestId, result.message, result.param);
      return { status: 200, contentType: JSON_CONTENT_TYPE, requestId, body: result.body, readyInMs: settings.ttftMs };
    }
    default:
      return {
        status: 404,
        contentType: JSON_CONTENT_TYPE,
        requestId,
        body: mockErrorBody(`The mock backend does not serve ${protocol} requests`, null, 'invalid_request_error', 'unknown_url'),
        readyInMs: 0,
      };
  }
}
