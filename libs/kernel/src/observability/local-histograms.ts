import { ValueType, type Attributes, type HrTime, type MeterProvider, type MetricOptions } from '@opentelemetry/api';
import {
  AggregationTemporality,
  DataPointType,
  type CollectionResult,
  type HistogramMetricData,
  type MetricProducer,
} from '@opentelemetry/sdk-metrics';

/** What records into a histogram: an OpenTelemetry Histogram or a LocalHistogram. */
export interface HistogramRecorder {
  record(value: number, attributes?: Attributes): void;
}

interface Series {
  attributes: Attributes;
  counts: number[];
  sum: number;
  count: number;
  min: number;
  max: number;
  startTime: HrTime;
}

function hrNow(): HrTime {
  const ms = Date.now();
  return [Math.floor(ms / 1000), (ms % 1000) * 1e6];
}

/**
 * An explicit-bucket histogram aggregated in-process (OpenTelemetry's semantics: a value goes in
 * the first bucket whose upper bound is ≥ it; cumulative). Series are keyed by the identity of
 * the attribute object, so callers pass one object per attribute set (MetricsObserver does):
 * a record is a map lookup and a bucket search, where the SDK's Histogram sorts and serialises
 * the attributes on every call.
 */
export class LocalHistogram implements HistogramRecorder {
  private readonly series = new Map<Attributes, Series>();

  constructor(
    readonly name: string,
    private readonly options: MetricOptions,
    private readonly boundaries: readonly number[],
  ) {}

  record(value: number, attributes: Attributes = {}): void {
    if (!Number.isFinite(value)) return;
    let s = this.series.get(attributes);
    if (!s) {
      s = {
        attributes,
        counts: new Array<number>(this.boundaries.length + 1).fill(0),
        sum: 0,
        count: 0,
        min: Infinity,
        max: -Infinity,
        startTime: hrNow(),
      };
      this.series.set(attributes, s);
    }
    const b = this.boundaries;
    let i = 0;
    while (i < b.length && value > b[i]!) i++;
    s.counts[i]!++;
    s.sum += value;
    s.count++;
    if (value < s.min) s.min = value;
    if (value > s.max) s.max = value;
  }

  /** The cumulative data points as of now. */
  collect(endTime: HrTime): HistogramMetricData | null {
    if (this.series.size === 0) return null;
    return {
      descriptor: {
        name: this.name,
        description: this.options.description ?? '',
        unit: this.options.unit ?? '',
        valueType: ValueType.DOUBLE,
      },
      aggregationTemporality: AggregationTemporality.CUMULATIVE,
      dataPointType: DataPointType.HISTOGRAM,
      dataPoints: [...this.series.values()].map((s) => ({
        attributes: s.attributes,
        startTime: s.startTime,
        endTime,
        value: {
          buckets: { boundaries: [...this.boundaries], counts: [...s.counts] },
          sum: s.sum,
          count: s.count,
          min: s.min,
          max: s.max,
        },
      })),
    };
  }
}

/**
 * The gateway's per-request histograms, aggregated in-process and handed to the SDK's readers as
 * a MetricProducer at collection time (`MetricReader` option `metricProducers`). Their series look
 * exactly like the SDK's own (same names, units, bucket bounds, and instrumentation scope as
 * nestjs-otel's meter), so exporters and dashboards cannot tell the difference.
 */
export class LocalHistograms implements MetricProducer {
  private readonly histograms: LocalHistogram[] = [];

  constructor(private readonly scopeName: string) {}

  histogram(name: string, options: MetricOptions = {}): LocalHistogram {
    const existing = this.histograms.find((h) => h.name === name);
    if (existing) return existing;
    const h = new LocalHistogram(name, options, options.advice?.explicitBucketBoundaries ?? []);
    this.histograms.push(h);
    return h;
  }

  collect(): Promise<CollectionResult> {
    const now = hrNow();
    const metrics = this.histograms.map((h) => h.collect(now)).filter((m): m is HistogramMetricData => m !== null);
    return Promise.resolve({
      resourceMetrics: { resource: undefined as never, scopeMetrics: metrics.length ? [{ scope: { name: this.scopeName }, metrics }] : [] },
      errors: [],
    });
  }
}

const attached = new WeakMap<MeterProvider, LocalHistograms>();

/** Records that `provider`'s readers export `histograms` (set up by whoever built the provider). */
export function attachLocalHistograms(provider: MeterProvider, histograms: LocalHistograms): void {
  attached.set(provider, histograms);
}

/** The in-process histograms the given provider's readers export, if it has any. */
export function localHistogramsOf(provider: MeterProvider): LocalHistograms | undefined {
  return attached.get(provider);
}
