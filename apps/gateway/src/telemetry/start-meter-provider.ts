import { metrics } from '@opentelemetry/api';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader, type IMetricReader, type MetricProducer } from '@opentelemetry/sdk-metrics';
import { attachLocalHistograms, LocalHistograms, type KernelLogger, type TelemetryConfig } from '@switchyard/kernel';

/** nestjs-otel's meter name: the per-request histograms share its instrumentation scope. */
const NESTJS_OTEL_METER = 'nestjs-otel';

export interface MeterProviderHandle {
  provider: MeterProvider;
  /** Where Prometheus scrapes, when enabled. */
  prometheusUrl: string | null;
  shutdown(): Promise<void>;
}

function otlpConfigured(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT) && env.OTEL_METRICS_EXPORTER !== 'none';
}

/**
 * The global OpenTelemetry meter provider: a Prometheus exporter on its own port (SPEC §4) and,
 * when `telemetry.otlp.endpoint` or the standard OTEL_EXPORTER_OTLP_* variables are set, OTLP push.
 * Must run before any instrument is created. `producers`: more metrics every reader collects
 * (the primary of a multi-worker gateway: the merge of its workers').
 */
export async function startMeterProvider(
  config: TelemetryConfig,
  logger: KernelLogger,
  env = process.env,
  producers: MetricProducer[] = [],
): Promise<MeterProviderHandle> {
  // Per-request histograms are aggregated in-process and collected by every reader (local-histograms.ts).
  const local = new LocalHistograms(NESTJS_OTEL_METER);
  const readers: IMetricReader[] = [];
  let prometheusUrl: string | null = null;
  if (config.prometheus.enabled) {
    const { host, port, path } = config.prometheus;
    const exporter = await new Promise<PrometheusExporter>((resolve, reject) => {
      const e: PrometheusExporter = new PrometheusExporter({ host, port, endpoint: path, metricProducers: [local, ...producers] }, (err) =>
        err ? reject(err) : resolve(e),
      );
    });
    readers.push(exporter);
    prometheusUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}${path}`;
  }
  if (config.otlp.endpoint || otlpConfigured(env)) {
    const url = config.otlp.endpoint ? config.otlp.endpoint.replace(/\/+$/, '') + '/v1/metrics' : undefined;
    // Loaded only when OTLP is on: the exporter and its protobuf transformer are ~100 modules (issue #19: idle memory).
    const { OTLPMetricExporter } = await import('@opentelemetry/exporter-metrics-otlp-http');
    readers.push(
      new PeriodicExportingMetricReader({
        exporter: new OTLPMetricExporter(url ? { url } : {}),
        exportIntervalMillis: Math.round(config.otlp.interval_seconds * 1000),
        metricProducers: [local, ...producers],
      }),
    );
    logger.info({ endpoint: url ?? env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT ?? env.OTEL_EXPORTER_OTLP_ENDPOINT }, 'OTLP metrics export on');
  }
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': env.OTEL_SERVICE_NAME ?? 'switchyard' }),
    readers,
  });
  attachLocalHistograms(provider, local);
  metrics.setGlobalMeterProvider(provider);
  return {
    provider,
    prometheusUrl,
    shutdown: () => provider.shutdown(),
  };
}
