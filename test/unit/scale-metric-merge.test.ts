/**
 * Issue #18 item 1, metrics: the primary's merge of worker snapshots. Counters and gauges are
 * summed per attribute set, histograms merged bucket by bucket, series only one worker has are
 * kept, and what an exited worker had counted stays in the totals (gauges do not).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AggregationTemporality, DataPointType, type MetricData, type ScopeMetrics } from '@opentelemetry/sdk-metrics';
import { ValueType } from '@opentelemetry/api';

type MergeModule = typeof import('../../apps/gateway/src/cluster/merge-metric-snapshots.js');
const { mergeMetricSnapshots, WorkerMetricsProducer } = (await import(
  new URL('../../../apps/gateway/dist/cluster/merge-metric-snapshots.js', import.meta.url).href
)) as MergeModule;

const T0: [number, number] = [1000, 0];
const T1: [number, number] = [1010, 5];
const scope = { name: 'nestjs-otel' };

function sum(name: string, points: Array<[Record<string, string>, number]>, monotonic = true): MetricData {
  return {
    descriptor: { name, description: '', unit: '', valueType: ValueType.DOUBLE },
    aggregationTemporality: AggregationTemporality.CUMULATIVE,
    dataPointType: DataPointType.SUM,
    isMonotonic: monotonic,
    dataPoints: points.map(([attributes, value]) => ({ attributes, startTime: T0, endTime: T1, value })),
  };
}

function histogram(
  name: string,
  attributes: Record<string, string>,
  counts: number[],
  total: number,
  min: number,
  max: number,
): MetricData {
  return {
    descriptor: { name, description: '', unit: 's', valueType: ValueType.DOUBLE },
    aggregationTemporality: AggregationTemporality.CUMULATIVE,
    dataPointType: DataPointType.HISTOGRAM,
    dataPoints: [
      {
        attributes,
        startTime: T0,
        endTime: T1,
        value: { buckets: { boundaries: [0.1, 1], counts }, sum: total, count: counts.reduce((a, b) => a + b, 0), min, max },
      },
    ],
  };
}

const snapshot = (...metrics: MetricData[]): ScopeMetrics[] => [{ scope, metrics }];
const metric = (merged: ScopeMetrics[], name: string) => merged[0]!.metrics.find((m) => m.descriptor.name === name)!;

test('counters and gauges sum per attribute set (attribute order does not matter); series of one worker are kept', () => {
  const w1 = snapshot(
    sum('switchyard.requests', [
      [{ model: 'a', status: '200' }, 3],
      [{ model: 'b', status: '200' }, 1],
    ]),
    sum('switchyard.requests.active', [[{}, 2]], false),
  );
  const w2 = snapshot(
    sum('switchyard.requests', [
      [{ status: '200', model: 'a' }, 4],
      [{ model: 'c', status: '500' }, 2],
    ]),
    sum('switchyard.requests.active', [[{}, 5]], false),
  );
  const merged = mergeMetricSnapshots([w1, w2]);
  const requests = metric(merged, 'switchyard.requests').dataPoints.map((p) => [p.attributes.model, p.value]);
  assert.deepEqual(requests, [
    ['a', 7],
    ['b', 1],
    ['c', 2],
  ]);
  assert.equal(metric(merged, 'switchyard.requests.active').dataPoints[0]!.value, 7);
  // The inputs are not modified.
  assert.equal(w1[0]!.metrics[0]!.dataPoints[0]!.value, 3);
});

test('histograms merge bucket by bucket: counts, sum, count, min and max', () => {
  const merged = mergeMetricSnapshots([
    snapshot(histogram('gen_ai.server.request.duration', { m: 'a' }, [1, 2, 0], 1.5, 0.05, 0.9)),
    snapshot(histogram('gen_ai.server.request.duration', { m: 'a' }, [0, 1, 3], 9.2, 0.2, 4)),
  ]);
  const v = metric(merged, 'gen_ai.server.request.duration').dataPoints[0]!.value as {
    buckets: { counts: number[] };
    sum: number;
    count: number;
    min: number;
    max: number;
  };
  assert.deepEqual(v.buckets.counts, [1, 3, 3]);
  assert.equal(v.count, 7);
  assert.ok(Math.abs(v.sum - 10.7) < 1e-9);
  assert.equal(v.min, 0.05);
  assert.equal(v.max, 4);
});

test('a worker that exited: its counters and histograms stay in the totals, its gauges do not', async () => {
  let live: ScopeMetrics[][] = [
    snapshot(sum('switchyard.requests', [[{ m: 'a' }, 1]]), sum('switchyard.requests.active', [[{}, 1]], false)),
  ];
  const producer = new WorkerMetricsProducer(() => Promise.resolve(live));
  producer.retire(
    snapshot(
      sum('switchyard.requests', [[{ m: 'a' }, 10]]),
      sum('switchyard.requests.active', [[{}, 3]], false),
      histogram('h', {}, [1, 0, 0], 0.05, 0.05, 0.05),
    ),
  );
  const { resourceMetrics } = await producer.collect();
  const merged = resourceMetrics.scopeMetrics;
  assert.equal(metric(merged, 'switchyard.requests').dataPoints[0]!.value, 11);
  assert.equal(metric(merged, 'switchyard.requests.active').dataPoints[0]!.value, 1);
  assert.equal((metric(merged, 'h').dataPoints[0]!.value as { count: number }).count, 1);
  live = [];
  const later = (await producer.collect()).resourceMetrics.scopeMetrics;
  assert.equal(metric(later, 'switchyard.requests').dataPoints[0]!.value, 10);
});
