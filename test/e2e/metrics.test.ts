/**
 * SPEC §4: the Prometheus series as scraped from the metrics port. Traffic goes through the
 * built-in mock backend and through a fake OpenAI-compatible upstream (backend type openai)
 * replaying recorded fixtures; the test then scrapes the metrics port and checks the exact series
 * names (PINNED_SERIES in test/helpers/metric-series.ts is the contract the README's metrics reference and the shipped
 * Grafana dashboard rely on), label sets and counts, plus the `stream_options.include_usage`
 * handling that lets the gateway count tokens for clients that did not ask for usage.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { DURATION_BUCKETS, GatewayMetrics, TTFT_BUCKETS, type InstrumentFactory } from '@switchyard/kernel';
import { byRequestId, post, receivedWithId, rid, waitFor } from '../helpers/e2e.js';
import {
  destroyMidStream,
  fixtureEvents,
  frameSse,
  json,
  openAiCompatible,
  readFixtureJson,
  readFixtureLines,
  replayFixture,
  sse,
  startFakeUpstream,
  type FakeUpstream,
} from '../helpers/fake-upstream.js';
import { NOT_PRODUCED_BY_TRAFFIC, PINNED_FAMILIES, PINNED_SERIES } from '../helpers/metric-series.js';
import { scrapeMetrics, withoutScope, type Scrape } from '../helpers/prometheus-text.js';
import { parseSse, sseJson } from '../helpers/sse.js';
import { freePort, startGateway, type RunningGateway } from '../helpers/start-gateway.js';

const TEXT = 'openai-chat/openai-text';
const TEXT_MODEL = 'gpt-4.1-nano-2025-04-14';
/** The fixture's usage-only chunk (`"choices":[]` with a usage object), the last line. */
const TEXT_LINES = readFixtureLines(`${TEXT}.chunks.txt`);
const TEXT_USAGE_LINE = TEXT_LINES[TEXT_LINES.length - 1]!;
const TEXT_WITHOUT_USAGE = TEXT_LINES.slice(0, -1);
const TEXT_JSON = readFixtureJson<{ usage: { prompt_tokens: number; completion_tokens: number } }>(`${TEXT}.json`);
const REASONING = 'openai-chat/deepseek-reasoning';

/** Models the fake upstream lists (so the gateway names them in gen_ai_request_model). */
const FAKE_MODELS = [TEXT_MODEL, 'gpt-4.1-mini', 'gpt-4.1', 'gpt-error', 'gpt-broken', 'gpt-slow', 'deepseek-reasoner'];

const chat = (model: string, extra: Record<string, unknown> = {}) => ({
  model,
  messages: [{ role: 'user', content: 'Invent a new holiday.' }],
  ...extra,
});

/** Label sets of the exporter minus its scope labels. */
const labelsOf = (s: { labels: Record<string, string> }) => withoutScope(s.labels);

function fakeLabels(model: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    gen_ai_operation_name: 'chat',
    gen_ai_request_model: model,
    gen_ai_response_model: model,
    gen_ai_provider_name: 'openai',
    switchyard_backend: 'fake',
    http_response_status_code: '200',
    ...extra,
  };
}

/** `{token type: sum}` and `{token type: count}` of gen_ai_client_token_usage for one request model. */
function tokenUsage(scrape: Scrape, model: string): { sums: Record<string, number>; counts: Record<string, number> } {
  const sums: Record<string, number> = {};
  const counts: Record<string, number> = {};
  for (const s of scrape.find('gen_ai_client_token_usage_sum', { gen_ai_request_model: model }))
    sums[s.labels.gen_ai_token_type!] = s.value;
  for (const s of scrape.find('gen_ai_client_token_usage_count', { gen_ai_request_model: model }))
    counts[s.labels.gen_ai_token_type!] = s.value;
  return { sums, counts };
}

