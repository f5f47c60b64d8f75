import 'reflect-metadata'; // @Type reads design:type metadata when the class is defined
import { Type } from 'class-transformer';
import {
  IsBoolean,
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

/** How `api_key` is sent when a backend's plugin names no auth types of its own (ProviderPlugin.authTypes). */
export const AUTH_TYPES = ['bearer', 'x-api-key', 'none'] as const;
/** One of AUTH_TYPES, or a type a plugin adds (ProviderPlugin.authTypes). */
export type AuthType = (typeof AUTH_TYPES)[number] | (string & {});

export const THINKING_DIALECTS = ['chat_template_kwargs', 'reasoning_effort', 'none'] as const;
export type ThinkingDialect = (typeof THINKING_DIALECTS)[number];

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
 * Keys every backend accepts. A provider plugin extends this class with its own keys (its
 * `configClass`, e.g. a cloud's project and region); the loader validates each backend entry
 * against its type's class, so a key of another type's plugin is an unknown key.
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

  /** One of the plugin's authTypes (default AUTH_TYPES); checked with the plugin (check-config-semantics). */
  @IsOptional()
  @IsString()
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
  @ValidateNested()
  @Type(() => UpstreamTlsConfig)
  tls?: UpstreamTlsConfig;

  /** Free-form, for plugins' own options that need no validation of their own. */
  @IsOptional()
  @IsObject()
  options?: Record<string, unknown>;
}

/**
 * The `thinking` dialect of a backend whose plugin's config class declares that key (validated
 * there against THINKING_DIALECTS), else undefined: how a profile's or a translation's thinking is
 * written for that backend.
 */
export function thinkingDialectOf(config: BackendConfig): ThinkingDialect | undefined {
  const dialect = (config as { thinking?: unknown }).thinking;
  return (THINKING_DIALECTS as readonly unknown[]).includes(dialect) ? (dialect as ThinkingDialect) : undefined;
}
