import { IsIn } from 'class-validator';

export const LOG_LEVELS = ['silent', 'error', 'warn', 'info', 'debug', 'trace'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export class LoggingConfig {
  @IsIn(LOG_LEVELS)
  level: LogLevel = 'info';
}
