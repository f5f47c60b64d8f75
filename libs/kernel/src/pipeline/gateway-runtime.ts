import type { BackendConfig } from '@switchyard/plugin-sdk';
import type { SwitchyardConfig } from '../config/schema/switchyard-config.js';
import type { KernelLogger } from '@switchyard/plugin-sdk';
import type { PluginRegistry } from '../plugin/plugin-registry.js';
import type { ProviderAdapter, ProviderPlugin } from '@switchyard/plugin-sdk';
import { ModelRouter } from '../router/model-router.js';
import { SecretRedactor } from '@switchyard/plugin-sdk';

export interface RuntimeBackend {
  config: BackendConfig;
  /** null when the backend's type has no plugin in this build (it is inert). */
  plugin: ProviderPlugin | null;
  adapter: ProviderAdapter | null;
}

export interface RuntimeOptions {
  config: SwitchyardConfig;
  registry: PluginRegistry;
  logger: KernelLogger;
  singleBackend?: boolean;
  /** Secret values resolved from `${…}` that must never be echoed. */
  secrets?: readonly string[];
}

/**
 * Everything built from one configuration: adapters, router, redactor. Requests take a
 * snapshot at start, so a reload (a new runtime swapped in) never changes a request in flight.
 */
export class GatewayRuntime {
  readonly config: SwitchyardConfig;
  readonly router: ModelRouter;
  readonly redactor = new SecretRedactor();
  readonly backends = new Map<string, RuntimeBackend>();
  readonly singleBackend: boolean;
  readonly registry: PluginRegistry;
  /** Names the backends reported (set by the model catalog), listed in model_not_found errors. */
  knownModels: () => readonly string[] = () => [];

  constructor(options: RuntimeOptions) {
    this.config = options.config;
    this.singleBackend = options.singleBackend ?? false;
    this.registry = options.registry;
    for (const s of options.secrets ?? []) this.redactor.add(s);
    for (const b of options.config.backends) this.redactor.add(b.api_key);
    for (const k of options.config.server.api_keys) if (k.key) this.redactor.add(k.key);
    for (const b of options.config.backends) {
      const plugin = options.registry.get(b.type) ?? null;
      if (!plugin) {
        options.logger.warn(
          { backend: b.id, type: b.type },
          `backend "${b.id}": no plugin for type "${b.type}" in this build; it is inert`,
        );
      }
      const adapter = plugin
        ? plugin.createAdapter(b, {
            logger: options.logger.child({ backend: b.id }),
            redactor: this.redactor,
            singleBackend: this.singleBackend,
          })
        : null;
      this.backends.set(b.id, { config: b, plugin, adapter });
    }
    this.router = new ModelRouter({
      backends: options.config.backends,
      routes: options.config.routes,
      passthroughUnrouted: options.config.server.passthrough_unrouted,
      singleBackend: this.singleBackend,
      knownModels: () => this.knownModels(),
    });
  }

  private active = 0;
  private idleWaiters: Array<() => void> = [];
  private closing: Promise<void> | null = null;

  /** Requests currently holding this runtime (taken at a request's start, released at its end). */
  get inFlight(): number {
    return this.active;
  }

  retain(): void {
    this.active++;
  }

  release(): void {
    if (this.active > 0 && --this.active === 0) for (const wake of this.idleWaiters.splice(0)) wake();
  }

  /** After a reload: closes the adapters (connection pools) once no request holds this runtime. */
  async closeWhenIdle(): Promise<void> {
    if (this.active > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    await this.close();
  }

  close(): Promise<void> {
    this.closing ??= Promise.allSettled([...this.backends.values()].map((b) => b.adapter?.close())).then(() => undefined);
    return this.closing;
  }
}
