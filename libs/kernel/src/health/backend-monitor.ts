import type { KernelLogger } from '@switchyard/plugin-sdk';
import type { ModelInfo } from '@switchyard/plugin-sdk';
import type { GatewayRuntime, RuntimeBackend } from '../pipeline/gateway-runtime.js';

/** What readiness and `switchyard_backend_up` know about one backend. */
export interface BackendHealth {
  /** `unknown` until the first check has answered. */
  status: 'up' | 'down' | 'unknown';
  /** False for `skip_probe` backends (they count as up) and backends without a plugin. */
  probed: boolean;
  /** When the last check finished (epoch ms). */
  checkedAt?: number;
  /** When the status last changed (epoch ms). */
  since?: number;
  /** Why it is down. */
  error?: string;
}

export interface BackendMonitorOptions {
  /** The runtime whose backends are checked (read at every tick: a reload swaps it). */
  runtime: () => GatewayRuntime;
  logger: KernelLogger;
  /** Receives each model listing (null when it failed); the model catalog. */
  onListing?: (backendId: string, models: ModelInfo[] | null, err?: unknown) => void;
  /** Fetch model lists too (default true). */
  listModels?: boolean;
}

/** One backend's background loop, tied to the adapter it checks (a reload starts new loops). */
interface Loop {
  id: string;
  backend: RuntimeBackend;
  abort: AbortController;
  timer: NodeJS.Timeout | null;
  nextProbeAt: number;
  nextListAt: number;
  running: Promise<void> | null;
}

/** Longest a single probe or listing may take before it counts as failed. */
const MAX_CHECK_MS = 5_000;

/**
 * One background loop per backend: its model listing every `server.models_refresh_seconds` and
 * its probe every `server.probe_interval_seconds` (a successful listing counts as a probe). Never
 * on a request's path and never awaited by start-up. A backend whose probe throws (connection
 * refused, timeout, non-2xx) is down until a later probe succeeds; `skip_probe` backends are never
 * probed and count as up. `sync()` after a reload starts loops for the new runtime's backends
 * (checked at once) and cancels the old ones; states of backends that stay are kept until their
 * first new answer.
 */
export class BackendMonitor {
  private readonly loops = new Map<string, Loop>();
  private readonly health = new Map<string, BackendHealth>();
  private running = false;
  private readonly listModels: boolean;

  constructor(private readonly options: BackendMonitorOptions) {
    this.listModels = options.listModels !== false;
  }

  /** Starts the loops (the first checks run at once, in the background). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.sync();
  }

  stop(): void {
    this.running = false;
    for (const loop of this.loops.values()) this.cancel(loop);
    this.loops.clear();
  }

  /** Follow the current runtime: new loops for its backends (checked now), old ones cancelled. */
  sync(): void {
    const rt = this.options.runtime();
    const ids = new Set(rt.backends.keys());
    for (const [id, loop] of this.loops) {
      if (rt.backends.get(id) !== loop.backend) {
        this.cancel(loop);
        this.loops.delete(id);
      }
    }
    for (const id of this.health.keys()) if (!ids.has(id)) this.health.delete(id);
    if (!this.running) return;
    const now = Date.now();
    for (const [id, backend] of rt.backends) {
      if (this.loops.has(id)) continue;
      const loop: Loop = { id, backend, abort: new AbortController(), timer: null, nextProbeAt: now, nextListAt: now, running: null };
      this.loops.set(id, loop);
      this.schedule(loop, 0);
    }
  }

  /** The state of one backend of the current runtime (undefined for an unknown id). */
  get(backendId: string): BackendHealth | undefined {
    if (!this.options.runtime().backends.has(backendId)) return undefined;
    return this.health.get(backendId) ?? { status: 'unknown', probed: this.probes(this.options.runtime().backends.get(backendId)!) };
  }

  /** Every backend of the current runtime, in configuration order. */
  all(): Array<[string, BackendHealth]> {
    return [...this.options.runtime().backends.keys()].map((id) => [id, this.get(id)!]);
  }

  /** Runs every backend's due checks now and resolves when they have answered (tests, after a reload). */
  async checkNow(): Promise<void> {
    const now = Date.now();
    await Promise.all(
      [...this.loops.values()].map(async (loop) => {
        await loop.running;
        loop.nextProbeAt = now;
        if (loop.timer) clearTimeout(loop.timer);
        loop.timer = null;
        await this.tick(loop);
      }),
    );
  }

