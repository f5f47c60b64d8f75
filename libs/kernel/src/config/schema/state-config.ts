import 'reflect-metadata'; // @Type reads design:type metadata when the class is defined
import { Type } from 'class-transformer';
import { IsNumber, IsOptional, IsString, Max, Min, MinLength, ValidateNested } from 'class-validator';

/** Backend limits shared by every replica through Redis (issue #18; docs/operations.md "Shared limits"). */
export class RedisStateConfig {
  /** redis://[user:password@]host:port[/db] or rediss:// for TLS; use ${REDIS_URL}. */
  @IsString()
  @MinLength(1)
  url!: string;

  /** Prefix of every key the gateway writes (several gateways may share one Redis). */
  @IsString()
  @MinLength(1)
  key_prefix = 'switchyard:';

  /** A slot held by a replica that died is free again after at most this long (renewed every third of it). */
  @IsNumber()
  @Min(1)
  @Max(30)
  lease_seconds = 15;

  /** At start, how long to keep trying to reach Redis before failing. */
  @IsNumber()
  @Min(0.1)
  @Max(300)
  connect_timeout_seconds = 10;
}

/** State shared between gateway processes; without it limits hold per machine. */
export class StateConfig {
  @IsOptional()
  @ValidateNested()
  @Type(() => RedisStateConfig)
  redis?: RedisStateConfig;
}
