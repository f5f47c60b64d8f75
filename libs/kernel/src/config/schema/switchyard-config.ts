import 'reflect-metadata'; // @Type reads design:type metadata when the class is defined
import { Type } from 'class-transformer';
import { IsArray, IsObject, IsString, ValidateNested } from 'class-validator';
import { BackendConfig } from '@switchyard/plugin-sdk';
import { GovernanceConfig, type PriceConfig } from '@switchyard/plugin-sdk';
import { JournalConfig } from './journal-config.js';
import { LoggingConfig } from '@switchyard/plugin-sdk';
import { RouteConfig } from '@switchyard/plugin-sdk';
import { ServerConfig } from './server-config.js';
import { StateConfig } from './state-config.js';
import { TelemetryConfig } from './telemetry-config.js';

/** The whole configuration file (SPEC §2), after `${…}` resolution and map-to-list normalisation. */
export class SwitchyardConfig {
  @ValidateNested()
  @Type(() => ServerConfig)
  server: ServerConfig = new ServerConfig();

  @ValidateNested()
  @Type(() => LoggingConfig)
  logging: LoggingConfig = new LoggingConfig();

  @ValidateNested()
  @Type(() => TelemetryConfig)
  telemetry: TelemetryConfig = new TelemetryConfig();

  @ValidateNested()
  @Type(() => JournalConfig)
  journal: JournalConfig = new JournalConfig();

  @ValidateNested()
  @Type(() => StateConfig)
  state: StateConfig = new StateConfig();

  /** Extra provider plugin packages to load by name. */
  @IsArray()
  @IsString({ each: true })
  plugins: string[] = [];

  /** Validated per entry against the backend type's config class by the loader. */
  @IsArray()
  backends: BackendConfig[] = [];

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => RouteConfig)
  routes: RouteConfig[] = [];

  /** USD per million tokens, keyed by the real (upstream) model name (issue #20); entries are checked by checkGovernanceConfig. */
  @IsObject()
  pricing: Record<string, PriceConfig> = {};

  /** Client-key governance settings that are not per key (issue #20). */
  @ValidateNested()
  @Type(() => GovernanceConfig)
  governance: GovernanceConfig = new GovernanceConfig();
}
