import { mockTextJson } from './generate-mock-text.js';
import { usageJson, type MockGeneration } from './mock-generation.js';

/** A non-streamed `chat.completion` body, as an OpenAI-compatible server writes it. */
export function encodeMockChatResponse(gen: MockGeneration): string {
  const tc = gen.toolCall;
  const message = tc
    ? '{"role":"assistant","content":null,"refusal":null,"tool_calls":[{"id":' +
      JSON.stringify(tc.id) +
      ',"type":"function","function":{"name":' +
      JSON.stringify(tc.name) +
      ',"arguments":' +
      JSON.stringify(tc.arguments) +
      '}}]}'
    : '{"role":"assistant","content":' + mockTextJson(gen.tokens) + ',"refusal":null}';
  return (
    '{"id":"' +
    gen.id +
    '","object":"chat.completion","created":' +
    gen.created +
    ',"model":' +
    gen.modelJson +
    ',"choices":[{"index":0,"message":' +
    message +
    ',"logprobs":null,"finish_reason":"' +
    gen.finishReason +
    '"}],"usage":' +
    usageJson(gen) +
    '}'
  );
}

/** A non-streamed `text_completion` body (legacy completions). */
export function encodeMockCompletionResponse(gen: MockGeneration): string {
  return (
    '{"id":"' +
    gen.id +
    '","object":"text_completion","created":' +
    gen.created +
    ',"model":' +
    gen.modelJson +
    ',"choices":[{"text":' +
    mockTextJson(gen.tokens) +
    ',"index":0,"logprobs":null,"finish_reason":"' +
    gen.finishReason +
    '"}],"usage":' +
    usageJson(gen) +
    '}'
  );
}
