import type { KernelLogger } from '@switchyard/plugin-sdk';
import type { ModelInfo } from '@switchyard/plugin-sdk';
import type { GatewayRuntime } from '../pipeline/gateway-runtime.js';

export interface CatalogEntry {
  id: string;
  /** The backend serving it, or null for auto routes. */
  backend: string | null;
  virtual: boolean;
  owned_by: string;
  created: number;
  context_length?: number;
}

interface BackendModels {
  up: boolean;
  models: ModelInfo[];
  checkedAt: number;
}

/**
 * Every routable model name, served from memory. Backends' own lists are fetched in the
 * background (at start and then every `refreshMs`), never on a request's path; a backend that
 * fails to answer is marked down and its models drop out until it answers again.
 */
export class ModelCatalog {
  private readonly reported = new Map<string, BackendModels>();
  private timer: NodeJS.Timeout | null = null;
  private readonly created = Math.floor(Date.now() / 1000);
  private refreshing: Promise<void> | null = null;
  /** Bumped whenever a listing changes, so `has` rebuilds its set only then. */
  private version = 0;
  private listed = new Set<string>();
  private listedAt = -1;
  private runtimeSeen: unknown = null;

  constructor(
    private readonly runtime: () => GatewayRuntime,
    private readonly logger: KernelLogger,
    private readonly refreshMs = 30_000,
    private readonly requestTimeoutMs = 5_000,
  ) {}

  start(): void {
    if (this.timer) return;
    void this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.refreshMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Fetch every backend's list once (concurrently); resolves when all have answered or failed. */
  refresh(): Promise<void> {
    this.refreshing ??= this.doRefresh().finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  private async doRefresh(): Promise<void> {
    const rt = this.runtime();
    await Promise.all(
      [...rt.backends.values()].map(async ({ config, adapter }) => {
        if (!adapter?.listModels) return;
        try {
          this.recordListing(config.id, await adapter.listModels(AbortSignal.timeout(this.requestTimeoutMs)));
        } catch (err) {
          this.recordListing(config.id, null, err);
        }
      }),
    );
  }

  /**
   * Records one backend's listing: its models, or null when the listing failed (its models then
   * drop out until it answers again). Called by refresh() and by the background backend monitor.
   */
  recordListing(backendId: string, models: ModelInfo[] | null, err?: unknown): void {
    if (models) {
      this.reported.set(backendId, { up: true, models, checkedAt: Date.now() });
    } else {
      const was = this.reported.get(backendId);
      if (was?.up !== false) {
        this.logger.warn({ backend: backendId, err: err instanceof Error ? err.message : String(err) }, 'backend did not list its models');
      }
      this.reported.set(backendId, { up: false, models: [], checkedAt: Date.now() });
    }
    this.version++;
  }

  /** Forgets the listings of backends not in `ids` (after a reload removed them). */
  retainOnly(ids: ReadonlySet<string>): void {
    for (const id of this.reported.keys()) if (!ids.has(id)) this.reported.delete(id);
    this.version++;
  }

  /** The runtime changed (a reload): names are recomputed on the next lookup. */
  invalidate(): void {
    this.version++;
  }

  /** Whether the last listing of a backend succeeded (undefined: not checked yet). */
  isUp(backendId: string): boolean | undefined {
    return this.reported.get(backendId)?.up;
  }

  /** Virtual models (auto routes included) first, then reported models their globs admit; deduplicated. */
  list(): CatalogEntry[] {
    const rt = this.runtime();
    if (rt !== this.runtimeSeen) {
      this.runtimeSeen = rt;
      this.version++;
    }
    const out: CatalogEntry[] = [];
    const seen = new Set<string>();
    for (const r of rt.config.routes) {
      if (seen.has(r.virtual_model)) continue;
      seen.add(r.virtual_model);
      out.push({
        id: r.virtual_model,
        backend: r.backend ?? null,
        virtual: true,
        owned_by: 'switchyard',
        created: this.created,
        context_length: r.context_length,
      });
    }
    for (const b of rt.config.backends) {
      const rep = this.reported.get(b.id);
      if (!rep?.up) continue;
      for (const m of rep.models) {
        if (seen.has(m.id) || !rt.router.admits(b.id, m.id)) continue;
        seen.add(m.id);
        out.push({
          id: m.id,
          backend: b.id,
          virtual: false,
          owned_by: m.owned_by ?? b.id,
          created: m.created ?? this.created,
          context_length: m.context_length,
        });
      }
    }
    return out;
  }

  /** Whether a name is listed (a virtual model or a reported model its backend's globs admit). */
  has(name: string): boolean {
    if (this.listedAt !== this.version) {
      this.listed = new Set(this.list().map((e) => e.id));
      this.listedAt = this.version;
    }
    return this.listed.has(name);
  }

  /** Names reported by backends (for model_not_found messages). */
  reportedNames(): string[] {
    return this.list().map((e) => e.id);
  }
}
