import { IsBoolean, IsInt, IsString, Min, MinLength } from 'class-validator';

export class JournalConfig {
  @IsBoolean()
  enabled = false;

  /** A file path, or "-" for stdout. Rotated daily or by size. */
  @IsString()
  @MinLength(1)
  path = '/var/lib/switchyard/requests.jsonl';

  /** Prompts and completions are never written unless true. */
  @IsBoolean()
  include_bodies = false;

  /** Rotate when the file grows past this many MB (0: by day only). */
  @IsInt()
  @Min(0)
  max_size_mb = 100;
}
