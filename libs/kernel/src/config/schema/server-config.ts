import 'reflect-metadata'; // @Type reads design:type metadata when the class is defined
import { Type } from 'class-transformer';
import { IsArray, IsBoolean, IsInt, IsNumber, IsObject, IsOptional, IsString, Max, Min, MinLength, ValidateNested } from 'class-validator';
import { BudgetConfig } from '@switchyard/plugin-sdk';
import { IsWorkers } from '@switchyard/plugin-sdk';
import { AdminKeyEntry } from './admin-key-entry.js';

/**
 * An inbound API key; `name` lets the journal name the client without the key. A client key
 * (issue #20) also limits what the client may do: models, rate limits and a budget.
 */
export class ApiKeyEntry {
  @IsOptional()
  @IsString()
  @MinLength(1)
  name?: string;

  /** The key itself; or give `key_sha256` instead (exactly one of the two). */
  @IsOptional()
  @IsString()
  key?: string;

  /** The key's SHA-256 as 64 hex digits, so the file holds no secret. */
  @IsOptional()
  @IsString()
  key_sha256?: string;

  /** Model names (globs) and virtual models the key may use; absent: every model. */
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  @MinLength(1, { each: true })
  models?: string[];

  /** Requests per sliding minute. */
  @IsOptional()
  @IsInt()
  @Min(1)
  rpm?: number;

  /** Tokens (input + output) per sliding minute. */
  @IsOptional()
  @IsInt()
  @Min(1)
  tpm?: number;

  /** Requests of this key in flight at once. */
  @IsOptional()
  @IsInt()
  @Min(1)
  max_concurrency?: number;

  @IsOptional()
  @ValidateNested()
  @Type(() => BudgetConfig)
  budget?: BudgetConfig;

  /** Free-form labels (team, owner); shown in usage reports, never used for decisions. */
  @IsOptional()
  @IsObject()
  metadata?: Record<string, unknown>;
}

export class CorsConfig {
  @IsArray()
  @IsString({ each: true })
  origins: string[] = [];
}

export class ServerTlsConfig {
  @IsString()
  @MinLength(1)
  cert!: string;

  @IsString()
  @MinLength(1)
  key!: string;
}

export class ServerConfig {
  @IsString()
  @MinLength(1)
  host = '0.0.0.0';

  @IsInt()
  @Min(0)
  @Max(65535)
  port = 4000;

  /** Strings are normalised to `{ key }` by the loader; empty keys are dropped. */
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ApiKeyEntry)
  api_keys: ApiKeyEntry[] = [];

  @ValidateNested()
  @Type(() => CorsConfig)
  cors: CorsConfig = new CorsConfig();

  /** Keys for the admin endpoints (GET /admin/usage); strings are normalised to `{ key }`; none = no admin endpoint. */
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => AdminKeyEntry)
  admin_keys: AdminKeyEntry[] = [];

  @IsOptional()
  @ValidateNested()
  @Type(() => ServerTlsConfig)
  tls?: ServerTlsConfig;

  @IsNumber()
  @Min(0.001)
  @Max(4096)
  body_limit_mb = 32;

  @IsBoolean()
  passthrough_unrouted = false;

  @IsNumber()
  @Min(0)
  @Max(3600)
  shutdown_grace_seconds = 25;

  /**
   * The longest a client may take to send a whole request (headers and body), from its first
   * byte; past it the gateway answers 408 and closes the connection. Never limits the response.
   */
  @IsNumber()
  @Min(0.1)
  @Max(3600)
  request_timeout_seconds = 30;

  /** The longest a client may take to send a request's headers, from its first byte; then 408 and close. */
  @IsNumber()
  @Min(0.1)
  @Max(3600)
  headers_timeout_seconds = 10;

  /** How often backends' model lists are refreshed in the background for GET /v1/models. */
  @IsNumber()
  @Min(0.1)
  @Max(86400)
  models_refresh_seconds = 30;

  /** How often each backend is probed in the background for readiness (GET /readyz) and `switchyard_backend_up`. */
  @IsNumber()
  @Min(0.1)
  @Max(86400)
  probe_interval_seconds = 15;

  /** Worker processes serving the port: a whole number ≥ 1, or "auto" (the cores this process may use). */
  @IsWorkers()
  workers: number | 'auto' = 1;
}
