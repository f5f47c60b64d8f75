import { BackendConfig } from '@switchyard/kernel';
import { IsOptional, IsString, Matches } from 'class-validator';

/**
 * `type: gcp-vertex` backend keys: BackendConfig's (`project`, `location`, `base_url`,
 * `auth_type`, `default_max_tokens`, …) with the project id and the location checked for shape
 * (they become parts of the request URL).
 * `project` may be left out: the Application Default Credentials' project is used then.
 */
export class VertexBackendConfig extends BackendConfig {
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9.:_-]*$/, { message: 'must be a Google Cloud project id such as my-project-123' })
  override project?: string = undefined;

  @IsOptional()
  @IsString()
  @Matches(/^(?:global|[a-z]+(?:-[a-z]+\d+)?)$/, { message: 'must be a Google Cloud region such as us-east5, europe-west1, or global' })
  override location?: string = undefined;
}
