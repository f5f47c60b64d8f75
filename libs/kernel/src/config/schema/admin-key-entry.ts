import { IsOptional, IsString, Matches, MinLength } from 'class-validator';

/**
 * A key for the admin endpoints (`GET /admin/usage`, issue #20): the key itself, or its SHA-256
 * (64 hex digits) so the file holds no secret; exactly one of the two. A client key
 * (`server.api_keys`) is never an admin key.
 */
export class AdminKeyEntry {
  @IsOptional()
  @IsString()
  @MinLength(1)
  name?: string;

  @IsOptional()
  @IsString()
  @MinLength(1)
  key?: string;

  @IsOptional()
  @IsString()
  @Matches(/^[0-9a-fA-F]{64}$/, { message: 'expected a SHA-256 as 64 hex digits (sha256sum of the key)' })
  key_sha256?: string;
}
