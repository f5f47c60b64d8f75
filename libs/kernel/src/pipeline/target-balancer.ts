import type { RouteStrategy } from '@switchyard/plugin-sdk';
import { GatewayError } from '@switchyard/plugin-sdk';
import type { RouteTarget } from '../router/model-router.js';

/** Whether the background monitor has marked a backend down. */
export type BackendDownCheck = (backendId: string) => boolean;

export interface ConcurrencyLimits {
  /** 0 = unlimited. */
  maxConcurrency: number;
  maxQueue: number;
  queueTimeoutMs: number;
}

/**
 * Backend limits held beyond this process (issue #18): the primary of a multi-worker gateway, or
 * Redis shared by replicas. `acquire` has TargetBalancer.acquire's contract; `coolDown` tells the
 * others about a cooldown this process set (they call `noteCooldown` on their own balancer).
 */
export interface SharedLimits {
  acquire(backendId: string, limits: ConcurrencyLimits, signal: AbortSignal): Promise<() => void>;
  coolDown(backendId: string, realModel: string, untilMs: number): void;
}

interface Waiter {
  grant: () => void;
}

interface BackendLoad {
  inFlight: number;
  queue: Waiter[];
}

const targetKey = (t: Pick<RouteTarget, 'backendId' | 'realModel'>): string => `${t.backendId}\u0000${t.realModel}`;

/**
 * Per-backend load and per-target cooldowns, shared by every request (and kept across reloads,
 * keyed by backend id): in-flight counts for least_loaded and max_concurrency, a bounded FIFO wait
 * queue per limited backend, smooth weighted round-robin state per route, and the cooldown a
 * `retry-after` put a target in.
 */
export class TargetBalancer {
  private readonly load = new Map<string, BackendLoad>();
  private readonly cooldownUntil = new Map<string, number>();
  private readonly rrWeights = new Map<string, Map<string, number>>();
  private isDown: BackendDownCheck = () => false;
  private shared: SharedLimits | null = null;

  /** Where the monitor's verdicts come from (BackendMonitor). */
  useHealth(isDown: BackendDownCheck): void {
    this.isDown = isDown;
  }

  /** Limited backends take their slots from `shared` (and cooldowns are shared) from now on. */
  shareWith(shared: SharedLimits): void {
    this.shared = shared;
  }

  inFlight(backendId: string): number {
    return this.load.get(backendId)?.inFlight ?? 0;
  }

  queued(backendId: string): number {
    return this.load.get(backendId)?.queue.length ?? 0;
  }

  /** Puts a target in cooldown (its upstream said `retry-after`). */
  coolDown(target: Pick<RouteTarget, 'backendId' | 'realModel'>, ms: number, now = Date.now()): void {
    if (ms <= 0) return;
    this.noteCooldown(target, now + ms);
    this.shared?.coolDown(target.backendId, target.realModel, now + ms);
  }

  /** A cooldown until `untilMs` (epoch ms), set here or by another process; never shortens one. */
  noteCooldown(target: Pick<RouteTarget, 'backendId' | 'realModel'>, untilMs: number): void {
    const key = targetKey(target);
    if ((this.cooldownUntil.get(key) ?? 0) < untilMs) this.cooldownUntil.set(key, untilMs);
  }

  isCoolingDown(target: Pick<RouteTarget, 'backendId' | 'realModel'>, now = Date.now()): boolean {
    const until = this.cooldownUntil.get(targetKey(target));
    if (until === undefined) return false;
    if (until > now) return true;
    this.cooldownUntil.delete(targetKey(target));
    return false;
  }

  /**
   * The order to try targets in: targets neither down nor cooling down first, by strategy; when
   * none is available, the cooling-down ones that are up, then everything (a lone target is always tried).
   */
  order(routeKey: string, targets: readonly RouteTarget[], strategy: RouteStrategy): RouteTarget[] {
    if (targets.length <= 1) return [...targets];
    const now = Date.now();
    const up = targets.filter((t) => !this.isDown(t.backendId));
    const ready = up.filter((t) => !this.isCoolingDown(t, now));
    const pool = ready.length > 0 ? ready : up.length > 0 ? up : [...targets];
    if (strategy === 'round_robin') return this.roundRobin(routeKey, pool);
    if (strategy === 'least_loaded') return this.leastLoaded(routeKey, pool);
    return pool;
  }

