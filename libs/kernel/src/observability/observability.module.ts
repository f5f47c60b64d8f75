import { Inject, Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { metrics } from '@opentelemetry/api';
// Its own module, not the package's index: that loads host metrics (systeminformation), tracing and
// wide events, none of which the gateway uses (issue #19: idle memory).
import { MetricService } from 'nestjs-otel/lib/metrics/metric.service.js';
import { localHistogramsOf } from './local-histograms.js';
import { BackendMonitorService, ModelCatalogService } from '../kernel.module.js';
import { PluginRegistry } from '../plugin/plugin-registry.js';
import { GatewayPipeline } from '../pipeline/gateway-pipeline.js';
import { GatewayMetrics } from './gateway-metrics.js';
import { MetricsObserver } from './metrics-observer.js';

/** Creates the instruments through nestjs-otel and puts the metrics observer on the pipeline. */
@Injectable()
export class MetricsRecorder implements OnModuleInit {
  readonly metrics: GatewayMetrics;

  constructor(
    @Inject(MetricService) metricService: MetricService,
    @Inject(GatewayPipeline) private readonly pipeline: GatewayPipeline,
    @Inject(ModelCatalogService) private readonly catalog: ModelCatalogService,
    @Inject(PluginRegistry) private readonly registry: PluginRegistry,
    @Inject(BackendMonitorService) private readonly monitor: BackendMonitorService,
  ) {
    // The gateway's own meter provider exports per-request histograms aggregated in-process.
    this.metrics = new GatewayMetrics(metricService, localHistogramsOf(metrics.getMeterProvider()));
  }

  onModuleInit(): void {
    const registry = this.registry;
    this.metrics.backendUp.addCallback((result) => {
      for (const [id, health] of this.monitor.all()) {
        if (health.status !== 'unknown') result.observe(health.status === 'up' ? 1 : 0, { 'switchyard.backend': id });
      }
    });
    this.pipeline.addObserver(
      new MetricsObserver(
        this.metrics,
        (name) => this.catalog.has(name),
        (type) => registry.get(type)?.providerName ?? type,
      ),
    );
  }
}

/**
 * Metrics for every exchange (SPEC §4). Instruments come from the global OpenTelemetry meter
 * provider, which the host sets up (the gateway app: Prometheus exporter and OTLP), through
 * nestjs-otel's MetricService. Its OpenTelemetryModule is not imported: that module also puts a
 * "wide event" middleware on every route (and with it Nest's middleware engine on every request),
 * which the gateway does not use.
 */
@Module({
  providers: [MetricService, MetricsRecorder],
  exports: [MetricService, MetricsRecorder],
})
export class ObservabilityModule {}
