import { BackendConfig } from '@switchyard/kernel';
import { IsOptional, IsString, Matches } from 'class-validator';

/** `type: anthropic` backend keys: BackendConfig plus the API version sent when the client sends none. */
export class AnthropicBackendConfig extends BackendConfig {
  /** `anthropic-version` header toward the backend when the client did not send one (default 2023-06-01). */
  @IsOptional()
  @IsString()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'must be a date such as 2023-06-01' })
  anthropic_version?: string;
}
