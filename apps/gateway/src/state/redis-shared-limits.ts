import { randomUUID } from 'node:crypto';
import { metrics, type ObservableResult } from '@opentelemetry/api';
import type { Redis } from 'ioredis';
import { GatewayError, type ConcurrencyLimits, type KernelLogger, type RedisStateConfig, type SharedLimits } from '@switchyard/kernel';
import { ACQUIRE_SCRIPT, RELEASE_SCRIPT, RENEW_SCRIPT } from './redis-scripts.js';

/** Where a slot comes from while Redis is unreachable: this machine's own limiter. */
export interface FallbackLimits {
  acquire(backendId: string, limits: ConcurrencyLimits, signal: AbortSignal): Promise<() => void>;
}

export interface RedisSharedLimitsOptions {
  config: RedisStateConfig;
  /** Commands (connected, or connecting: ioredis reconnects by itself). */
  client: Redis;
  /** Pub/sub (a second connection: a subscribed connection runs no other command). */
  subscriber: Redis;
  fallback: FallbackLimits;
  logger: KernelLogger;
  /** Applies a cooldown another replica set (TargetBalancer.noteCooldown). */
  onCooldown: (backendId: string, realModel: string, untilMs: number) => void;
}

/** Tokens by backend id. */
type Tokens = Map<string, Set<string>>;

function queueFull(backendId: string, limits: ConcurrencyLimits): GatewayError {
  return new GatewayError({
    status: 503,
    kind: 'unavailable',
    message: `backend ${backendId} is at max_concurrency (${limits.maxConcurrency}) and its queue is full`,
    code: 'backend_busy',
    headers: { 'retry-after': '1' },
  });
}

function queueTimeout(backendId: string, limits: ConcurrencyLimits): GatewayError {
  return new GatewayError({
    status: 503,
    kind: 'unavailable',
    message: `backend ${backendId} is at max_concurrency (${limits.maxConcurrency}); no slot within queue_timeout_seconds`,
    code: 'backend_busy',
    headers: { 'retry-after': '1' },
  });
}

/**
 * Backend `max_concurrency`, its queue and retry-after cooldowns shared by every replica through
 * Redis (issue #18, docs/operations.md "Shared limits"). A slot is a lease: a token in the
 * backend's sorted set whose score is its expiry, renewed every third of `lease_seconds` while
 * its request lives (a stream outlives any fixed TTL), so a replica that dies frees its slots
 * within `lease_seconds`. Waiters queue in ticket order in Redis and retry when a slot is
 * released (pub/sub) or every poll interval (a lease that expired frees its slot silently).
 *
 * Redis unreachable: new requests take their slot from `fallback` (per-machine limits), the
 * condition is logged once and `switchyard_state_redis_connected` is 0; ioredis reconnects by
 * itself and the next request uses Redis again. A request that already held a Redis slot keeps
 * it; one waiting in the Redis queue moves to the fallback for the rest of its queue time.
 */
export class RedisSharedLimits implements SharedLimits {
  private readonly prefix: string;
  private readonly ttlMs: number;
  /** Slots this process holds, and its places in queues, renewed while they live. */
  private readonly holding: Tokens = new Map();
  private readonly queued: Tokens = new Map();
  private readonly wakers = new Map<string, Set<() => void>>();
  private readonly renewTimer: NodeJS.Timeout;
  private degraded = false;
  private degradedAt = 0;
  private closed = false;

