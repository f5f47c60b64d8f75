import 'reflect-metadata'; // @Type reads design:type metadata when the class is defined
import { IsIn, IsInt, IsNumber, IsOptional, IsString, Min } from 'class-validator';

export const BUDGET_PERIODS = ['day', 'week', 'month'] as const;

/** A client key's budget for one calendar period in UTC (issue #20): tokens, USD, or both. */
export class BudgetConfig {
  /** Input + output tokens the key may use per period. */
  @IsOptional()
  @IsInt()
  @Min(1)
  tokens?: number;

  /** USD the key may spend per period (priced by `pricing` / a route's `price`). */
  @IsOptional()
  @IsNumber()
  @Min(0)
  usd?: number;

  @IsIn(BUDGET_PERIODS)
  period: (typeof BUDGET_PERIODS)[number] = 'month';
}

/** USD per million tokens of one model. */
export class PriceConfig {
  @IsNumber()
  @Min(0)
  input!: number;

  @IsNumber()
  @Min(0)
  output!: number;

  /** Cached input tokens (prompt-cache reads); absent: priced as input. */
  @IsOptional()
  @IsNumber()
  @Min(0)
  cached_input?: number;
}

/** Client-key governance settings that are not per key (issue #20; docs/governance.md). */
export class GovernanceConfig {
  /**
   * Output tokens reserved at admission for a request that sets no max tokens field of its
   * protocol (max_tokens, max_completion_tokens, max_output_tokens).
   */
  @IsInt()
  @Min(1)
  default_max_tokens = 4096;

  /**
   * A SQLite file (node:sqlite) where budget counters are kept so they survive a restart;
   * empty: counters live in memory only (a restart starts every budget from zero).
   */
  @IsString()
  store_path = '';
}