  private probes(backend: RuntimeBackend): boolean {
    return backend.adapter !== null && !backend.config.skip_probe;
  }

  private cancel(loop: Loop): void {
    loop.abort.abort();
    if (loop.timer) clearTimeout(loop.timer);
    loop.timer = null;
  }

  private schedule(loop: Loop, delayMs: number): void {
    if (loop.abort.signal.aborted) return;
    loop.timer = setTimeout(
      () => {
        loop.timer = null;
        void this.tick(loop);
      },
      Math.max(0, delayMs),
    );
    loop.timer.unref();
  }

  private tick(loop: Loop): Promise<void> {
    loop.running ??= this.check(loop)
      .catch((err: unknown) => this.options.logger.error({ err, backend: loop.id }, 'backend check failed unexpectedly'))
      .finally(() => {
        loop.running = null;
        const next = Math.min(loop.nextProbeAt, this.listModels ? loop.nextListAt : Infinity);
        // Nothing left to check (no plugin, or skip_probe without listing): no timer at all.
        if (!loop.abort.signal.aborted && !loop.timer && this.running && Number.isFinite(next)) {
          this.schedule(loop, next - Date.now());
        }
      });
    return loop.running;
  }

  private intervals(): { probeMs: number; listMs: number; timeoutMs: number } {
    const server = this.options.runtime().config.server;
    const probeMs = Math.max(100, server.probe_interval_seconds * 1000);
    return {
      probeMs,
      listMs: Math.max(100, server.models_refresh_seconds * 1000),
      timeoutMs: Math.min(MAX_CHECK_MS, Math.max(1000, probeMs)),
    };
  }

  private async check(loop: Loop): Promise<void> {
    const { adapter, config } = loop.backend;
    const { probeMs, listMs, timeoutMs } = this.intervals();
    const now = Date.now();
    if (!adapter) {
      loop.nextProbeAt = loop.nextListAt = Infinity;
      this.set(loop, 'down', false, `no provider plugin for type "${config.type}" in this build`);
      return;
    }
    const signal = () => AbortSignal.any([loop.abort.signal, AbortSignal.timeout(timeoutMs)]);
    let listingFailed = false;
    if (this.listModels && adapter.listModels && now >= loop.nextListAt) {
      loop.nextListAt = now + listMs;
      try {
        const models = await bounded(adapter.listModels(signal()), signal());
        if (loop.abort.signal.aborted) return;
        this.options.onListing?.(loop.id, models);
        loop.nextProbeAt = Date.now() + probeMs;
        this.set(loop, 'up', !config.skip_probe);
        return;
      } catch (err) {
        if (loop.abort.signal.aborted) return;
        this.options.onListing?.(loop.id, null, err);
        listingFailed = true;
      }
    }
    if (config.skip_probe) {
      loop.nextProbeAt = Infinity;
      this.set(loop, 'up', false);
      return;
    }
    if (!listingFailed && now < loop.nextProbeAt) return;
    loop.nextProbeAt = now + probeMs;
    try {
      const s = signal();
      if (adapter.probe) await bounded(adapter.probe(s), s);
      else if (adapter.listModels) await bounded(adapter.listModels(s), s);
      if (loop.abort.signal.aborted) return;
      this.set(loop, 'up', true);
    } catch (err) {
      if (loop.abort.signal.aborted) return;
      this.set(loop, 'down', true, describe(err));
    }
  }

  private set(loop: Loop, status: 'up' | 'down', probed: boolean, error?: string): void {
    const now = Date.now();
    const was = this.health.get(loop.id);
    const changed = was?.status !== status;
    const next: BackendHealth = { status, probed, checkedAt: now, since: changed ? now : (was?.since ?? now) };
    if (error !== undefined) next.error = error;
    this.health.set(loop.id, next);
    if (!changed) return;
    const log = this.options.logger;
    if (status === 'down') log.warn({ backend: loop.id, err: error }, `backend ${loop.id} is down`);
    else if (was?.status === 'down') log.info({ backend: loop.id }, `backend ${loop.id} is up again`);
    else log.debug({ backend: loop.id, probed }, `backend ${loop.id} is up`);
  }
}

/** `work`, or the signal's reason once it aborts (an adapter that ignores its signal cannot hang a loop). */
function bounded<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err as Error);
      },
    );
  });
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    if (err.name === 'TimeoutError' || err.name === 'AbortError') return 'the probe timed out';
    return err.message;
  }
  return String(err);
}
