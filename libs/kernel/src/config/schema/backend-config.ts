import 'reflect-metadata'; // @Type reads design:type metadata when the class is defined
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { IsStringArray, IsStringRecord } from './validators.js';

export const AUTH_TYPES = ['bearer', 'x-api-key', 'none', 'adc'] as const;
export type AuthType = (typeof AUTH_TYPES)[number];

export const THINKING_DIALECTS = ['chat_template_kwargs', 'reasoning_effort', 'none'] as const;
export type ThinkingDialect = (typeof THINKING_DIALECTS)[number];

/** Backend types the gateway knows by name; `plugins:` may add more. */
export const BUILTIN_BACKEND_TYPES = ['openai', 'anthropic', 'gcp-vertex', 'openresponses', 'mock'] as const;

export class UpstreamTlsConfig {
  /** PEM file of a CA to trust for this backend (in addition to the system's). */
  @IsOptional()
  @IsString()
  ca?: string;

  /** PEM client certificate and key for mutual TLS. */
  @IsOptional()
  @IsString()
  cert?: string;

  @IsOptional()
  @IsString()
  key?: string;
}

/**
 * Keys every backend accepts. A provider plugin may extend this class with its own keys
 * (its `configClass`); the loader validates each backend entry against its type's class.
 */
export class BackendConfig {
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, { message: 'must be letters, digits, ".", "_" or "-"' })
  id!: string;

  @IsString()
  @MinLength(1)
  type!: string;

  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  base_url?: string;

  @IsOptional()
  @IsString()
  api_key?: string;

  @IsOptional()
  @IsIn(AUTH_TYPES)
  auth_type?: AuthType;

  /** No byte from the upstream for this long (before the first, or between two) → 504. */
  @IsNumber()
  @Min(0.001)
  @Max(86400)
  timeout_seconds = 300;

  @IsNumber()
  @Min(0.001)
  @Max(600)
  connect_timeout_seconds = 10;

  @IsBoolean()
  forward_client_auth = false;

  @IsOptional()
  @IsStringRecord()
  headers?: Record<string, string>;

  /** Globs of model names this backend serves; `*` also matches `/`; none = matches nothing. */
  @IsOptional()
  @IsStringArray()
  models?: string[];

  @IsBoolean()
  default = false;

  @IsBoolean()
  skip_probe = false;

  @IsInt()
  @Min(0)
  max_concurrency = 0;

  /** With max_concurrency: how many requests may wait for a slot; more get 503 at once. */
  @IsInt()
  @Min(0)
  max_queue = 100;

  /** With max_concurrency: the longest a request waits in the queue before it gets 503. */
  @IsNumber()
  @Min(0)
  @Max(3600)
  queue_timeout_seconds = 30;

  @IsOptional()
  @IsIn(THINKING_DIALECTS)
  thinking?: ThinkingDialect;

  /** openai: the server has vLLM's POST /tokenize (at its root); /v1/messages/count_tokens is answered with it. */
  @IsBoolean()
  tokenize = false;

  @IsOptional()
  @ValidateNested()
  @Type(() => UpstreamTlsConfig)
  tls?: UpstreamTlsConfig;

  /** gcp-vertex */
  @IsOptional()
  @IsString()
  project?: string;

  /** gcp-vertex: a region such as us-east5, or `global`. */
  @IsOptional()
  @IsString()
  location?: string;

  /** anthropic / gcp-vertex Claude: max_tokens sent when neither the request nor a profile sets it. */
  @IsOptional()
  @IsInt()
  @Min(1)
  default_max_tokens?: number;

  /** Free-form, for plugins' own options that need no validation of their own. */
  @IsOptional()
  @IsObject()
  options?: Record<string, unknown>;
}
