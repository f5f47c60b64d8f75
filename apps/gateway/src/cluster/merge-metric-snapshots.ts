import type { Attributes, HrTime } from '@opentelemetry/api';
import {
  AggregationTemporality,
  DataPointType,
  type CollectionResult,
  type Histogram,
  type MetricData,
  type MetricProducer,
  type ScopeMetrics,
} from '@opentelemetry/sdk-metrics';

/** A worker's metrics as sent over IPC: its scopes, each with its metrics (plain JSON). */
export type MetricSnapshot = ScopeMetrics[];

const attributesKey = (a: Attributes): string =>
  JSON.stringify(
    Object.keys(a)
      .sort()
      .map((k) => [k, a[k]]),
  );

const earlier = (a: HrTime, b: HrTime): HrTime => (a[0] < b[0] || (a[0] === b[0] && a[1] <= b[1]) ? a : b);
const later = (a: HrTime, b: HrTime): HrTime => (earlier(a, b) === a ? b : a);

function addHistogram(into: Histogram, from: Histogram): Histogram {
  const same =
    into.buckets.boundaries.length === from.buckets.boundaries.length &&
    into.buckets.boundaries.every((b, i) => b === from.buckets.boundaries[i]);
  if (!same) return into; // never happens: every worker runs the same build
  return {
    buckets: { boundaries: into.buckets.boundaries, counts: into.buckets.counts.map((c, i) => c + (from.buckets.counts[i] ?? 0)) },
    sum: (into.sum ?? 0) + (from.sum ?? 0),
    count: into.count + from.count,
    min: Math.min(into.min ?? Infinity, from.min ?? Infinity),
    max: Math.max(into.max ?? -Infinity, from.max ?? -Infinity),
  };
}

function copyHistogram(h: Histogram): Histogram {
  return { ...h, buckets: { boundaries: [...h.buckets.boundaries], counts: [...h.buckets.counts] } };
}

/**
 * Merges workers' metric snapshots into one gateway's (issue #18): the series of a metric are
 * matched by their attributes; counters and gauges are summed (a request is counted by the
 * worker that served it, once; `switchyard_requests_active` is the machine's total), histograms
 * are merged bucket by bucket (counts, sum, count, min, max). Worker identity is not an attribute,
 * so there are no per-worker series.
 */
export function mergeMetricSnapshots(snapshots: readonly MetricSnapshot[]): ScopeMetrics[] {
  const scopes = new Map<string, { scope: ScopeMetrics['scope']; metrics: Map<string, MetricData> }>();
  for (const snapshot of snapshots) {
    for (const sm of snapshot) {
      const scopeKey = `${sm.scope.name}\u0000${sm.scope.version ?? ''}`;
      let scope = scopes.get(scopeKey);
      if (!scope) scopes.set(scopeKey, (scope = { scope: sm.scope, metrics: new Map() }));
      for (const metric of sm.metrics) {
        const existing = scope.metrics.get(metric.descriptor.name);
        if (!existing) {
          scope.metrics.set(metric.descriptor.name, cloneMetric(metric));
          continue;
        }
        mergeInto(existing, metric);
      }
    }
  }
  return [...scopes.values()].map((s) => ({ scope: s.scope, metrics: [...s.metrics.values()] }));
}

function cloneMetric(metric: MetricData): MetricData {
  return {
    ...metric,
    dataPoints: metric.dataPoints.map((p) => ({
      ...p,
      value: metric.dataPointType === DataPointType.HISTOGRAM ? copyHistogram(p.value as Histogram) : p.value,
    })),
  } as MetricData;
}

function mergeInto(into: MetricData, from: MetricData): void {
  if (into.dataPointType !== from.dataPointType) return;
  const points = into.dataPoints as Array<{ attributes: Attributes; startTime: HrTime; endTime: HrTime; value: unknown }>;
  const byKey = new Map(points.map((p) => [attributesKey(p.attributes), p]));
  for (const p of from.dataPoints as Array<{ attributes: Attributes; startTime: HrTime; endTime: HrTime; value: unknown }>) {
    const mine = byKey.get(attributesKey(p.attributes));
    if (!mine) {
      const copy = { ...p, value: into.dataPointType === DataPointType.HISTOGRAM ? copyHistogram(p.value as Histogram) : p.value };
      points.push(copy);
      byKey.set(attributesKey(p.attributes), copy);
      continue;
    }
    mine.startTime = earlier(mine.startTime, p.startTime);
    mine.endTime = later(mine.endTime, p.endTime);
    if (into.dataPointType === DataPointType.HISTOGRAM) mine.value = addHistogram(mine.value as Histogram, p.value as Histogram);
    else if (typeof mine.value === 'number' && typeof p.value === 'number') mine.value = mine.value + p.value;
  }
}

/** Cumulative monotonic series only (counters, histograms): what a worker that exited had counted. */
export function retainedPart(snapshot: MetricSnapshot): MetricSnapshot {
  return snapshot
    .map((sm) => ({
      scope: sm.scope,
      metrics: sm.metrics.filter(
        (m) =>
          m.aggregationTemporality === AggregationTemporality.CUMULATIVE &&
          (m.dataPointType === DataPointType.HISTOGRAM || (m.dataPointType === DataPointType.SUM && m.isMonotonic)),
      ),
    }))
    .filter((sm) => sm.metrics.length > 0);
}

/**
 * The primary's MetricProducer: at every collection (a Prometheus scrape, an OTLP push) it asks
 * each live worker for a snapshot and merges them, plus what workers that have exited had counted
 * (so a restart never makes a counter go backwards).
 */
export class WorkerMetricsProducer implements MetricProducer {
  private retired: MetricSnapshot = [];

  constructor(private readonly collectWorkers: () => Promise<MetricSnapshot[]>) {}

  /** A worker exited; `last` is its last snapshot. */
  retire(last: MetricSnapshot | undefined): void {
    if (last) this.retired = mergeMetricSnapshots([this.retired, retainedPart(last)]);
  }

  async collect(): Promise<CollectionResult> {
    const snapshots = await this.collectWorkers();
    return {
      resourceMetrics: { resource: undefined as never, scopeMetrics: mergeMetricSnapshots([this.retired, ...snapshots]) },
      errors: [],
    };
  }
}