  /** Smooth weighted round-robin (nginx): the pick first, the rest in configuration order after it. */
  private roundRobin(routeKey: string, pool: RouteTarget[]): RouteTarget[] {
    let weights = this.rrWeights.get(routeKey);
    if (!weights) this.rrWeights.set(routeKey, (weights = new Map()));
    let total = 0;
    let best: RouteTarget | null = null;
    let bestWeight = -Infinity;
    for (const t of pool) {
      const k = targetKey(t);
      const w = (weights.get(k) ?? 0) + t.weight;
      weights.set(k, w);
      total += t.weight;
      if (w > bestWeight) {
        bestWeight = w;
        best = t;
      }
    }
    weights.set(targetKey(best!), bestWeight - total);
    const i = pool.indexOf(best!);
    return [...pool.slice(i), ...pool.slice(0, i)];
  }

  /** Fewest in flight per unit of weight first; ties are rotated so equal backends share the load. */
  private leastLoaded(routeKey: string, pool: RouteTarget[]): RouteTarget[] {
    const rotated = this.roundRobin(routeKey, pool);
    return rotated
      .map((t, i) => ({ t, i, score: this.inFlight(t.backendId) / t.weight }))
      .sort((a, b) => a.score - b.score || a.i - b.i)
      .map((x) => x.t);
  }

  /**
   * Takes a slot on a backend; with `maxConcurrency` reached, waits in its bounded queue. Rejects
   * with 503 (retry-after) when the queue is full or the wait runs out, and with the signal's reason
   * the moment it aborts (the client went away). Resolves to the release function (call once).
   * With shared limits (shareWith), a limited backend's slot comes from them; this process only
   * counts it (least_loaded).
   */
  acquire(backendId: string, limits: ConcurrencyLimits, signal: AbortSignal): Promise<() => void> {
    if (this.shared && limits.maxConcurrency > 0) return this.acquireShared(this.shared, backendId, limits, signal);
    return this.acquireLocal(backendId, limits, signal);
  }

  private async acquireShared(
    shared: SharedLimits,
    backendId: string,
    limits: ConcurrencyLimits,
    signal: AbortSignal,
  ): Promise<() => void> {
    const release = await shared.acquire(backendId, limits, signal);
    let load = this.load.get(backendId);
    if (!load) this.load.set(backendId, (load = { inFlight: 0, queue: [] }));
    const l = load;
    l.inFlight++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      l.inFlight--;
      release();
    };
  }

  /** `acquire` within this process only (the default, and what shared limits fall back on). */
  acquireLocal(backendId: string, limits: ConcurrencyLimits, signal: AbortSignal): Promise<() => void> {
    let load = this.load.get(backendId);
    if (!load) this.load.set(backendId, (load = { inFlight: 0, queue: [] }));
    const l = load;
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      const next = l.queue.shift();
      if (next)
        next.grant(); // the slot passes straight to the next waiter
      else l.inFlight--;
    };
    if (limits.maxConcurrency <= 0 || l.inFlight < limits.maxConcurrency) {
      l.inFlight++;
      return Promise.resolve(release);
    }
    if (signal.aborted) return Promise.reject(signal.reason as Error);
    if (l.queue.length >= limits.maxQueue) {
      return Promise.reject(queueError(`backend ${backendId} is at max_concurrency (${limits.maxConcurrency}) and its queue is full`));
    }
    return new Promise((resolve, reject) => {
      const leave = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        const i = l.queue.indexOf(waiter);
        if (i >= 0) l.queue.splice(i, 1);
      };
      const onAbort = (): void => {
        leave();
        reject(signal.reason as Error);
      };
      const waiter: Waiter = {
        grant: () => {
          clearTimeout(timer);
          signal.removeEventListener('abort', onAbort);
          resolve(release);
        },
      };
      const timer = setTimeout(() => {
        leave();
        reject(queueError(`backend ${backendId} is at max_concurrency (${limits.maxConcurrency}); no slot within queue_timeout_seconds`));
      }, limits.queueTimeoutMs);
      timer.unref?.();
      signal.addEventListener('abort', onAbort, { once: true });
      l.queue.push(waiter);
    });
  }
}

function queueError(message: string): GatewayError {
  return new GatewayError({ status: 503, kind: 'unavailable', message, code: 'backend_busy', headers: { 'retry-after': '1' } });
}

/** Seconds from a `retry-after` header (delta-seconds or an HTTP date), as ms; null when absent or unreadable. */
export function retryAfterMs(value: string | string[] | undefined, now = Date.now()): number | null {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined || v.trim() === '') return null;
  const seconds = Number(v.trim());
  if (Number.isFinite(seconds)) return seconds > 0 ? seconds * 1000 : null;
  const at = Date.parse(v);
  return Number.isFinite(at) && at > now ? at - now : null;
}