describe('metrics: series as scraped from the metrics port (SPEC §4)', () => {
  let upstream: FakeUpstream;
  let gw: RunningGateway;
  const script = byRequestId(openAiCompatible({ mock_models: FAKE_MODELS }));

  /** Scrapes until `ready(scrape)` holds (metrics are recorded just after the response ends). */
  async function scrapeWhen(ready: (s: Scrape) => boolean, what: string): Promise<Scrape> {
    let last: Scrape | undefined;
    try {
      return await waitFor(
        async () => {
          last = await scrapeMetrics(gw.metricsUrl);
          return ready(last) ? last : null;
        },
        5000,
        what,
      );
    } catch (err) {
      throw new Error(`${(err as Error).message}\nlast scrape:\n${last?.text ?? '(none)'}`, { cause: err });
    }
  }

  const requestsFor = (s: Scrape, model: string) => s.find('switchyard_requests_total', { gen_ai_request_model: model });
  const countOf = (s: Scrape, model: string) => requestsFor(s, model).reduce((n, x) => n + x.value, 0);

  before(async () => {
    upstream = await startFakeUpstream(script);
    gw = await startGateway({
      config: {
        logging: { level: 'warn' },
        backends: [
          { id: 'demo', type: 'mock', models: ['mock', 'mock-*'], mock_models: ['mock', 'mock-stream'] },
          { id: 'fake', type: 'openai', base_url: upstream.url, api_key: 'sk-metrics-0123456789', models: ['gpt-*', 'deepseek-*'] },
        ],
        routes: [{ virtual_model: 'house', backend: 'fake', real_model: TEXT_MODEL }],
      },
    });
    // The gateway names only models it lists: wait until both backends' listings are in.
    await waitFor(
      async () => {
        const res = await fetch(`${gw.url}/v1/models`);
        const ids = ((await res.json()) as { data: Array<{ id: string }> }).data.map((m) => m.id);
        return ids.includes('mock-stream') && FAKE_MODELS.every((m) => ids.includes(m));
      },
      10_000,
      'both backends to list their models',
    );
  });

  after(async () => {
    await gw?.stop();
    await upstream?.close();
  });

  it('exports the instruments with SPEC bucket boundaries before any traffic is recorded', async () => {
    const s = await scrapeMetrics(gw.metricsUrl);
    assert.equal(s.families.get('target_info')?.type, 'gauge');
    assert.equal(s.one('target_info').labels.service_name, 'switchyard');
  });

  it('mock backend, non-streaming success: duration, tokens, overhead, no TTFT', async () => {
    const reply = await post(`${gw.url}/v1/chat/completions`, chat('mock'));
    assert.equal(reply.status, 200, reply.text);
    const overhead = reply.headers.get('x-switchyard-overhead-ms');
    assert.match(overhead ?? '', /^\d+\.\d{3}$/, 'non-streaming responses carry x-switchyard-overhead-ms');
    const usage = reply.json().usage as { prompt_tokens: number; completion_tokens: number };

    const s = await scrapeWhen((x) => countOf(x, 'mock') === 1, 'the mock request to be counted');
    const labels = {
      gen_ai_operation_name: 'chat',
      gen_ai_request_model: 'mock',
      gen_ai_response_model: 'mock',
      gen_ai_provider_name: 'switchyard.mock',
      switchyard_backend: 'demo',
      http_response_status_code: '200',
    };
    assert.deepEqual(labelsOf(s.one('switchyard_requests_total', { gen_ai_request_model: 'mock' })), labels);
    assert.equal(s.value('switchyard_requests_total', { gen_ai_request_model: 'mock' }), 1);
    assert.deepEqual(labelsOf(s.one('gen_ai_server_request_duration_count', { gen_ai_request_model: 'mock' })), labels);
    assert.equal(s.value('gen_ai_server_request_duration_count', { gen_ai_request_model: 'mock' }), 1);
    assert.equal(s.value('switchyard_overhead_count', { gen_ai_request_model: 'mock' }), 1);
    const overheadSum = s.value('switchyard_overhead_sum', { gen_ai_request_model: 'mock' })!;
    assert.ok(Math.abs(overheadSum * 1000 - Number(overhead)) < 0.01, `overhead metric ${overheadSum}s matches the header ${overhead}ms`);
    assert.equal(s.find('gen_ai_server_time_to_first_token_count', { gen_ai_request_model: 'mock' }).length, 0, 'no TTFT for a non-stream');
    assert.equal(s.find('gen_ai_server_time_per_output_token_count', { gen_ai_request_model: 'mock' }).length, 0);
    assert.equal(s.value('switchyard_generation_tokens_per_second_count', { gen_ai_request_model: 'mock' }), 1);
    const t = tokenUsage(s, 'mock');
    assert.deepEqual(t.sums, { input: usage.prompt_tokens, output: usage.completion_tokens });
    assert.deepEqual(t.counts, { input: 1, output: 1 });
    assert.deepEqual(labelsOf(s.one('gen_ai_client_token_usage_count', { gen_ai_request_model: 'mock', gen_ai_token_type: 'input' })), {
      ...labels,
      gen_ai_token_type: 'input',
    });
  });

  it('mock backend, streaming success: TTFT, time per output token, tokens/s, usage chunk kept when asked for', async () => {
    const reply = await post(
      `${gw.url}/v1/chat/completions`,
      chat('mock-stream', { stream: true, stream_options: { include_usage: true } }),
    );
    assert.equal(reply.status, 200, reply.text);
    const chunks = sseJson<{ choices: unknown[]; usage?: { prompt_tokens: number; completion_tokens: number } | null }>(
      parseSse(reply.text),
    );
    const usage = chunks.find((c) => c.choices.length === 0 && c.usage)?.usage;
    assert.ok(usage, 'the client asked for usage and got the usage chunk');

    const s = await scrapeWhen((x) => countOf(x, 'mock-stream') === 1, 'the mock stream to be counted');
    const m = { gen_ai_request_model: 'mock-stream' };
    assert.deepEqual(labelsOf(s.one('switchyard_requests_total', m)), {
      gen_ai_operation_name: 'chat',
      gen_ai_request_model: 'mock-stream',
      gen_ai_response_model: 'mock-stream',
      gen_ai_provider_name: 'switchyard.mock',
      switchyard_backend: 'demo',
      http_response_status_code: '200',
    });
    assert.equal(s.value('gen_ai_server_time_to_first_token_count', m), 1);
    assert.equal(s.value('gen_ai_server_time_per_output_token_count', m), 1);
    assert.equal(s.value('switchyard_generation_tokens_per_second_count', m), 1);
    assert.equal(s.value('switchyard_overhead_count', m), 1);
    assert.deepEqual(tokenUsage(s, 'mock-stream').sums, { input: usage.prompt_tokens, output: usage.completion_tokens });
  });

  it('OpenAI upstream, stream to a virtual model without stream_options: the gateway asks for usage, strips it, still counts tokens', async () => {
    const id = rid('metrics-vm');
    script.on(id, replayFixture(`${TEXT}.chunks.txt`));
    const reply = await post(`${gw.url}/v1/chat/completions`, chat('house', { stream: true }), { 'x-request-id': id });
    assert.equal(reply.status, 200, reply.text);
    const got = await receivedWithId(upstream, id);
    assert.deepEqual(got.body.stream_options, { include_usage: true }, 'the upstream received include_usage: true');
    assert.equal(got.body.model, TEXT_MODEL);
    // Byte for byte: the fixture minus its usage chunk, with the virtual model name written in.
    const expected = frameSse(TEXT_WITHOUT_USAGE, 'openai').join('').replaceAll(`"model":"${TEXT_MODEL}"`, '"model":"house"');
    assert.equal(reply.text, expected, 'the client received no usage chunk and nothing else changed');
    assert.ok(!reply.text.includes('"usage":{'));

    const s = await scrapeWhen((x) => countOf(x, 'house') === 1, 'the virtual-model stream to be counted');
    const labels = fakeLabels('house', { gen_ai_response_model: TEXT_MODEL, switchyard_virtual_model: 'house' });
    assert.deepEqual(labelsOf(s.one('switchyard_requests_total', { gen_ai_request_model: 'house' })), labels);
    for (const name of [
      'gen_ai_server_request_duration_count',
      'gen_ai_server_time_to_first_token_count',
      'switchyard_overhead_count',
      'gen_ai_server_time_per_output_token_count',
      'switchyard_generation_tokens_per_second_count',
    ]) {
      assert.deepEqual(labelsOf(s.one(name, { gen_ai_request_model: 'house' })), labels, name);
      assert.equal(s.value(name, { gen_ai_request_model: 'house' }), 1, name);
    }
    const usage = JSON.parse(TEXT_USAGE_LINE).usage as { prompt_tokens: number; completion_tokens: number };
    const t = tokenUsage(s, 'house');
    assert.deepEqual(t.sums, { input: usage.prompt_tokens, output: usage.completion_tokens, cached_input: 0, reasoning: 0 });
    assert.deepEqual(t.counts, { input: 1, output: 1, cached_input: 1, reasoning: 1 });
    assert.deepEqual(labelsOf(s.one('gen_ai_client_token_usage_sum', { gen_ai_request_model: 'house', gen_ai_token_type: 'output' })), {
      ...labels,
      gen_ai_token_type: 'output',
    });
  });

  it('OpenAI upstream, stream with include_usage: true: the usage chunk reaches the client untouched', async () => {
    const id = rid('metrics-usage');
    script.on(id, replayFixture(`${TEXT}.chunks.txt`));
    const reply = await post(`${gw.url}/v1/chat/completions`, chat(TEXT_MODEL, { stream: true, stream_options: { include_usage: true } }), {
      'x-request-id': id,
    });
    assert.equal(reply.status, 200, reply.text);
    assert.deepEqual((await receivedWithId(upstream, id)).body.stream_options, { include_usage: true });
    assert.equal(reply.text, fixtureEvents(`${TEXT}.chunks.txt`).join(''), 'every byte, the usage chunk included');
    assert.ok(reply.text.includes(`data: ${TEXT_USAGE_LINE}\n\n`));

    const s = await scrapeWhen((x) => countOf(x, TEXT_MODEL) === 1, 'the stream to be counted');
    assert.deepEqual(labelsOf(s.one('switchyard_requests_total', { gen_ai_request_model: TEXT_MODEL })), fakeLabels(TEXT_MODEL));
    assert.equal(s.value('gen_ai_server_time_to_first_token_count', { gen_ai_request_model: TEXT_MODEL }), 1);
    assert.deepEqual(tokenUsage(s, TEXT_MODEL).sums, { input: 16, output: 300, cached_input: 0, reasoning: 0 });
  });

  it('OpenAI upstream, stream with include_usage: false: respected upstream; no tokens to count', async () => {
    const id = rid('metrics-nousage');
    // What an upstream sends when not asked for usage: the stream without the usage chunk.
    script.on(id, sse(TEXT_WITHOUT_USAGE));
    const reply = await post(
      `${gw.url}/v1/chat/completions`,
      chat('gpt-4.1-mini', { stream: true, stream_options: { include_usage: false } }),
      {
        'x-request-id': id,
      },
    );
    assert.equal(reply.status, 200, reply.text);
    assert.deepEqual((await receivedWithId(upstream, id)).body.stream_options, { include_usage: false }, 'the upstream received false');
    assert.equal(reply.text, frameSse(TEXT_WITHOUT_USAGE, 'openai').join(''));

    const s = await scrapeWhen((x) => countOf(x, 'gpt-4.1-mini') === 1, 'the stream to be counted');
    const m = { gen_ai_request_model: 'gpt-4.1-mini' };
    assert.deepEqual(labelsOf(s.one('switchyard_requests_total', m)), fakeLabels('gpt-4.1-mini'));
    assert.equal(s.value('gen_ai_server_time_to_first_token_count', m), 1);
    assert.equal(s.find('gen_ai_client_token_usage_count', m).length, 0, 'no usage reported, none recorded');
    assert.equal(s.find('switchyard_generation_tokens_per_second_count', m).length, 0);
  });

  it('OpenAI upstream, non-streaming success: tokens from the body, overhead header, no TTFT', async () => {
    const id = rid('metrics-json');
    script.on(id, replayFixture(`${TEXT}.json`));
    const reply = await post(`${gw.url}/v1/chat/completions`, chat('gpt-4.1'), { 'x-request-id': id });
    assert.equal(reply.status, 200, reply.text);
    assert.match(reply.headers.get('x-switchyard-overhead-ms') ?? '', /^\d+\.\d{3}$/);

    const s = await scrapeWhen((x) => countOf(x, 'gpt-4.1') === 1, 'the request to be counted');
    const m = { gen_ai_request_model: 'gpt-4.1' };
    assert.deepEqual(labelsOf(s.one('switchyard_requests_total', m)), fakeLabels('gpt-4.1'));
    assert.equal(s.value('gen_ai_server_request_duration_count', m), 1);
    assert.equal(s.value('switchyard_overhead_count', m), 1);
    assert.equal(s.find('gen_ai_server_time_to_first_token_count', m).length, 0, 'TTFT is for streams only');
    assert.equal(s.find('gen_ai_server_time_per_output_token_count', m).length, 0);
    assert.equal(s.value('switchyard_generation_tokens_per_second_count', m), 1);
    assert.deepEqual(tokenUsage(s, 'gpt-4.1').sums, {
      input: TEXT_JSON.usage.prompt_tokens,
      output: TEXT_JSON.usage.completion_tokens,
      cached_input: 0,
      reasoning: 0,
    });
  });

  it('OpenAI upstream, reasoning stream: reasoning tokens from completion_tokens_details', async () => {
    const id = rid('metrics-reasoning');
    script.on(id, replayFixture(`${REASONING}.chunks.txt`));
    const reply = await post(`${gw.url}/v1/chat/completions`, chat('deepseek-reasoner', { stream: true }), { 'x-request-id': id });
    assert.equal(reply.status, 200, reply.text);
    assert.deepEqual((await receivedWithId(upstream, id)).body.stream_options, { include_usage: true });
    // DeepSeek puts usage on its last content chunk, not a usage-only one: nothing is removed.
    assert.equal(reply.text, fixtureEvents(`${REASONING}.chunks.txt`).join(''));
    const lines = readFixtureLines(`${REASONING}.chunks.txt`);
    const usage = JSON.parse(lines[lines.length - 1]!).usage as {
      prompt_tokens: number;
      completion_tokens: number;
      completion_tokens_details: { reasoning_tokens: number };
    };

    const s = await scrapeWhen((x) => countOf(x, 'deepseek-reasoner') === 1, 'the stream to be counted');
    assert.deepEqual(tokenUsage(s, 'deepseek-reasoner').sums, {
      input: usage.prompt_tokens,
      output: usage.completion_tokens,
      cached_input: 0,
      reasoning: usage.completion_tokens_details.reasoning_tokens,
    });
    assert.equal(s.value('gen_ai_server_time_to_first_token_count', { gen_ai_request_model: 'deepseek-reasoner' }), 1);
  });

  it('upstream 500: error.type="500", switchyard_upstream_errors_total, no tokens', async () => {
    const id = rid('metrics-500');
    script.on(id, json(500, { error: { message: 'the model crashed', type: 'server_error', param: null, code: null } }));
    const reply = await post(`${gw.url}/v1/chat/completions`, chat('gpt-error'), { 'x-request-id': id });
    assert.equal(reply.status, 500, reply.text);

    const s = await scrapeWhen((x) => countOf(x, 'gpt-error') === 1, 'the failed request to be counted');
    const labels = fakeLabels('gpt-error', { http_response_status_code: '500', error_type: '500' });
    const m = { gen_ai_request_model: 'gpt-error' };
    assert.deepEqual(labelsOf(s.one('switchyard_requests_total', m)), labels);
    assert.deepEqual(labelsOf(s.one('switchyard_upstream_errors_total', m)), labels);
    assert.equal(s.value('switchyard_upstream_errors_total', m), 1);
    assert.equal(s.value('gen_ai_server_request_duration_count', m), 1);
    assert.equal(s.find('gen_ai_server_time_to_first_token_count', m).length, 0);
    assert.equal(s.find('gen_ai_client_token_usage_count', m).length, 0);
    assert.equal(s.find('switchyard_generation_tokens_per_second_count', m).length, 0);
  });

  it('upstream connection cut mid-stream: error.type="502", counted as an upstream error', async () => {
    const id = rid('metrics-cut');
    script.on(id, destroyMidStream(4, { fixture: `${TEXT}.chunks.txt` }));
    const reply = await post(`${gw.url}/v1/chat/completions`, chat('gpt-broken', { stream: true }), { 'x-request-id': id });
    assert.equal(reply.status, 200, 'the stream had started');
    const events = parseSse(reply.text);
    assert.ok(JSON.parse(events[events.length - 1]!.data).error, `ends with an error event: ${reply.text.slice(-300)}`);

    const s = await scrapeWhen((x) => countOf(x, 'gpt-broken') === 1, 'the cut stream to be counted');
    const labels = fakeLabels('gpt-broken', { http_response_status_code: '502', error_type: '502' });
    assert.deepEqual(labelsOf(s.one('switchyard_requests_total', { gen_ai_request_model: 'gpt-broken' })), labels);
    assert.equal(s.value('switchyard_upstream_errors_total', { gen_ai_request_model: 'gpt-broken' }), 1);
    assert.equal(s.find('switchyard_generation_tokens_per_second_count', { gen_ai_request_model: 'gpt-broken' }).length, 0);
  });

  it('unknown model: 404 with gen_ai_request_model="_OTHER" (bounded cardinality), not an upstream error', async () => {
    const reply = await post(`${gw.url}/v1/chat/completions`, chat('no-such-model-7f3a'));
    assert.equal(reply.status, 404, reply.text);
    const s = await scrapeWhen((x) => countOf(x, '_OTHER') === 1, 'the 404 to be counted');
    assert.deepEqual(labelsOf(s.one('switchyard_requests_total', { gen_ai_request_model: '_OTHER' })), {
      gen_ai_operation_name: 'chat',
      gen_ai_request_model: '_OTHER',
      http_response_status_code: '404',
      error_type: '404',
    });
    assert.ok(!s.text.includes('no-such-model-7f3a'), 'the unknown name appears in no label');
    assert.equal(s.find('switchyard_upstream_errors_total', { gen_ai_request_model: '_OTHER' }).length, 0);
  });

  it('client abort mid-stream: 499 / error.type="cancelled", active requests back to 0, upstream aborted', async () => {
    const id = rid('metrics-abort');
    script.on(id, sse(TEXT_LINES, { delayMs: 50 }));
    const controller = new AbortController();
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': id },
      body: JSON.stringify(chat('gpt-slow', { stream: true })),
      signal: controller.signal,
    });
    assert.equal(res.status, 200);
    // Read three events without cancelling the body (leaving a for-await loop would hang up).
    const reader = res.body!.getReader();
    let received = '';
    while (parseSse(received).length < 3) {
      const { value, done } = await reader.read();
      assert.ok(!done, 'the stream ended early');
      received += Buffer.from(value).toString('utf8');
    }
    const during = await scrapeMetrics(gw.metricsUrl);
    assert.equal(during.value('switchyard_requests_active', { gen_ai_operation_name: 'chat' }), 1, 'one request in flight mid-stream');
    controller.abort();

    const record = await receivedWithId(upstream, id);
    await waitFor(() => record.closedAt !== undefined, 5000, 'the upstream request to be aborted');
    assert.ok(record.closedEarly, 'the gateway aborted the upstream request');

    const s = await scrapeWhen((x) => countOf(x, 'gpt-slow') === 1, 'the aborted stream to be counted');
    const labels = fakeLabels('gpt-slow', { http_response_status_code: '499', error_type: 'cancelled' });
    const m = { gen_ai_request_model: 'gpt-slow' };
    assert.deepEqual(labelsOf(s.one('switchyard_requests_total', m)), labels);
    assert.equal(s.value('switchyard_requests_active', { gen_ai_operation_name: 'chat' }), 0, 'active requests back to 0');
    assert.equal(s.find('switchyard_upstream_errors_total', m).length, 0, 'a client abort is not an upstream error');
    assert.equal(s.value('gen_ai_server_request_duration_count', m), 1);
    assert.equal(s.value('gen_ai_server_time_to_first_token_count', m), 1, 'the first token had arrived');
    assert.equal(s.find('switchyard_generation_tokens_per_second_count', m).length, 0);
    assert.equal(s.find('gen_ai_client_token_usage_count', m).length, 0);
  });

  it('the series names as scraped are exactly the pinned list; types, units and buckets as documented', async () => {
    const s = await scrapeMetrics(gw.metricsUrl);
    assert.deepEqual(
      s.seriesNames(),
      PINNED_SERIES.filter((n) => !NOT_PRODUCED_BY_TRAFFIC.has(n)),
      'series names as scraped (update the README metrics reference and the Grafana dashboard with this list)',
    );
    for (const [name, type] of Object.entries(PINNED_FAMILIES)) {
      if (NOT_PRODUCED_BY_TRAFFIC.has(name)) continue;
      assert.equal(s.families.get(name)?.type, type, `# TYPE ${name}`);
    }
    const units: Record<string, string> = {
      gen_ai_server_request_duration: 's',
      gen_ai_server_time_to_first_token: 's',
      gen_ai_server_time_per_output_token: 's',
      switchyard_overhead: 's',
      gen_ai_client_token_usage: '{token}',
      switchyard_generation_tokens_per_second: '{token}/s',
    };
    for (const [name, unit] of Object.entries(units)) assert.equal(s.families.get(name)?.unit, unit, `# UNIT ${name}`);
    const les = (name: string) => [...new Set(s.find(name).map((x) => x.labels.le!))];
    assert.deepEqual(les('gen_ai_server_request_duration_bucket'), [...DURATION_BUCKETS.map(String), '+Inf']);
    assert.deepEqual(les('gen_ai_server_time_to_first_token_bucket'), [...TTFT_BUCKETS.map(String), '+Inf']);
    assert.equal(DURATION_BUCKETS.at(-1), 300, 'durations up to 300 s');
    assert.equal(TTFT_BUCKETS.at(-1), 300, 'TTFT up to 300 s');
    // Totals over the whole run.
    const total = s.find('switchyard_requests_total').reduce((n, x) => n + x.value, 0);
    assert.equal(total, 11);
    assert.equal(
      s.find('switchyard_upstream_errors_total').reduce((n, x) => n + x.value, 0),
      2,
    );
    assert.equal(s.value('switchyard_requests_active', { gen_ai_operation_name: 'chat' }), 0);
  });

  it('every instrument the gateway declares maps onto the pinned list (OpenTelemetry → Prometheus naming)', async () => {
    // The same exporter the gateway uses, in-process, so instruments the traffic above cannot
    // produce (config reloads, journal drops) are pinned too.
    const port = await freePort();
    const exporter = await new Promise<PrometheusExporter>((resolve, reject) => {
      const e: PrometheusExporter = new PrometheusExporter({ host: '127.0.0.1', port, endpoint: '/metrics' }, (err) =>
        err ? reject(err) : resolve(e),
      );
    });
    const provider = new MeterProvider({ readers: [exporter] });
    try {
      const meter = provider.getMeter('pin');
      const factory: InstrumentFactory = {
        getCounter: (n, o) => meter.createCounter(n, o),
        getHistogram: (n, o) => meter.createHistogram(n, o),
        getObservableGauge: (n, o) => meter.createObservableGauge(n, o),
        getObservableCounter: (n, o) => meter.createObservableCounter(n, o),
        getObservableUpDownCounter: (n, o) => meter.createObservableUpDownCounter(n, o),
      };
      const metrics = new GatewayMetrics(factory);
      type AnyInstrument = {
        add?: (v: number) => void;
        record?: (v: number) => void;
        addCallback?: (cb: (r: { observe(v: number): void }) => void) => void;
      };
      for (const instrument of Object.values(metrics) as AnyInstrument[]) {
        if (instrument.add) instrument.add(1);
        else if (instrument.record) instrument.record(1);
        else instrument.addCallback!((r) => r.observe(1));
      }
      const s = await scrapeMetrics(`http://127.0.0.1:${port}`);
      assert.deepEqual(s.seriesNames(), [...PINNED_SERIES]);
      for (const [name, type] of Object.entries(PINNED_FAMILIES)) assert.equal(s.families.get(name)?.type, type, `# TYPE ${name}`);
    } finally {
      await provider.shutdown();
    }
  });
});
