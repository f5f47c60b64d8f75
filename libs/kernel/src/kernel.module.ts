import { Inject, Injectable, Module, type DynamicModule, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { SwitchyardConfig } from './config/schema/switchyard-config.js';
import { BackendMonitor } from './health/backend-monitor.js';
import type { JournalLineSink } from './journal/journal-observer.js';
import type { KernelLogger } from '@switchyard/plugin-sdk';
import { ModelCatalog } from './models/model-catalog.js';
import { PluginRegistry } from './plugin/plugin-registry.js';
import { GatewayPipeline, type RuntimeSource } from './pipeline/gateway-pipeline.js';
import { GatewayRuntime } from './pipeline/gateway-runtime.js';

export const KERNEL_OPTIONS = Symbol.for('switchyard.kernel-options');
export const KERNEL_LOGGER = Symbol.for('switchyard.kernel-logger');

export interface KernelOptions {
  config: SwitchyardConfig;
  registry: PluginRegistry;
  logger: KernelLogger;
  singleBackend?: boolean;
  secrets?: readonly string[];
  /** Start background model-list refreshes and backend probes (default true). */
  refreshModels?: boolean;
  /**
   * With the journal on, where its lines go instead of a file this process opens (a worker of a
   * multi-worker gateway sends them to its primary, which writes the one file).
   */
  journalSink?: JournalLineSink;
}

export type RuntimeSwapListener = (next: GatewayRuntime, previous: GatewayRuntime) => void;

/** Holds the current runtime; a reload swaps it atomically and closes the old one when idle. */
@Injectable()
export class RuntimeHolder implements RuntimeSource, OnApplicationShutdown {
  private runtime: GatewayRuntime;
  private readonly listeners: RuntimeSwapListener[] = [];
  /** Swapped-out runtimes whose requests have not all finished yet. */
  private readonly retired = new Set<GatewayRuntime>();

  constructor(@Inject(KERNEL_OPTIONS) options: KernelOptions) {
    this.runtime = new GatewayRuntime(options);
  }

  current(): GatewayRuntime {
    return this.runtime;
  }

  /** Called (synchronously, in registration order) right after every swap. */
  onSwap(listener: RuntimeSwapListener): void {
    this.listeners.push(listener);
  }

  /**
   * Makes `next` the runtime new requests take; requests in flight keep the one they started
   * with, whose adapters (connection pools) close once the last of them has ended.
   */
  swap(next: GatewayRuntime): GatewayRuntime {
    const previous = this.runtime;
    if (next === previous) return previous;
    this.runtime = next;
    for (const listener of this.listeners) listener(next, previous);
    this.retired.add(previous);
    void previous.closeWhenIdle().finally(() => this.retired.delete(previous));
    return previous;
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([this.runtime.close(), ...[...this.retired].map((r) => r.close())]);
  }
}

/**
 * The model catalog of the current runtime. Listings come from BackendMonitorService (one
 * background loop per backend); after a reload the new runtime's model_not_found messages name
 * the catalog's models too.
 */
@Injectable()
export class ModelCatalogService extends ModelCatalog implements OnApplicationShutdown {
  constructor(
    @Inject(RuntimeHolder) holder: RuntimeHolder,
    @Inject(KERNEL_LOGGER) logger: KernelLogger,
    @Inject(KERNEL_OPTIONS) options: KernelOptions,
  ) {
    super(() => holder.current(), logger, options.config.server.models_refresh_seconds * 1000);
    const knownModels = (): readonly string[] => this.reportedNames();
    holder.current().knownModels = knownModels;
    holder.onSwap((next) => {
      next.knownModels = knownModels;
      this.retainOnly(new Set(next.backends.keys()));
    });
  }

  onApplicationShutdown(): void {
    this.stop();
  }
}

/** The background backend checks (probes and model listings) of the current runtime; see BackendMonitor. */
@Injectable()
export class BackendMonitorService extends BackendMonitor implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(RuntimeHolder) holder: RuntimeHolder,
    @Inject(KERNEL_LOGGER) logger: KernelLogger,
    @Inject(KERNEL_OPTIONS) private readonly kernelOptions: KernelOptions,
    @Inject(ModelCatalogService) catalog: ModelCatalogService,
  ) {
    super({ runtime: () => holder.current(), logger, onListing: (id, models, err) => catalog.recordListing(id, models, err) });
    holder.onSwap(() => this.sync());
  }

  onApplicationBootstrap(): void {
    if (this.kernelOptions.refreshModels !== false) this.start();
  }

  onApplicationShutdown(): void {
    this.stop();
  }
}

/**
 * The kernel as a Nest module: runtime, pipeline, plugin registry and model catalog. The
 * gateway app imports it; another Nest app can too.
 */
@Module({})
export class KernelModule {
  static forRoot(options: KernelOptions): DynamicModule {
    return {
      module: KernelModule,
      global: true,
      providers: [
        { provide: KERNEL_OPTIONS, useValue: options },
        { provide: KERNEL_LOGGER, useValue: options.logger },
        { provide: PluginRegistry, useValue: options.registry },
        RuntimeHolder,
        ModelCatalogService,
        BackendMonitorService,
        {
          provide: GatewayPipeline,
          useFactory: (holder: RuntimeHolder, logger: KernelLogger, monitor: BackendMonitorService) => {
            const pipeline = new GatewayPipeline(holder, logger);
            pipeline.useHealth((id) => monitor.get(id)?.status === 'down');
            return pipeline;
          },
          inject: [RuntimeHolder, KERNEL_LOGGER, BackendMonitorService],
        },
      ],
      exports: [KERNEL_OPTIONS, KERNEL_LOGGER, PluginRegistry, RuntimeHolder, ModelCatalogService, BackendMonitorService, GatewayPipeline],
    };
  }
}
