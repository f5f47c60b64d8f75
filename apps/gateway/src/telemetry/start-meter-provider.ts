import { metrics } from '@opentelemetry/api';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader, type IMetricReader } from '@opentelemetry/sdk-metrics';
import type { KernelLogger, TelemetryConfig } from '@switchyard/kernel';

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
 * Must run before any instrument is created.
 */
export async function startMeterProvider(config: TelemetryConfig, logger: KernelLogger, env = process.env): Promise<MeterProviderHandle> {
  const readers: IMetricReader[] = [];
  let prometheusUrl: string | null = null;
  if (config.prometheus.enabled) {
    const { host, port, path } = config.prometheus;
    const exporter = await new Promise<PrometheusExporter>((resolve, reject) => {
      const e: PrometheusExporter = new PrometheusExporter({ host, port, endpoint: path }, (err) => (err ? reject(err) : resolve(e)));
    });
    readers.push(exporter);
    prometheusUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}${path}`;
  }
  if (config.otlp.endpoint || otlpConfigured(env)) {
    const url = config.otlp.endpoint ? config.otlp.endpoint.replace(/\/+$/, '') + '/v1/metrics' : undefined;
    readers.push(
      new PeriodicExportingMetricReader({
        exporter: new OTLPMetricExporter(url ? { url } : {}),
        exportIntervalMillis: Math.round(config.otlp.interval_seconds * 1000),
      }),
    );
    logger.info({ endpoint: url ?? env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT ?? env.OTEL_EXPORTER_OTLP_ENDPOINT }, 'OTLP metrics export on');
  }
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': env.OTEL_SERVICE_NAME ?? 'switchyard' }),
    readers,
  });
  metrics.setGlobalMeterProvider(provider);
  return {
    provider,
    prometheusUrl,
    shutdown: () => provider.shutdown(),
  };
}