  constructor(private readonly options: RedisSharedLimitsOptions) {
    const { config, client, subscriber } = options;
    this.prefix = config.key_prefix;
    this.ttlMs = Math.round(config.lease_seconds * 1000);
    client.defineCommand('syAcquire', { numberOfKeys: 4, lua: ACQUIRE_SCRIPT });
    client.defineCommand('syRelease', { numberOfKeys: 3, lua: RELEASE_SCRIPT });
    client.defineCommand('syRenew', { numberOfKeys: 2, lua: RENEW_SCRIPT });
    client.on('ready', () => {
      this.recovered();
      void this.renew(); // a Redis that restarted empty learns the slots still held at once
      void this.loadCooldowns();
    });
    client.on('error', (err: Error) => this.markDegraded(err));
    client.on('close', () => this.markDegraded(new Error('connection closed')));
    subscriber.on('error', () => undefined); // reported through the command connection
    subscriber.on('message', (channel: string, message: string) => this.onMessage(channel, message));
    void subscriber.subscribe(this.channel('released'), this.channel('cooldown')).catch(() => undefined);
    this.renewTimer = setInterval(() => void this.renew(), Math.max(200, Math.floor(this.ttlMs / 3)));
    this.renewTimer.unref();
    metrics
      .getMeter('nestjs-otel')
      .createObservableGauge('switchyard.state.redis.connected', {
        description: 'Gateway processes connected to Redis for shared backend limits (0: limits hold per machine)',
      })
      .addCallback((result: ObservableResult) => result.observe(this.connected ? 1 : 0));
    if (client.status === 'ready') void this.loadCooldowns();
  }

  /** Whether limits are shared through Redis right now (false: degraded to per-machine). */
  get connected(): boolean {
    if (this.options.client.status !== 'ready') return false;
    // A command that failed on a live connection (a timeout): try Redis again a second later.
    if (this.degraded && Date.now() - this.degradedAt >= 1000) this.recovered();
    return !this.degraded;
  }

  private recovered(): void {
    if (!this.degraded || this.closed) return;
    this.degraded = false;
    this.options.logger.info('Redis is reachable again: backend limits are shared by every replica again');
  }

  private channel(name: string): string {
    return `${this.prefix}${name}`;
  }

  private keys(backendId: string): [string, string, string, string] {
    const k = `${this.prefix}{${backendId}}`;
    return [`${k}:leases`, `${k}:queue`, `${k}:waiting`, `${k}:seq`];
  }

  private markDegraded(err: unknown): void {
    this.degradedAt = Date.now();
    if (this.degraded || this.closed) return;
    this.degraded = true;
    this.options.logger.error(
      { err: (err as Error)?.message ?? String(err) },
      'Redis (state.redis.url) is unreachable: backend limits now hold per machine until it returns',
    );
  }

  async acquire(backendId: string, limits: ConcurrencyLimits, signal: AbortSignal): Promise<() => void> {
    if (signal.aborted) throw signal.reason as Error;
    if (!this.connected) return this.options.fallback.acquire(backendId, limits, signal);
    const token = randomUUID();
    const keys = this.keys(backendId);
    const deadline = Date.now() + limits.queueTimeoutMs;
    this.track(this.queued, backendId, token);
    const run = this.options.client as unknown as {
      syAcquire(...args: Array<string | number>): Promise<number>;
    };
    for (;;) {
      let outcome: number;
      try {
        outcome = await run.syAcquire(...keys, token, limits.maxConcurrency, limits.maxQueue, this.ttlMs);
      } catch (err) {
        this.untrack(this.queued, backendId, token);
        this.markDegraded(err);
        const left = deadline - Date.now();
        return this.options.fallback.acquire(backendId, { ...limits, queueTimeoutMs: Math.max(0, left) }, signal);
      }
      if (outcome === 1) {
        this.untrack(this.queued, backendId, token);
        this.track(this.holding, backendId, token);
        return this.releaser(backendId, token, keys);
      }
      if (outcome === -1) {
        this.untrack(this.queued, backendId, token);
        throw queueFull(backendId, limits);
      }
      const left = deadline - Date.now();
      const woken = signal.aborted
        ? 'aborted'
        : left > 0
          ? await this.waitForSlot(backendId, Math.min(left, this.pollMs()), signal)
          : 'timeout';
      if (woken === 'aborted' || (woken === 'timeout' && Date.now() >= deadline)) {
        this.untrack(this.queued, backendId, token);
        void this.leave(keys, token);
        throw woken === 'aborted' ? (signal.reason as Error) : queueTimeout(backendId, limits);
      }
    }
  }

  /** How often a waiter retries without a release message (a slot may have expired). */
  private pollMs(): number {
    return Math.min(1000, Math.max(50, Math.floor(this.ttlMs / 10)));
  }

