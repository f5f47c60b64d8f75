import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Histogram as SdkHistogram } from '@opentelemetry/api';
import {
  AggregationTemporality,
  DataPointType,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { LocalHistograms, TTFT_BUCKETS } from '@switchyard/kernel';

/** One reader that collects both the SDK's own histogram and the in-process one. */
async function collectBoth(values: number[], attrSets: Array<Record<string, string | number>>) {
  const local = new LocalHistograms('nestjs-otel');
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60_000, metricProducers: [local] });
  const provider = new MeterProvider({ readers: [reader] });
  const options = { description: 'ttft', unit: 's', advice: { explicitBucketBoundaries: TTFT_BUCKETS } };
  const sdk: SdkHistogram = provider.getMeter('nestjs-otel').createHistogram('sdk.ttft', options);
  const mine = local.histogram('local.ttft', options);
  values.forEach((v, i) => {
    const attrs = attrSets[i % attrSets.length]!;
    sdk.record(v, attrs);
    mine.record(v, attrs);
  });
  await reader.forceFlush();
  const metrics = exporter
    .getMetrics()
    .at(-1)!
    .scopeMetrics.flatMap((s) => s.metrics.map((m) => ({ scope: s.scope.name, m })));
  await provider.shutdown();
  const pick = (name: string) => metrics.find((x) => x.m.descriptor.name === name)!;
  return { sdk: pick('sdk.ttft'), local: pick('local.ttft') };
}

describe('LocalHistograms (per-request histograms aggregated in-process, exported as a MetricProducer)', () => {
  it('produce the same data points as the SDK histogram: buckets (upper bound inclusive), sum, count, min, max, per attribute set', async () => {
    const a = { 'gen_ai.request.model': 'a', 'http.response.status_code': 200 };
    const b = { 'gen_ai.request.model': 'b', 'http.response.status_code': 500 };
    const values = [0.001, 0.0049, 0.005, 0.0051, 0.3, 1, 2.5, 299, 300, 301, 1e6, 0];
    const { sdk, local } = await collectBoth(values, [a, b]);
    assert.equal(local.scope, sdk.scope);
    assert.equal(local.m.dataPointType, DataPointType.HISTOGRAM);
    assert.deepEqual(
      { ...local.m.descriptor, name: '' },
      { name: '', description: sdk.m.descriptor.description, unit: sdk.m.descriptor.unit, valueType: sdk.m.descriptor.valueType },
    );
    const points = (m: typeof sdk.m) =>
      m.dataPoints
        .map((p) => ({ attributes: p.attributes, value: p.value }))
        .sort((x, y) => String(x.attributes['gen_ai.request.model']).localeCompare(String(y.attributes['gen_ai.request.model'])));
    assert.deepEqual(points(local.m), points(sdk.m));
  });

  it('ignores values that are not finite numbers and reports nothing before the first record', async () => {
    const h = new LocalHistograms('s').histogram('x', { advice: { explicitBucketBoundaries: [1] } });
    h.record(Number.NaN);
    h.record(Infinity);
    assert.equal(h.collect([0, 0]), null);
  });
});
