import 'reflect-metadata'; // @Type reads design:type metadata when the class is defined
import { Type } from 'class-transformer';
import { IsArray, IsIn, IsInt, IsNumber, IsOptional, IsString, Max, Min, MinLength, ValidateNested } from 'class-validator';
import { PriceConfig } from './governance-config.js';
import { IsLimits, IsProfile } from './validators.js';

export const SYSTEM_PROMPT_MODES = ['prepend', 'append', 'replace'] as const;
export type SystemPromptMode = (typeof SYSTEM_PROMPT_MODES)[number];

export class SystemPromptConfig {
  @IsIn(SYSTEM_PROMPT_MODES)
  mode: SystemPromptMode = 'prepend';

  @IsString()
  text!: string;
}

export class AutoRouteConfig {
  /** Virtual model (or model name) for requests with only text. */
  @IsString()
  @MinLength(1)
  text!: string;

  /** Virtual model (or model name) for requests with image, audio, video or file content. */
  @IsString()
  @MinLength(1)
  vision!: string;
}

export const ROUTE_STRATEGIES = ['failover', 'round_robin', 'least_loaded'] as const;
export type RouteStrategy = (typeof ROUTE_STRATEGIES)[number];

/** One place a virtual model can be served: a backend and its model name, with profile overrides. */
export class RouteTargetConfig {
  @IsString()
  @MinLength(1)
  backend!: string;

  @IsString()
  @MinLength(1)
  real_model!: string;

  @IsOptional()
  @IsProfile({ allowNull: false })
  defaults?: Profile;

  @IsOptional()
  @IsProfile({ allowNull: true })
  clamp?: Profile;

  @IsOptional()
  @IsLimits()
  limits?: Record<string, LimitBound>;

  /** Share of traffic for round_robin / least_loaded (relative to the other targets). */
  @IsInt()
  @Min(1)
  @Max(1000)
  weight = 1;
}

export interface LimitBound {
  min?: number;
  max?: number;
}

/** A profile: the kernel's vocabulary plus provider-native keys written verbatim. */
export type Profile = Record<string, unknown>;

export class RouteConfig {
  @IsString()
  @MinLength(1)
  virtual_model!: string;

  @IsOptional()
  @IsString()
  @MinLength(1)
  backend?: string;

  @IsOptional()
  @IsString()
  @MinLength(1)
  real_model?: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  context_length?: number;

  @IsOptional()
  @IsProfile({ allowNull: false })
  defaults?: Profile;

  @IsOptional()
  @IsProfile({ allowNull: true })
  clamp?: Profile;

  @IsOptional()
  @IsLimits()
  limits?: Record<string, LimitBound>;

  @IsOptional()
  @ValidateNested()
  @Type(() => SystemPromptConfig)
  system_prompt?: SystemPromptConfig;

  @IsOptional()
  @ValidateNested()
  @Type(() => AutoRouteConfig)
  auto_route?: AutoRouteConfig;

  /** Several places to serve this virtual model (instead of backend + real_model). */
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => RouteTargetConfig)
  targets?: RouteTargetConfig[];

  /** How targets are chosen: failover (in order), round_robin, least_loaded (fewest in flight). */
  @IsIn(ROUTE_STRATEGIES)
  strategy: RouteStrategy = 'failover';

  /** One total deadline per request: no new attempt (retry / failover) starts after it. */
  @IsNumber()
  @Min(0)
  @Max(3600)
  retry_deadline_seconds = 60;

  /** What this virtual model costs (USD per million tokens), over `pricing` of its real model (issue #20). */
  @IsOptional()
  @ValidateNested()
  @Type(() => PriceConfig)
  price?: PriceConfig;
}