  private waitForSlot(backendId: string, ms: number, signal: AbortSignal): Promise<'woken' | 'timeout' | 'aborted'> {
    return new Promise((resolve) => {
      let wakers = this.wakers.get(backendId);
      if (!wakers) this.wakers.set(backendId, (wakers = new Set()));
      const set = wakers;
      const done = (how: 'woken' | 'timeout' | 'aborted'): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        set.delete(wake);
        resolve(how);
      };
      const wake = (): void => done('woken');
      const onAbort = (): void => done('aborted');
      const timer = setTimeout(() => done('timeout'), ms);
      set.add(wake);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  private releaser(backendId: string, token: string, keys: string[]): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.untrack(this.holding, backendId, token);
      const run = this.options.client as unknown as { syRelease(...args: string[]): Promise<number> };
      // Redis down: the lease expires by itself.
      void run.syRelease(keys[0]!, keys[1]!, keys[2]!, token, this.channel('released'), backendId).catch(() => undefined);
    };
  }

  private leave(keys: string[], token: string): Promise<unknown> {
    const run = this.options.client as unknown as { syRelease(...args: string[]): Promise<number> };
    return run.syRelease(keys[0]!, keys[1]!, keys[2]!, token).catch(() => undefined);
  }

  private track(map: Tokens, backendId: string, token: string): void {
    let tokens = map.get(backendId);
    if (!tokens) map.set(backendId, (tokens = new Set()));
    tokens.add(token);
  }

  private untrack(map: Tokens, backendId: string, token: string): void {
    map.get(backendId)?.delete(token);
  }

  /** Pushes the expiry of every slot held and every place queued by this process. */
  private async renew(): Promise<void> {
    if (!this.connected) return;
    const run = this.options.client as unknown as { syRenew(...args: Array<string | number>): Promise<number> };
    for (const backendId of new Set([...this.holding.keys(), ...this.queued.keys()])) {
      const holding = [...(this.holding.get(backendId) ?? [])];
      const queued = [...(this.queued.get(backendId) ?? [])];
      if (holding.length + queued.length === 0) continue;
      const [leases, , waiting] = this.keys(backendId);
      try {
        const restored = await run.syRenew(leases, waiting, this.ttlMs, holding.length, ...holding, ...queued);
        if (restored > 0) {
          this.options.logger.warn(
            { backend: backendId, restored },
            'Redis had lost slots this process holds (it restarted, or this process stalled): registered them again',
          );
        }
      } catch (err) {
        this.markDegraded(err);
        return;
      }
    }
  }

  coolDown(backendId: string, realModel: string, untilMs: number): void {
    if (!this.connected) return;
    const member = `${backendId}\u0000${realModel}`;
    const client = this.options.client;
    void client
      .zadd(this.channel('cooldowns'), untilMs, member)
      .then(() => client.publish(this.channel('cooldown'), `${untilMs}\u0000${member}`))
      .catch((err: unknown) => this.markDegraded(err));
  }

  /** Cooldowns other replicas set while this one was away (start, reconnect). */
  private async loadCooldowns(): Promise<void> {
    const key = this.channel('cooldowns');
    try {
      const now = Date.now();
      await this.options.client.zremrangebyscore(key, '-inf', now);
      const rows = await this.options.client.zrangebyscore(key, now, '+inf', 'WITHSCORES');
      for (let i = 0; i + 1 < rows.length; i += 2) {
        const [backendId, realModel] = rows[i]!.split('\u0000');
        if (backendId !== undefined && realModel !== undefined) this.options.onCooldown(backendId, realModel, Number(rows[i + 1]));
      }
    } catch {
      // unreachable again: the error handler reports it
    }
  }

  private onMessage(channel: string, message: string): void {
    if (channel === this.channel('released')) {
      const wakers = this.wakers.get(message);
      if (wakers) for (const wake of [...wakers]) wake();
    } else if (channel === this.channel('cooldown')) {
      const [until, backendId, realModel] = message.split('\u0000');
      if (backendId !== undefined && realModel !== undefined) this.options.onCooldown(backendId, realModel, Number(until));
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.renewTimer);
    this.options.client.disconnect();
    this.options.subscriber.disconnect();
  }
}
