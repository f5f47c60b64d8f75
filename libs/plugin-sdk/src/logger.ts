import { pino, type Logger, type LoggerOptions } from 'pino';
import type { LogLevel } from './config/schema/logging-config.js';
import { redactQuerySecrets } from './secrets/secret-redactor.js';

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

interface LoggedRequest {
  method?: string;
  url?: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number };
}

/**
 * A request's URL never reaches a log line with a key a client put in its query string (`?key=`,
 * `?api_key=`, …): the `url` and `req` fields (Fastify's own lines log `req`, with its shape) and
 * message strings (Fastify's "Route GET:/… not found") have those values redacted.
 */
const QUERY_SAFE_LOGGING: LoggerOptions = {
  serializers: {
    url: (url: unknown) => (typeof url === 'string' ? redactQuerySecrets(url) : url),
    req: (req: LoggedRequest) => ({
      method: req.method,
      url: typeof req.url === 'string' ? redactQuerySecrets(req.url) : req.url,
      host: req.host,
      remoteAddress: req.ip,
      remotePort: req.socket?.remotePort,
    }),
  },
  hooks: {
    logMethod(args, method) {
      for (let i = 0; i < args.length; i++) {
        const a: unknown = args[i];
        if (typeof a === 'string') args[i] = redactQuerySecrets(a);
      }
      method.apply(this, args);
    },
  },
};

export function createLogger(level: LogLevel, options: LoggerOptions = {}, destination?: NodeJS.WritableStream): KernelLogger {
  return pino(
    {
      level,
      base: { service: 'switchyard' },
      redact: { paths: REDACTED_LOG_PATHS, censor: '[REDACTED]' },
      ...QUERY_SAFE_LOGGING,
      ...options,
    },
    destination ?? pino.destination({ fd: 2, sync: false }),
  );
}

/** A logger that writes nothing (tests, embedded use without logs). */
export function silentLogger(): KernelLogger {
  return pino({ level: 'silent' });
}
