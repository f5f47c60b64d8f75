import type { MockSettings } from './mock-settings.js';
import type { MockToolCall } from './mock-tool-call.js';

export type MockFinishReason = 'stop' | 'length' | 'tool_calls';

/** Everything one chat or completions reply is rendered from, worked out once per request. */
export interface MockGeneration {
  /** Response id (`chatcmpl-…` / `cmpl-…`). */
  readonly id: string;
  readonly created: number;
  /** The model name as a JSON string literal. */
  readonly modelJson: string;
  /** Text tokens to produce (0 on the tool-call path). */
  readonly tokens: number;
  readonly finishReason: MockFinishReason;
  readonly promptTokens: number;
  readonly completionTokens: number;
  /** Of the prompt tokens, how many the usage reports as cached (`prompt_tokens_details.cached_tokens`; 0: not reported). */
  readonly cachedTokens: number;
  /** Of the completion tokens, how many the usage reports as reasoning (`completion_tokens_details.reasoning_tokens`; 0: not reported). */
  readonly reasoningTokens: number;
  readonly toolCall: MockToolCall | null;
  /** `stream_options.include_usage`: usage chunk at the end, `"usage":null` on the others. */
  readonly includeUsage: boolean;
  readonly ttftMs: number;
  readonly tokenIntervalMs: number;
}

/**
 * `{"prompt_tokens":…,"completion_tokens":…,"total_tokens":…}`, plus
 * `prompt_tokens_details.cached_tokens` and `completion_tokens_details.reasoning_tokens` when
 * the generation has any (OpenAI's chat completion `usage` object).
 */
export function usageJson(gen: Pick<MockGeneration, 'promptTokens' | 'completionTokens' | 'cachedTokens' | 'reasoningTokens'>): string {
  return (
    '{"prompt_tokens":' +
    gen.promptTokens +
    ',"completion_tokens":' +
    gen.completionTokens +
    ',"total_tokens":' +
    (gen.promptTokens + gen.completionTokens) +
    (gen.cachedTokens > 0 ? ',"prompt_tokens_details":{"cached_tokens":' + gen.cachedTokens + '}' : '') +
    (gen.reasoningTokens > 0 ? ',"completion_tokens_details":{"reasoning_tokens":' + gen.reasoningTokens + '}' : '') +
    '}'
  );
}

/** Milliseconds after the request at which token `k` (0-based) is produced. */
export function tokenDueMs(gen: Pick<MockGeneration, 'ttftMs' | 'tokenIntervalMs'>, k: number): number {
  return k <= 0 ? gen.ttftMs : gen.ttftMs + k * gen.tokenIntervalMs;
}

/** Output units the reply streams: text tokens, or the tool call's header plus argument pieces. */
export function generatedUnits(gen: MockGeneration): number {
  return gen.toolCall ? 1 + gen.toolCall.pieces.length : gen.tokens;
}

/** When a non-streamed reply is complete: when its last unit would have been produced. */
export function readyInMs(gen: MockGeneration): number {
  return tokenDueMs(gen, generatedUnits(gen) - 1);
}

/** The requested token cap (`max_completion_tokens` before `max_tokens`), or undefined. */
export function requestedMaxTokens(body: Record<string, unknown>): number | undefined {
  const v = body.max_completion_tokens ?? body.max_tokens;
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.floor(v) : undefined;
}

export function includeUsage(body: Record<string, unknown>): boolean {
  const opts = body.stream_options as { include_usage?: unknown } | null | undefined;
  return typeof opts === 'object' && opts !== null && opts.include_usage === true;
}

export function timingOf(settings: MockSettings): Pick<MockGeneration, 'ttftMs' | 'tokenIntervalMs'> {
  return { ttftMs: settings.ttftMs, tokenIntervalMs: settings.tokenIntervalMs };
}
