import { pino, type Logger, type LoggerOptions } from 'pino';
import type { LogLevel } from './config/schema/logging-config.js';

/** The logger the kernel and plugins write to: pino's call shape (`(fields, msg)` or `(msg)`). */
export type KernelLogger = Pick<Logger, 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'fatal' | 'child' | 'level' | 'isLevelEnabled'>;

/** Header and field paths that must never reach a log line. */
export const REDACTED_LOG_PATHS = [
  'headers.authorization',
  'headers["x-api-key"]',
  'headers["proxy-authorization"]',
  'headers.cookie',
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  'api_key',
  '*.api_key',
  'key',
  '*.key',
];

export function createLogger(level: LogLevel, options: LoggerOptions = {}, destination?: NodeJS.WritableStream): KernelLogger {
  return pino(
    {
      level,
      base: { service: 'switchyard' },
      redact: { paths: REDACTED_LOG_PATHS, censor: '[REDACTED]' },
      ...options,
    },
    destination ?? pino.destination({ fd: 2, sync: false }),
  );
}

/** A logger that writes nothing (tests, embedded use without logs). */
export function silentLogger(): KernelLogger {
  return pino({ level: 'silent' });
}
