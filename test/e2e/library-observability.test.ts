/**
 * Metrics and the request journal apply in-process as over HTTP: with `metrics: true` the
 * `telemetry` section's Prometheus exporter serves the same series (labels from the virtual
 * model, the backend, the provider), and `journal.enabled` writes one line per call, flushed by
 * close(). Own file: the global OpenTelemetry MeterProvider is per process.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { metrics } from '@opentelemetry/api';
import { createSwitchyard, SwitchyardError } from '@switchyard/gateway';
import { scrapeMetrics } from '../helpers/prometheus-text.js';
import { freePort } from '../helpers/start-gateway.js';

describe('in-process metrics and journal', () => {
  const tmp = mkdtempSync(path.join(tmpdir(), 'switchyard-embedded-obs-'));
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('counts, times and journals every call; close() flushes and frees the global MeterProvider', async () => {
    const port = await freePort();
    const journal = path.join(tmp, 'requests.jsonl');
    const sy = await createSwitchyard({
      logger: false,
      metrics: true,
      config: {
        telemetry: { prometheus: { enabled: true, host: '127.0.0.1', port } },
        journal: { enabled: true, path: journal },
        backends: [{ id: 'local', type: 'mock', output_tokens: 4, models: ['mock'] }],
        routes: [{ virtual_model: 'assistant', backend: 'local', real_model: 'mock', defaults: { temperature: 0.3 } }],
      },
    });
    assert.equal(sy.metricsUrl, `http://127.0.0.1:${port}/metrics`);

    await sy.chat.completions.create(
      { model: 'assistant', messages: [{ role: 'user', content: 'one' }] },
      { requestId: 'obs-1', clientKeyId: 'agent-a' },
    );
    const stream = await sy.messages.create(
      { model: 'assistant', max_tokens: 20, stream: true, messages: [{ role: 'user', content: 'two' }] },
      { requestId: 'obs-2' },
    );
    for await (const _event of stream);
    await sy.chat.completions
      .create({ model: 'unknown', messages: [{ role: 'user', content: 'three' }] }, { requestId: 'obs-3' })
      .catch((e: SwitchyardError) => {
        assert.equal(e.status, 404);
      });

    const scrape = await scrapeMetrics(`http://127.0.0.1:${port}`);
    const total = (labels: Record<string, string>) => scrape.find('switchyard_requests_total', labels).reduce((n, s) => n + s.value, 0);
    assert.equal(total({ gen_ai_request_model: 'assistant', switchyard_backend: 'local', gen_ai_provider_name: 'switchyard.mock' }), 2);
    assert.equal(total({ gen_ai_operation_name: 'chat', gen_ai_request_model: 'assistant' }), 2);
    assert.ok(scrape.find('gen_ai_server_time_to_first_token_count', { gen_ai_request_model: 'assistant' }).length > 0);
    const outputTokens = scrape
      .find('gen_ai_client_token_usage_sum', { gen_ai_request_model: 'assistant', gen_ai_token_type: 'output' })
      .reduce((n, s) => n + s.value, 0);
    assert.equal(outputTokens, 8);

    await sy.close();
    // The exporter is stopped and the global slot is free for a later instance.
    await assert.rejects(fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(2000) }));
    assert.equal(metrics.getMeterProvider().constructor.name, 'NoopMeterProvider');

    const lines = readFileSync(journal, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const byId = new Map(lines.map((l) => [l.request_id, l]));
    const first = byId.get('obs-1')!;
    assert.equal(first.ingress, 'openai.chat');
    assert.equal(first.virtual_model, 'assistant');
    assert.equal(first.backend, 'local');
    assert.equal(first.real_model, 'mock');
    assert.equal(first.status, 200);
    assert.equal(first.client_key_id, 'agent-a');
    assert.equal(first.output_tokens, 4);
    assert.deepEqual(first.profile, { defaults: ['temperature'] });
    assert.ok((first.bytes_in as number) > 0);
    const second = byId.get('obs-2')!;
    assert.equal(second.ingress, 'anthropic.messages');
    assert.equal(second.stream, true);
    assert.equal(second.status, 200);
    assert.equal(byId.get('obs-3')!.status, 404);
  });
});
