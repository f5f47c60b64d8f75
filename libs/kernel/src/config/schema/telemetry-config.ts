import 'reflect-metadata'; // @Type reads design:type metadata when the class is defined
import { Type } from 'class-transformer';
import { IsBoolean, IsInt, IsNumber, IsString, Matches, Max, Min, MinLength, ValidateNested } from 'class-validator';

export class PrometheusConfig {
  @IsBoolean()
  enabled = true;

  @IsString()
  @MinLength(1)
  host = '0.0.0.0';

  @IsInt()
  @Min(0)
  @Max(65535)
  port = 9091;

  @IsString()
  @Matches(/^\//, { message: 'must start with "/"' })
  path = '/metrics';
}

export class OtlpConfig {
  /** Empty: OTLP export off unless the standard OTEL_* variables turn it on. */
  @IsString()
  endpoint = '';

  @IsNumber()
  @Min(1)
  @Max(3600)
  interval_seconds = 15;
}

export class TelemetryConfig {
  @ValidateNested()
  @Type(() => PrometheusConfig)
  prometheus: PrometheusConfig = new PrometheusConfig();

  @ValidateNested()
  @Type(() => OtlpConfig)
  otlp: OtlpConfig = new OtlpConfig();
}
