/**
 * A stream whose upstream reports an error (its own error event, or a malformed event the
 * translator turns into one) is recorded as what the client saw (issue #14 item 2): the journal
 * line and `switchyard_requests_total` say 502 `upstream_stream_error`, and
 * `switchyard_upstream_errors_total` counts it, and a warning is logged, on passthrough and
 * translated lanes. The error
 * event reaches the client with the gateway's backend key redacted (issue #14 item 6).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startFakeUpstream, writeEvents, type FakeHandler, type FakeUpstream } from '../helpers/fake-upstream.js';
import { byRequestId, chatChunk, post, rid, waitFor, waitForJournalLine } from '../helpers/e2e.js';
import { scrapeMetrics } from '../helpers/prometheus-text.js';
import { startGateway, type RunningGateway } from '../helpers/start-gateway.js';

const BACKEND_KEY = 'sk-stream-error-backend-key-0123456789';

/** An SSE reply of raw event texts, one write each. */
function rawSse(events: string[]): FakeHandler {
  return async (_req, res, record) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.flushHeaders();
    await writeEvents(res, record, events, { delayMs: 5 });
  };
}

const data = (value: object | string): string => `data: ${typeof value === 'string' ? value : JSON.stringify(value)}\n\n`;
const named = (event: string, value: object): string => `event: ${event}\ndata: ${JSON.stringify(value)}\n\n`;

const anthropicStart = (model: string): string[] => [
  named('message_start', {
    type: 'message_start',
    message: {
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      model,
      content: [],
      stop_reason: null,
      usage: { input_tokens: 3, output_tokens: 1 },
    },
  }),
  named('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
  named('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hel' } }),
];
const anthropicError = named('error', { type: 'error', error: { type: 'overloaded_error', message: `Overloaded (key ${BACKEND_KEY})` } });

type Line = Record<string, unknown>;

