import { BackendConfig } from '@switchyard/plugin-sdk';
import { IsArray, IsInt, IsNumber, IsString, Max, Min } from 'class-validator';

/**
 * `type: mock` backend keys: a deterministic built-in backend for demo mode, tests and
 * benchmarks. Every key has a default, so `{ id, type: mock }` is a complete backend.
 */
export class MockBackendConfig extends BackendConfig {
  static readonly keyDescriptions = {
    output_tokens: 'Tokens (words) in every generated reply, before max_tokens cuts it short.',
    ttft_ms: 'Delay before the first token (and before a non-streamed reply).',
    tokens_per_second: 'Generation speed after the first token; 0 = as fast as the reader takes them.',
    embedding_dimensions: 'Length of embedding vectors when the request does not ask for dimensions.',
    cached_input_tokens: 'Prompt tokens every reply reports as cached (at most the prompt); 0: not reported.',
    reasoning_tokens: 'Completion tokens every reply reports as reasoning (at most the completion); 0: not reported.',
    mock_models: 'The model names GET /v1/models reports for this backend.',
  };

  /** Tokens (words) in every generated reply, before `max_tokens` cuts it short. */
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  output_tokens = 16;

  /** Delay before the first token (and before a non-streamed reply's headers). */
  @IsNumber()
  @Min(0)
  @Max(3_600_000)
  ttft_ms = 0;

  /** Generation speed after the first token; 0 = as fast as the reader takes them. */
  @IsNumber()
  @Min(0)
  @Max(10_000_000)
  tokens_per_second = 0;

  /** Length of embedding vectors when the request does not ask for `dimensions`. */
  @IsInt()
  @Min(1)
  @Max(65_536)
  embedding_dimensions = 8;

  /** Prompt tokens every reply's usage reports as cached (`prompt_tokens_details.cached_tokens`), at most the prompt's; 0: not reported. */
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  cached_input_tokens = 0;

  /** Completion tokens every reply's usage reports as reasoning (`completion_tokens_details.reasoning_tokens`), at most the completion's; 0: not reported. */
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  reasoning_tokens = 0;

  /** The model names `GET /v1/models` reports for this backend. */
  @IsArray()
  @IsString({ each: true })
  mock_models: string[] = ['mock'];
}
