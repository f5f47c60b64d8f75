import { BackendConfig } from '@switchyard/plugin-sdk';
import { IsInt, Min } from 'class-validator';

/** `type: acme` backend keys: the common ones (BackendConfig) plus Acme's own, each with a default. */
export class AcmeBackendConfig extends BackendConfig {
  /** Sent when a request sets no maximum of its own. */
  @IsInt()
  @Min(1)
  max_new_tokens = 1024;
}