describe('a stream that carries an error is recorded as a failure (issue #14 item 2)', () => {
  let upstream: FakeUpstream;
  let gw: RunningGateway;
  let dir: string;
  let journalFile: string;
  const handler = byRequestId();

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'switchyard-stream-errors-'));
    journalFile = path.join(dir, 'requests.jsonl');
    upstream = await startFakeUpstream(handler);
    const backend = (id: string, type: string, models: string[]) => ({
      id,
      type,
      base_url: upstream.url,
      api_key: BACKEND_KEY,
      models,
      skip_probe: true,
    });
    gw = await startGateway({
      config: {
        logging: { level: 'warn' },
        journal: { enabled: true, path: journalFile },
        backends: [
          backend('oa', 'openai', ['gpt-*']),
          backend('claude', 'anthropic', ['claude-*']),
          backend('resp', 'openresponses', ['resp-*']),
        ],
      },
    });
  });

  after(async () => {
    await gw?.stop();
    await upstream?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function journalLine(id: string): Promise<Line> {
    return waitForJournalLine<Line>(journalFile, id);
  }

  /** Streams one request whose upstream reply is `events`; returns the client's text and the journal line. */
  async function streamed(endpoint: string, body: object, events: string[]): Promise<{ text: string; line: Line }> {
    const id = rid('stream-err');
    handler.on(id, rawSse(events));
    const headers: Record<string, string> = { 'x-request-id': id };
    if (endpoint === '/v1/messages') headers['anthropic-version'] = '2023-06-01';
    const reply = await post(`${gw.url}${endpoint}`, { ...body, stream: true }, headers);
    assert.equal(reply.status, 200, reply.text);
    return { text: reply.text, line: await journalLine(id) };
  }

  const chat = (model: string) => ({ model, messages: [{ role: 'user', content: 'hi' }] });
  const messages = (model: string) => ({ model, max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] });

  async function assertFailed(line: Line, backend: string, message: RegExp): Promise<void> {
    assert.equal(line.status, 502, JSON.stringify(line));
    assert.equal(line.backend, backend);
    assert.match(String(line.error), /reported an error in its stream/);
    assert.match(String(line.error), message);
    assert.ok(!JSON.stringify(line).includes(BACKEND_KEY), 'the journal line holds the backend key');
    const logged = await waitFor(
      () =>
        (gw.stdout() + gw.stderr())
          .split('\n')
          .find((l) => l.includes(String(line.request_id)) && l.includes('the upstream stream carried an error')),
      5000,
      `the warning logged for ${String(line.request_id)}`,
    );
    assert.ok(!logged.includes(BACKEND_KEY), logged);
  }

  it('passthrough OpenAI chat: the upstream `{"error":…}` chunk', async () => {
    const { text, line } = await streamed('/v1/chat/completions', chat('gpt-a'), [
      data(chatChunk('gpt-a', { role: 'assistant', content: 'Hel' })),
      data({ error: { message: `quota gone for ${BACKEND_KEY}`, type: 'server_error', param: BACKEND_KEY, code: BACKEND_KEY } }),
    ]);
    assert.match(text, /"error":\{"message":"quota gone for \[REDACTED\]"/);
    assert.ok(!text.includes(BACKEND_KEY), text);
    await assertFailed(line, 'oa', /quota gone for \[REDACTED\]/);
  });

  it('passthrough Anthropic: the upstream `event: error`', async () => {
    const { text, line } = await streamed('/v1/messages', messages('claude-a'), [...anthropicStart('claude-a'), anthropicError]);
    assert.match(text, /event: error\ndata: \{"type":"error","error":\{"type":"overloaded_error"/);
    assert.ok(!text.includes(BACKEND_KEY), text);
    await assertFailed(line, 'claude', /Overloaded/);
  });

  it('passthrough Responses: the upstream `response.failed`', async () => {
    const response = { id: 'resp_1', object: 'response', created_at: 1, model: 'resp-a', status: 'in_progress', error: null, output: [] };
    const { text, line } = await streamed('/v1/responses', { model: 'resp-a', input: 'hi' }, [
      named('response.created', { type: 'response.created', response, sequence_number: 0 }),
      named('response.failed', {
        type: 'response.failed',
        response: { ...response, status: 'failed', error: { code: 'server_error', message: `it broke (${BACKEND_KEY})` } },
        sequence_number: 1,
      }),
    ]);
    assert.match(text, /event: response\.failed/);
    assert.ok(!text.includes(BACKEND_KEY), text);
    await assertFailed(line, 'resp', /it broke/);
  });

  it('translated (Anthropic client, OpenAI backend): a malformed event the translator turns into an error event', async () => {
    const { text, line } = await streamed('/v1/messages', messages('gpt-b'), [
      data(chatChunk('gpt-b', { role: 'assistant', content: 'Hel' })),
      data('{not json'),
    ]);
    assert.match(text, /event: error/);
    await assertFailed(line, 'oa', /not JSON/);
  });

  it('translated (OpenAI client, Anthropic backend): the upstream `event: error`', async () => {
    const { text, line } = await streamed('/v1/chat/completions', chat('claude-b'), [...anthropicStart('claude-b'), anthropicError]);
    assert.match(text, /data: \{"error":/);
    assert.ok(!text.includes(BACKEND_KEY), text);
    await assertFailed(line, 'claude', /Overloaded/);
  });

  it('the metrics count them as 502 upstream_stream_error, and as upstream errors', async () => {
    const expected: Record<string, number> = { oa: 2, claude: 2, resp: 1 };
    const scrape = await waitFor(
      async () => {
        const s = await scrapeMetrics(gw.metricsUrl);
        const total = s.find('switchyard_upstream_errors_total', { error_type: 'upstream_stream_error' }).reduce((n, x) => n + x.value, 0);
        return total >= 5 ? s : null;
      },
      5000,
      'five upstream_stream_error upstream errors',
    );
    for (const [backend, count] of Object.entries(expected)) {
      const match = { switchyard_backend: backend, error_type: 'upstream_stream_error' };
      const requests = scrape.find('switchyard_requests_total', match);
      assert.ok(requests.length > 0, `no switchyard_requests_total series for ${backend}`);
      for (const s of requests) assert.equal(s.labels.http_response_status_code, '502');
      assert.equal(
        requests.reduce((n, s) => n + s.value, 0),
        count,
        `switchyard_requests_total for ${backend}`,
      );
      assert.equal(
        scrape.find('switchyard_upstream_errors_total', match).reduce((n, s) => n + s.value, 0),
        count,
        `switchyard_upstream_errors_total for ${backend}`,
      );
    }
    assert.equal(scrape.find('switchyard_requests_total', { http_response_status_code: '200' }).length, 0, 'no stream counted as a 200');
  });
});
