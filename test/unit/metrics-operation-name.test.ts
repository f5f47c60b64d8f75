/**
 * gen_ai.operation.name is the client protocol's codec's (ProtocolCodec.operationName): the pipeline copies it
 * onto the exchange, the metrics observer records it, and a protocol whose codec names none gets `_OTHER`.
 */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { MeterProvider, MetricReader, type MetricData } from '@opentelemetry/sdk-metrics';
import {
  buildConfig,
  Exchange,
  GatewayMetrics,
  GatewayPipeline,
  GatewayRuntime,
  MetricsObserver,
  OTHER_OPERATION,
  PluginRegistry,
  silentLogger,
  type ProtocolCodec,
  type ProviderPlugin,
} from '@switchyard/kernel';

class TestReader extends MetricReader {
  protected onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** A MetricsObserver on its own meter, and the gen_ai.operation.name of every switchyard.requests series it counted. */
function observed() {
  const reader = new TestReader();
  const meter = new MeterProvider({ readers: [reader] }).getMeter('test');
  const metrics = new GatewayMetrics({
    getCounter: (name, o) => meter.createCounter(name, o),
    getHistogram: (name, o) => meter.createHistogram(name, o),
    getObservableGauge: (name, o) => meter.createObservableGauge(name, o),
    getObservableCounter: (name, o) => meter.createObservableCounter(name, o),
    getObservableUpDownCounter: (name, o) => meter.createObservableUpDownCounter(name, o),
  });
  const observer = new MetricsObserver(
    metrics,
    () => true,
    (type) => type,
  );
  const operations = async (): Promise<unknown[]> => {
    const { resourceMetrics } = await reader.collect();
    const all: MetricData[] = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics);
    const requests = all.find((m) => m.descriptor.name === 'switchyard.requests');
    return (requests?.dataPoints ?? []).map((p) => p.attributes['gen_ai.operation.name']);
  };
  return { observer, operations };
}

/** One chat request through the pipeline, with `codec` as the openai.chat codec (or none). */
async function throughPipeline(codec: ProtocolCodec | null): Promise<Exchange> {
  const plugin: ProviderPlugin = {
    type: 'scripted',
    nativeProtocols: ['openai.chat'],
    createAdapter: (config) => ({
      backendId: config.id,
      wireProtocolFor: () => 'openai.chat',
      send: async () => ({ status: 200, headers: { 'content-type': 'application/json' }, body: Readable.from([Buffer.from('{}')]) }),
      close: async () => undefined,
    }),
  };
  const registry = new PluginRegistry().register(plugin);
  if (codec) registry.registerCodec(codec);
  const { config } = await buildConfig(parse('backends: [{ id: s, type: scripted }]'), {
    source: 't.yaml',
    baseDir: '.',
    env: {},
    registry,
  });
  const runtime = new GatewayRuntime({ config, registry, logger: silentLogger(), singleBackend: true });
  let exchange: Exchange | null = null;
  const pipeline = new GatewayPipeline({ current: () => runtime }, silentLogger());
  pipeline.addObserver({ observe: (x) => (exchange = x) });
  const reply = await pipeline.handle({
    protocol: 'openai.chat',
    body: { model: 'm', messages: [] },
    headers: {},
    requestId: 'r',
    signal: new AbortController().signal,
  });
  if (!Buffer.isBuffer(reply.body)) for await (const _ of reply.body) void _;
  return exchange!;
}

describe("gen_ai.operation.name comes from the client protocol's codec", () => {
  it("the pipeline puts the codec's operationName on the exchange; a codec without one (or no codec) leaves it null", async () => {
    assert.equal((await throughPipeline({ protocol: 'openai.chat', operationName: 'generate_content' })).operationName, 'generate_content');
    assert.equal((await throughPipeline({ protocol: 'openai.chat' })).operationName, null);
    assert.equal((await throughPipeline(null)).operationName, null);
  });

  it('metrics record the named operation, and _OTHER for an exchange whose codec names none', async () => {
    const { observer, operations } = observed();
    const named = new Exchange('a', 'openai.chat', false, 'm', 0, null);
    named.operationName = 'text_completion';
    const unnamed = new Exchange('b', 'openai.chat', false, 'm', 0, null);
    observer.observe(named);
    observer.observe(unnamed);
    named.end(200, null, 0);
    unnamed.end(200, null, 0);
    await Promise.all([named.measurement, unnamed.measurement]);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(OTHER_OPERATION, '_OTHER');
    assert.deepEqual((await operations()).sort(), ['_OTHER', 'text_completion']);
  });
});
