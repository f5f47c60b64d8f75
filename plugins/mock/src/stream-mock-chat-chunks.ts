import { mockTokenJson } from './generate-mock-text.js';
import { tokenDueMs, usageJson, type MockGeneration } from './mock-generation.js';
import { SSE_DONE, type MockStreamPlan } from './mock-stream-plan.js';

/**
 * A streamed `chat.completion.chunk` reply: a role chunk, one chunk per token (or, on the
 * tool-call path, a tool-call header and one chunk per argument piece), a finish chunk, a usage
 * chunk with `choices: []` when `stream_options.include_usage` is set, then `data: [DONE]`.
 * The role chunk goes out with the first token, after `ttft_ms`.
 */
export class MockChatStreamPlan implements MockStreamPlan {
  readonly length: number;
  /** Pieces before the finish chunk that carry one output unit each (index 1 … units). */
  private readonly units: number;
  private readonly head: string;
  private readonly tail: string;

  constructor(private readonly gen: MockGeneration) {
    this.units = gen.toolCall ? 1 + gen.toolCall.pieces.length : gen.tokens;
    // role + units + finish + (usage) + [DONE]
    this.length = this.units + 3 + (gen.includeUsage ? 1 : 0);
    this.head =
      'data: {"id":"' +
      gen.id +
      '","object":"chat.completion.chunk","created":' +
      gen.created +
      ',"model":' +
      gen.modelJson +
      ',"choices":[';
    this.tail = gen.includeUsage ? '],"usage":null}\n\n' : ']}\n\n';
  }

  private choice(delta: string, finish: string): string {
    return this.head + '{"index":0,"delta":' + delta + ',"logprobs":null,"finish_reason":' + finish + '}' + this.tail;
  }

  render(i: number): string {
    const gen = this.gen;
    if (i === 0) {
      return this.choice(gen.toolCall ? '{"role":"assistant","content":null}' : '{"role":"assistant","content":""}', 'null');
    }
    if (i <= this.units) {
      const tc = gen.toolCall;
      if (!tc) return this.choice('{"content":' + mockTokenJson(i - 1) + '}', 'null');
      if (i === 1) {
        return this.choice(
          '{"tool_calls":[{"index":0,"id":' +
            JSON.stringify(tc.id) +
            ',"type":"function","function":{"name":' +
            JSON.stringify(tc.name) +
            ',"arguments":""}}]}',
          'null',
        );
      }
      return this.choice('{"tool_calls":[{"index":0,"function":{"arguments":' + JSON.stringify(tc.pieces[i - 2]) + '}}]}', 'null');
    }
    if (i === this.units + 1) return this.choice('{}', '"' + gen.finishReason + '"');
    if (gen.includeUsage && i === this.units + 2) {
      return this.head + '],"usage":' + usageJson(gen) + '}\n\n';
    }
    return SSE_DONE;
  }

  dueAt(i: number): number {
    // The role chunk rides with the first unit; finish, usage and [DONE] with the last.
    const k = i <= 1 ? 0 : i <= this.units ? i - 1 : this.units - 1;
    return tokenDueMs(this.gen, k);
  }
}

/**
 * A streamed legacy completions reply: one `text_completion` chunk per token, a finish chunk
 * (`text: ""`), a usage chunk when asked for, then `data: [DONE]`.
 */
export class MockCompletionStreamPlan implements MockStreamPlan {
  readonly length: number;
  private readonly head: string;
  private readonly tail: string;

  constructor(private readonly gen: MockGeneration) {
    this.length = gen.tokens + 2 + (gen.includeUsage ? 1 : 0);
    this.head = 'data: {"id":"' + gen.id + '","object":"text_completion","created":' + gen.created + ',"choices":[';
    this.tail = '],"model":' + gen.modelJson + (gen.includeUsage ? ',"usage":null}\n\n' : '}\n\n');
  }

  render(i: number): string {
    const gen = this.gen;
    if (i < gen.tokens) {
      return this.head + '{"text":' + mockTokenJson(i) + ',"index":0,"logprobs":null,"finish_reason":null}' + this.tail;
    }
    if (i === gen.tokens) {
      return this.head + '{"text":"","index":0,"logprobs":null,"finish_reason":"' + gen.finishReason + '"}' + this.tail;
    }
    if (gen.includeUsage && i === gen.tokens + 1) {
      return this.head + '],"model":' + gen.modelJson + ',"usage":' + usageJson(gen) + '}\n\n';
    }
    return SSE_DONE;
  }

  dueAt(i: number): number {
    return tokenDueMs(this.gen, Math.min(i, this.gen.tokens - 1));
  }
}
