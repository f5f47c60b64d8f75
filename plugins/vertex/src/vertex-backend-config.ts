import { BackendConfig } from '@switchyard/plugin-sdk';
import { DEFAULT_MAX_TOKENS_DESCRIPTION, DefaultMaxTokensKey } from '@switchyard/plugin-anthropic';
import { IsOptional, IsString, Matches } from 'class-validator';

/**
 * `type: gcp-vertex` backend keys: BackendConfig's (`base_url`, `auth_type`, …) plus the project
 * id and the location, checked for shape (they become parts of the request URL), and Claude's
 * `default_max_tokens`. `project` may be left out: the Application Default Credentials' project is
 * used then.
 */
export class VertexBackendConfig extends BackendConfig {
  static readonly keyDescriptions = {
    project: 'Google Cloud project id (else the Application Default Credentials name one).',
    location: 'Vertex AI region (e.g. us-east5) or global (the default).',
    default_max_tokens: `Claude on Vertex: ${DEFAULT_MAX_TOKENS_DESCRIPTION}`,
  };

  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9.:_-]*$/, { message: 'must be a Google Cloud project id such as my-project-123' })
  project?: string = undefined;

  @IsOptional()
  @IsString()
  @Matches(/^(?:global|[a-z]+(?:-[a-z]+\d+)?)$/, { message: 'must be a Google Cloud region such as us-east5, europe-west1, or global' })
  location?: string = undefined;

  /** Claude on Vertex: max_tokens sent when neither the request nor a profile sets it. */
  @DefaultMaxTokensKey()
  default_max_tokens?: number = undefined;
}
