import { Inject, Injectable, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { metrics } from '@opentelemetry/api';
import {
  GatewayPipeline,
  JournalModule,
  KERNEL_LOGGER,
  KernelModule,
  ModelCatalogService,
  ObservabilityModule,
  RuntimeHolder,
  type KernelLogger,
} from '@switchyard/kernel';
import { startMeterProvider, type MeterProviderHandle } from '../telemetry/start-meter-provider.js';
import { Switchyard } from './switchyard.js';
import { prepareSwitchyard, toSwitchyardOptions, type PreparedSwitchyard, type SwitchyardOptions } from './switchyard-options.js';

export const SWITCHYARD_TELEMETRY = Symbol.for('switchyard.embedded-telemetry');

/** Starts the `telemetry` exporters and the global MeterProvider when `metrics: true` (before any instrument exists). */
export async function startSwitchyardTelemetry(prepared: PreparedSwitchyard): Promise<MeterProviderHandle | null> {
  return prepared.options.metrics ? startMeterProvider(prepared.kernel.config.telemetry, prepared.kernel.logger) : null;
}

/** Flushes and stops the exporters, and frees the global MeterProvider slot for a later instance. */
export async function stopSwitchyardTelemetry(handle: MeterProviderHandle | null): Promise<void> {
  if (!handle) return;
  await handle.shutdown().catch(() => undefined);
  if (metrics.getMeterProvider() === handle.provider) metrics.disable();
}

/** Shuts down the metrics exporters this module started (after the journal and pools closed). */
@Injectable()
export class SwitchyardTelemetry implements OnApplicationShutdown {
  constructor(@Inject(SWITCHYARD_TELEMETRY) private readonly handle: MeterProviderHandle | null) {}

  /** Where Prometheus scrapes, when `metrics: true` started its exporter. */
  get prometheusUrl(): string | null {
    return this.handle?.prometheusUrl ?? null;
  }

  onApplicationShutdown(): Promise<void> {
    return stopSwitchyardTelemetry(this.handle);
  }
}

/**
 * Switchyard as a module of another Nest application: the kernel (pipeline, router, plugins,
 * model catalog), metrics and the journal, no HTTP. Inject `Switchyard` (the in-process API) or
 * `GatewayPipeline` anywhere in the app (the module is global).
 *
 *   @Module({ imports: [SwitchyardModule.forRoot({ backends: [{ id: 'local', type: 'mock' }] })] })
 *   class AppModule {}
 *
 * One per application. The host's `app.close()` closes the backends and flushes the journal.
 */
@Module({})
export class SwitchyardModule {
  /** Validates the configuration (object or file path, or full SwitchyardOptions) and builds the module. */
  static async forRoot(config: SwitchyardOptions | Record<string, unknown> | string): Promise<DynamicModule> {
    const prepared = await prepareSwitchyard(toSwitchyardOptions(config));
    return SwitchyardModule.fromPrepared(prepared, await startSwitchyardTelemetry(prepared));
  }

  /** The module for an already prepared gateway and its started exporters (createSwitchyard). */
  static fromPrepared(prepared: PreparedSwitchyard, telemetry: MeterProviderHandle | null): DynamicModule {
    return {
      module: SwitchyardModule,
      global: true,
      imports: [KernelModule.forRoot(prepared.kernel), ObservabilityModule, JournalModule],
      providers: [
        { provide: SWITCHYARD_TELEMETRY, useValue: telemetry },
        SwitchyardTelemetry,
        {
          provide: Switchyard,
          useFactory: (pipeline: GatewayPipeline, catalog: ModelCatalogService, holder: RuntimeHolder, logger: KernelLogger) =>
            new Switchyard(pipeline, catalog, holder, logger),
          inject: [GatewayPipeline, ModelCatalogService, RuntimeHolder, KERNEL_LOGGER],
        },
      ],
      exports: [Switchyard, SwitchyardTelemetry],
    };
  }
}
