import { Redis, type RedisOptions } from 'ioredis';
import { ConfigError, type RedisStateConfig } from '@switchyard/kernel';

/** `redis://user:secret@host:6379/0` → `redis://user:***@host:6379/0`: a URL fit for logs and errors. */
export function redactRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(not a URL)';
  }
}

/** The server refused the credentials (not a network problem): fatal at start. */
export function isRedisAuthError(err: unknown): boolean {
  return /WRONGPASS|NOAUTH|invalid password|invalid username-password|AUTH.*without any password/i.test((err as Error)?.message ?? '');
}

/**
 * ioredis options for the shared-limit connections: commands fail at once while disconnected
 * (no offline queue: a request never waits for Redis to come back, it falls back to per-machine
 * limits) or after 2 s on a stalled connection; reconnection backs off to at most 2 s, forever.
 */
export function sharedStateRedisOptions(): RedisOptions {
  return {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: 2000,
    connectTimeout: 2000,
    retryStrategy: (times: number) => Math.min(100 * times, 2000),
  };
}

function checkUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(`state.redis.url: not a URL (expected redis://[user:password@]host:port[/db] or rediss://…)`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new ConfigError(`state.redis.url: ${redactRedisUrl(url)}: the scheme must be redis:// or rediss://`);
  }
}

/**
 * Opens a connection for shared state and waits until Redis answers, for at most
 * `connect_timeout_seconds` (Redis may still be starting next to the gateway). Unreachable
 * then, or credentials refused at once: a ConfigError naming `state.redis.url` (the password
 * never shown). With `required: false` (a worker of a gateway whose primary already checked
 * Redis) it waits for the same time but never fails: a worker that served before its connection
 * was up would take its slots from the per-machine fallback while its siblings take theirs from
 * Redis, so the backend could see more than `max_concurrency` at once. Still unreachable then,
 * the client keeps connecting, and reconnecting, in the background.
 */
export async function connectRedis(config: RedisStateConfig, options: { required: boolean } = { required: true }): Promise<Redis> {
  checkUrl(config.url);
  const client = new Redis(config.url, sharedStateRedisOptions());
  const where = redactRedisUrl(config.url);
  let lastError: Error | null = null;
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => {
        cleanup();
        reject(
          new ConfigError(
            `state.redis.url: cannot reach Redis at ${where} within ${config.connect_timeout_seconds} s` +
              (lastError ? ` (${lastError.message})` : ''),
          ),
        );
      },
      Math.round(config.connect_timeout_seconds * 1000),
    );
    const onReady = (): void => {
      cleanup();
      resolve();
    };
    const onError = (err: Error): void => {
      lastError = err;
      if (isRedisAuthError(err)) {
        cleanup();
        reject(new ConfigError(`state.redis.url: Redis at ${where} refused the credentials: ${err.message}`));
      }
    };
    const cleanup = (): void => {
      clearTimeout(timer);
      client.off('ready', onReady);
      client.off('error', onError);
    };
    client.on('ready', onReady);
    client.on('error', onError);
  });
  client.connect().catch(() => undefined); // failures arrive as 'error' events; ioredis retries
  try {
    await ready;
  } catch (err) {
    if (!options.required) return client; // reconnects in the background; errors go to 'error' listeners
    client.disconnect();
    throw err;
  }
  return client;
}
