import { Inject, Injectable, Module, type DynamicModule, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { SwitchyardConfig } from './config/schema/switchyard-config.js';
import type { KernelLogger } from './logger.js';
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
  /** Start background model-list refreshes (default true). */
  refreshModels?: boolean;
}

/** Holds the current runtime; a reload swaps it atomically and closes the old one when idle. */
@Injectable()
export class RuntimeHolder implements RuntimeSource, OnApplicationShutdown {
  private runtime: GatewayRuntime;

  constructor(@Inject(KERNEL_OPTIONS) options: KernelOptions) {
    this.runtime = new GatewayRuntime(options);
  }

  current(): GatewayRuntime {
    return this.runtime;
  }

  swap(next: GatewayRuntime): GatewayRuntime {
    const previous = this.runtime;
    this.runtime = next;
    return previous;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runtime.close();
  }
}

@Injectable()
export class ModelCatalogService extends ModelCatalog implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    private readonly holder: RuntimeHolder,
    @Inject(KERNEL_LOGGER) logger: KernelLogger,
    @Inject(KERNEL_OPTIONS) private readonly options: KernelOptions,
  ) {
    super(() => holder.current(), logger, options.config.server.models_refresh_seconds * 1000);
  }

  onApplicationBootstrap(): void {
    this.holder.current().knownModels = () => this.reportedNames();
    if (this.options.refreshModels !== false) this.start();
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
        {
          provide: GatewayPipeline,
          useFactory: (holder: RuntimeHolder, logger: KernelLogger) => new GatewayPipeline(holder, logger),
          inject: [RuntimeHolder, KERNEL_LOGGER],
        },
      ],
      exports: [KERNEL_OPTIONS, KERNEL_LOGGER, PluginRegistry, RuntimeHolder, ModelCatalogService, GatewayPipeline],
    };
  }
}
