import { BackendConfig } from '@switchyard/plugin-sdk';
import { IsOptional, IsString, Matches } from 'class-validator';
import { DEFAULT_MAX_TOKENS_DESCRIPTION, DefaultMaxTokensKey } from './declare-anthropic-max-tokens-key.js';

/** `type: anthropic` backend keys: BackendConfig plus the API version and the max_tokens default. */
export class AnthropicBackendConfig extends BackendConfig {
  static readonly keyDescriptions = {
    anthropic_version: '`anthropic-version` header sent when the client sends none (default 2023-06-01).',
    default_max_tokens: DEFAULT_MAX_TOKENS_DESCRIPTION,
  };

  /** `anthropic-version` header toward the backend when the client did not send one (default 2023-06-01). */
  @IsOptional()
  @IsString()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'must be a date such as 2023-06-01' })
  anthropic_version?: string;

  /** max_tokens sent when neither the request nor a profile sets it (Anthropic requires one). */
  @DefaultMaxTokensKey()
  default_max_tokens?: number;
}
