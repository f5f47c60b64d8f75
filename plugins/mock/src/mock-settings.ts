import type { MockBackendConfig } from './mock-backend-config.js';

// Kept free of runtime kernel imports: the standalone server loads only this side.

/** The mock's tunables as plain keys (what the standalone server and tests pass). */
export type MockOptions = Partial<
  Pick<
    MockBackendConfig,
    'output_tokens' | 'ttft_ms' | 'tokens_per_second' | 'embedding_dimensions' | 'mock_models' | 'cached_input_tokens' | 'reasoning_tokens'
  >
>;

/** The mock's tunables, resolved once per backend (the hot path reads these). */
export interface MockSettings {
  readonly outputTokens: number;
  readonly ttftMs: number;
  /** Milliseconds between two tokens (0 = no pacing). */
  readonly tokenIntervalMs: number;
  readonly embeddingDimensions: number;
  readonly models: readonly string[];
  /** Prompt tokens reported as cached, at most the prompt's (0: none reported). */
  readonly cachedInputTokens: number;
  /** Completion tokens reported as reasoning, at most the completion's (0: none reported). */
  readonly reasoningTokens: number;
}

function num(value: unknown, fallback: number, min: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= min ? value : fallback;
}

/** Resolve settings from a validated config or from plain options (missing keys take the defaults). */
export function resolveMockSettings(options: MockOptions = {}): MockSettings {
  const tps = num(options.tokens_per_second, 0, 0);
  return {
    outputTokens: Math.floor(num(options.output_tokens, 16, 0)),
    ttftMs: num(options.ttft_ms, 0, 0),
    tokenIntervalMs: tps > 0 ? 1000 / tps : 0,
    embeddingDimensions: Math.floor(num(options.embedding_dimensions, 8, 1)),
    models: Array.isArray(options.mock_models) ? [...options.mock_models] : ['mock'],
    cachedInputTokens: Math.floor(num(options.cached_input_tokens, 0, 0)),
    reasoningTokens: Math.floor(num(options.reasoning_tokens, 0, 0)),
  };
}

/** `created` reported for mock models: fixed, so listings are deterministic. */
export const MOCK_MODEL_CREATED = 1_700_000_000;
