import { metrics } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { attachLocalHistograms, LocalHistograms } from '@switchyard/kernel';
import type { MetricSnapshot } from './merge-metric-snapshots.js';

/** nestjs-otel's meter name: the per-request histograms share its instrumentation scope. */
const NESTJS_OTEL_METER = 'nestjs-otel';

/** A reader that exports nothing by itself: the primary pulls its snapshots over IPC. */
class SnapshotReader extends MetricReader {
  protected onForceFlush(): Promise<void> {
    return Promise.resolve();
  }

  protected onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

export interface WorkerMeterProvider {
  /** The worker's metrics as of now, for the primary to merge. */
  snapshot(): Promise<MetricSnapshot>;
  shutdown(): Promise<void>;
}

/**
 * A worker's global meter provider: the same instruments and in-process histograms as a
 * single-process gateway, but no Prometheus port and no OTLP push of its own; the primary
 * serves and pushes the merge of every worker's snapshot (merge-metric-snapshots.ts).
 */
export function startWorkerMeterProvider(env = process.env): WorkerMeterProvider {
  const local = new LocalHistograms(NESTJS_OTEL_METER);
  const reader = new SnapshotReader({ metricProducers: [local] });
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': env.OTEL_SERVICE_NAME ?? 'switchyard' }),
    readers: [reader],
  });
  attachLocalHistograms(provider, local);
  metrics.setGlobalMeterProvider(provider);
  return {
    async snapshot() {
      const { resourceMetrics } = await reader.collect();
      return JSON.parse(JSON.stringify(resourceMetrics.scopeMetrics)) as MetricSnapshot;
    },
    shutdown: () => provider.shutdown(),
  };
}
