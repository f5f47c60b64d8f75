/**
 * Issue #10 in the built gateway over HTTP: a route with two targets on two fake upstreams fails
 * over on 503 / 429 / a timeout before the first byte, never after a streamed byte; the journal
 * lists every attempt and switchyard_route_attempts_total counts them by outcome; max_concurrency
 * with a full queue answers 503 with retry-after; auto_route picks the vision target for an image.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  destroyMidStream,
  hang,
  json,
  openAiCompatible,
  startFakeUpstream,
  type FakeHandler,
  type FakeUpstream,
} from '../helpers/fake-upstream.js';
import { post, waitForJournalLine } from '../helpers/e2e.js';
import { scrapeMetrics } from '../helpers/prometheus-text.js';
import { startGateway, type RunningGateway } from '../helpers/start-gateway.js';

/**
 * Script `handler` for the next POST only: the gateway's background model listings (GET) keep
 * their usual answer, so they can never take a scripted failure meant for a request.
 */
function nextPost(up: FakeUpstream, handler: FakeHandler): FakeUpstream {
  let pending = true;
  const usual = openAiCompatible();
  return up.reset().always((req, res, record) => {
    if (pending && record.method === 'POST') {
      pending = false;
      return handler(req, res, record);
    }
    return usual(req, res, record);
  });
}

describe('resilience routing over HTTP (issue #10)', () => {
  let a: FakeUpstream;
  let b: FakeUpstream;
  let gw: RunningGateway;
  let journal: string;

  before(async () => {
    a = await startFakeUpstream();
    b = await startFakeUpstream();
    gw = await startGateway({
      config: {
        logging: { level: 'error' },
        journal: { enabled: true, path: 'requests.jsonl' },
        backends: [
          { id: 'a', type: 'openai', base_url: a.url, skip_probe: true, timeout_seconds: 0.5, models: ['vision-*'] },
          { id: 'b', type: 'openai', base_url: b.url, skip_probe: true },
          { id: 'busy', type: 'openai', base_url: a.url, skip_probe: true, max_concurrency: 1, max_queue: 0, models: ['busy-*'] },
        ],
        routes: [
          {
            virtual_model: 'ha',
            targets: [
              { backend: 'a', real_model: 'model-a' },
              { backend: 'b', real_model: 'model-b' },
            ],
          },
          { virtual_model: 'auto', auto_route: { text: 'ha', vision: 'vision-1' } },
        ],
      },
    });
    journal = path.join(gw.tmpDir, 'requests.jsonl');
  });

  after(async () => {
    await gw?.stop();
    await a?.close();
    await b?.close();
  });

  const chat = (model: string, extra: Record<string, unknown> = {}) => ({ model, messages: [{ role: 'user', content: 'hi' }], ...extra });

  const journalLine = (id: string): Promise<Record<string, unknown>> => waitForJournalLine(journal, id);

  it('a 503 from the first target: the second serves; the journal lists both attempts', async () => {
    nextPost(a, json(503, { error: { message: 'overloaded' } }));
    b.reset();
    const r = await post(`${gw.url}/v1/chat/completions`, chat('ha'), { 'x-request-id': 'res-503' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json().model, 'ha');
    assert.equal(r.headers.get('x-switchyard-real-model'), 'model-b');
    // POSTs only: a background model listing (GET) may reach b at any time.
    assert.equal(b.requests.filter((q) => q.method === 'POST').length, 1);
    const line = await journalLine('res-503');
    assert.equal(line.backend, 'b');
    assert.equal(line.real_model, 'model-b');
    const attempts = line.attempts as Array<Record<string, unknown>>;
    assert.deepEqual(
      attempts.map((x) => [x.backend, x.real_model, x.status]),
      [
        ['a', 'model-a', 503],
        ['b', 'model-b', 200],
      ],
    );
    assert.equal(typeof attempts[0]!.ms, 'number');
  });

  it('a timeout before the first byte fails over', async () => {
    nextPost(a, hang());
    b.reset();
    const r = await post(`${gw.url}/v1/chat/completions`, chat('ha'), { 'x-request-id': 'res-timeout' });
    assert.equal(r.status, 200, r.text);
    const attempts = (await journalLine('res-timeout')).attempts as Array<Record<string, unknown>>;
    assert.equal(attempts[0]!.backend, 'a');
    assert.match(String(attempts[0]!.error), /timed out/);
  });

  it('a 429 with retry-after fails over and cools target a down', async () => {
    nextPost(a, json(429, { error: { message: 'slow down' } }, { 'retry-after': '30' }));
    b.reset();
    assert.equal((await post(`${gw.url}/v1/chat/completions`, chat('ha'))).status, 200);
    const before = a.requests.length;
    assert.equal((await post(`${gw.url}/v1/chat/completions`, chat('ha'))).status, 200);
    assert.equal(a.requests.length, before, 'a is cooling down');
    assert.equal(b.requests.length, 2);
  });

  it('a stream cut after its first byte is not retried', async () => {
    nextPost(b, destroyMidStream(2));
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(chat('ha', { stream: true })),
    });
    assert.equal(res.status, 200);
    const text = await res.text();
    assert.match(text, /error/);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(b.requests.length, 1);
  });

  it('attempts are counted by outcome', async () => {
    const s = await scrapeMetrics(gw.metricsUrl);
    assert.ok(s.value('switchyard_route_attempts_total', { switchyard_backend: 'a', outcome: 'failover' })! >= 2);
    assert.ok(s.value('switchyard_route_attempts_total', { switchyard_backend: 'b', outcome: 'success' })! >= 2);
  });

  it('max_concurrency with a full queue: 503 with retry-after', async () => {
    nextPost(a, hang());
    const ctl = new AbortController();
    const first = post(`${gw.url}/v1/chat/completions`, chat('busy-1'), {}, ctl.signal).catch(() => null);
    await a.waitForRequests(1);
    const r = await post(`${gw.url}/v1/chat/completions`, chat('busy-1'));
    assert.equal(r.status, 503, r.text);
    assert.equal(r.headers.get('retry-after'), '1');
    ctl.abort();
    await first;
  });

  it('auto_route: an image goes to the vision target', async () => {
    a.reset();
    b.reset();
    const image = {
      model: 'auto',
      messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/png;base64,AA' } }] }],
    };
    const r = await post(`${gw.url}/v1/chat/completions`, image, { 'x-request-id': 'res-auto' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json().model, 'auto');
    assert.equal((a.lastRequest?.body as { model: string }).model, 'vision-1');
    const line = await journalLine('res-auto');
    assert.deepEqual(line.auto_route, { virtual_model: 'auto', kind: 'vision', target: 'vision-1' });
  });
});
