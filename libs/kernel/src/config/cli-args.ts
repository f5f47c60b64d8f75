import { UsageError } from './config-error.js';
import { LOG_LEVELS, type LogLevel } from '@switchyard/plugin-sdk';

/** A listen address from `--listen` / `--metrics-listen`; host absent in `:PORT` / `PORT` forms. */
export interface HostPort {
  host?: string;
  port: number;
}

/** The parsed `switchyard` command line (SPEC §1). Every field is optional so tests can build one by hand. */
export interface CliArgs {
  config?: string;
  listen?: HostPort;
  metricsListen?: HostPort;
  logLevel?: LogLevel;
  /** `--workers auto | N`: beats `server.workers`. */
  workers?: number | 'auto';
  /** Validate the configuration and exit 0 or 1 (like `nginx -t`). */
  check?: boolean;
  /** Reload the configuration file when it changes. */
  watch?: boolean;
  /** Single-backend mode: the backend type. */
  backend?: string;
  baseUrl?: string;
  project?: string;
  location?: string;
  /** Model globs the single backend serves (repeatable `--model`); default `*`. */
  models?: string[];
  help?: boolean;
  version?: boolean;
}

/** `HOST:PORT`, `[IPv6]:PORT`, `:PORT` or `PORT` → `{ host?, port }`; anything else is a UsageError naming the flag. */
export function parseHostPort(text: string, flag: string): HostPort {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(text) ?? /^([^:[\]]*):(\d+)$/.exec(text) ?? /^()(\d+)$/.exec(text);
  const port = m ? Number(m[2]) : NaN;
  if (!m || !Number.isInteger(port) || port > 65535) {
    throw new UsageError(`${flag} expects HOST:PORT (e.g. 0.0.0.0:4000, [::]:4000 or :4000), got "${text}"`);
  }
  return m[1] ? { host: m[1], port } : { port };
}

/** A `--log-level` value, or a UsageError listing the levels. */
export function parseLogLevel(text: string, flag = '--log-level'): LogLevel {
  if (!(LOG_LEVELS as readonly string[]).includes(text)) {
    throw new UsageError(`${flag} must be one of ${LOG_LEVELS.join(', ')}; got "${text}"`);
  }
  return text as LogLevel;
}

/** A `--workers` value: "auto" or a whole number ≥ 1, or a UsageError naming the flag. */
export function parseWorkers(text: string, flag = '--workers'): number | 'auto' {
  if (text === 'auto') return 'auto';
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new UsageError(`${flag} must be "auto" or a whole number of worker processes, at least 1; got "${text}"`);
  }
  return n;
}
