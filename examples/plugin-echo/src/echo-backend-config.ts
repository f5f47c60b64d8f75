import { BackendConfig } from '@switchyard/plugin-sdk';
import { IsArray, IsInt, IsString, Max, Min } from 'class-validator';

/**
 * `type: echo` backend keys. Every key has a default, so `{ id, type: echo }` is a complete
 * backend. The loader validates each `type: echo` entry against this class (unknown keys and
 * wrong types are configuration errors, like for the built-in backends).
 */
export class EchoBackendConfig extends BackendConfig {
  /** Written before the echoed text (`"echo: "`). */
  @IsString()
  prefix = '';

  /** Pause between two streamed chunks. */
  @IsInt()
  @Min(0)
  @Max(60_000)
  chunk_delay_ms = 0;

  /** The model names this backend lists (GET /v1/models). */
  @IsArray()
  @IsString({ each: true })
  echo_models: string[] = ['echo'];
}
