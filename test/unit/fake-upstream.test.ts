import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import {
  destroyMidStream,
  fixturePath,
  fixtureFolder,
  fixturesDirs,
  frameSse,
  hang,
  json,
  largeChunks,
  readFixtureLines,
  replayFixture,
  slowHeaders,
  sse,
  startFakeUpstream,
  text,
  type FakeUpstream,
} from '../helpers/fake-upstream.js';
import { collectBytes, collectText, parseSse, readSse, sseJson } from '../helpers/sse.js';

function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

function expectedReplay(name: string, frame: (line: string) => string, trailer = ''): string {
  return readFixtureLines(name).map(frame).join('') + trailer;
}

describe('fake upstream: fixture replay framing', () => {
  let up: FakeUpstream;
  before(async () => {
    up = await startFakeUpstream();
  });
  after(() => up.close());

  it('finds the recordings of each protocol in the repository, next to the plugin that owns it', () => {
    for (const dir of fixturesDirs()) assert.match(dir, /plugins[/\\][a-z]+[/\\]test[/\\]fixtures$/);
    assert.match(fixtureFolder('anthropic'), /plugins[/\\]anthropic[/\\]test[/\\]fixtures[/\\]anthropic$/);
    assert.match(fixtureFolder('gemini'), /plugins[/\\]vertex[/\\]/);
    assert.match(fixturePath('openai-chat/openai-text.json'), /plugins[/\\]openai[/\\]test[/\\]fixtures[/\\]openai-chat/);
    assert.ok(readFixtureLines('openai-chat/openai-text.chunks.txt').length > 3);
    assert.ok(readFixtureLines('openresponses/lmstudio-basic.1.chunks.txt').length > 3);
  });

  it('OpenAI chat: data: <line>\\n\\n per line, then data: [DONE]', async () => {
    up.next(replayFixture('openai-chat/openai-text'));
    const res = await post(`${up.url}/v1/chat/completions`, { model: 'x', stream: true, messages: [] });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/event-stream');
    const body = (await collectBytes(res.body)).toString('utf8');
    assert.equal(
      body,
      expectedReplay('openai-chat/openai-text.chunks.txt', (l) => `data: ${l}\n\n`, 'data: [DONE]\n\n'),
    );
    const events = parseSse(body);
    assert.equal(events.at(-1)!.data, '[DONE]');
    assert.equal(sseJson(events)[0]!.object, 'chat.completion.chunk');
  });

  it('OpenAI completions: same framing', async () => {
    up.next(replayFixture('openai-completions/openai-completion-text.chunks.txt'));
    const body = await collectText((await post(`${up.url}/v1/completions`, { prompt: 'x' })).body);
    assert.equal(
      body,
      expectedReplay('openai-completions/openai-completion-text.chunks.txt', (l) => `data: ${l}\n\n`, 'data: [DONE]\n\n'),
    );
  });

  it('Anthropic: event: <type>\\ndata: <line>\\n\\n, no [DONE]', async () => {
    up.next(replayFixture('anthropic/anthropic-text'));
    const res = await post(`${up.url}/v1/messages?beta=true`, { model: 'claude', max_tokens: 64, stream: true, messages: [] });
    const body = await collectText(res.body);
    const expected = expectedReplay(
      'anthropic/anthropic-text.chunks.txt',
      (l) => `event: ${(JSON.parse(l) as { type: string }).type}\ndata: ${l}\n\n`,
    );
    assert.equal(body, expected);
    assert.ok(!body.includes('[DONE]'));
    const events = parseSse(body);
    assert.equal(events[0]!.event, 'message_start');
    assert.equal(events.at(-1)!.event, 'message_stop');
    assert.equal(up.lastRequest!.query, 'beta=true');
    assert.equal(up.lastRequest!.path, '/v1/messages');
  });

  it('Gemini: data: <line>\\r\\n\\r\\n, chosen by a streaming path', async () => {
    up.next(replayFixture('gemini/google-text'));
    const res = await post(`${up.url}/v1beta/models/gemini:streamGenerateContent?alt=sse`, { contents: [] });
    const bytes = await collectBytes(res.body);
    assert.equal(
      bytes.toString('utf8'),
      expectedReplay('gemini/google-text.chunks.txt', (l) => `data: ${l}\r\n\r\n`),
    );
    const events = parseSse(bytes.toString('utf8'));
    assert.equal(events.length, readFixtureLines('gemini/google-text.chunks.txt').length);
    assert.ok(Array.isArray(JSON.parse(events[0]!.data).candidates));
  });

  it('Responses (OpenResponses): event: <type>\\ndata: <line>\\n\\n', async () => {
    up.next(replayFixture('openresponses/lmstudio-basic.1'));
    const res = await post(`${up.url}/v1/responses`, { model: 'x', stream: true, input: 'hi' });
    const body = await collectText(res.body);
    assert.equal(
      body,
      expectedReplay(
        'openresponses/lmstudio-basic.1.chunks.txt',
        (l) => `event: ${(JSON.parse(l) as { type: string }).type}\ndata: ${l}\n\n`,
      ),
    );
    const events = await readSse(Buffer.from(body));
    assert.equal(events[0]!.event, 'response.created');
  });

  it('a name without extension replays the JSON variant for a non-streamed request', async () => {
    up.next(replayFixture('openai-chat/openai-text'));
    const res = await post(`${up.url}/v1/chat/completions`, { model: 'x', messages: [] });
    assert.equal(res.headers.get('content-type'), 'application/json');
    assert.equal(await res.text(), readFileSync(fixturePath('openai-chat/openai-text.json'), 'utf8'));
  });

  it('a JSON error fixture is served with its HTTP status', async () => {
    up.next(replayFixture('gemini/google-429-retry-info.json', { headers: { 'retry-after': '34' } }));
    const res = await post(`${up.url}/v1beta/models/gemini:generateContent`, {});
    assert.equal(res.status, 429);
    assert.equal(res.headers.get('retry-after'), '34');
    assert.equal(((await res.json()) as { error: { status: string } }).error.status, 'RESOURCE_EXHAUSTED');
  });

  it('framing can be overridden', () => {
    assert.deepEqual(frameSse(['{"a":1}'], 'data'), ['data: {"a":1}\n\n']);
    assert.deepEqual(frameSse([{ type: 'ping' }], 'anthropic'), ['event: ping\ndata: {"type":"ping"}\n\n']);
    assert.deepEqual(frameSse(['raw bytes'], 'raw'), ['raw bytes']);
    assert.deepEqual(frameSse(['{}'], 'gemini'), ['data: {}\r\n\r\n']);
  });
});

describe('fake upstream: recording and scripting', () => {
  let up: FakeUpstream;
  before(async () => {
    up = await startFakeUpstream();
  });
  after(() => up.close());

  it('records method, url, headers, raw and parsed body', async () => {
    up.reset();
    const res = await post(
      `${up.url}/v1/chat/completions?x=1`,
      { model: 'm', messages: [{ role: 'user', content: 'hi' }] },
      { authorization: 'Bearer k' },
    );
    await res.arrayBuffer();
    const [r] = await up.waitForRequests(1);
    assert.equal(r!.method, 'POST');
    assert.equal(r!.url, '/v1/chat/completions?x=1');
    assert.equal(r!.headers.authorization, 'Bearer k');
    assert.equal(r!.body.model, 'm');
    assert.equal(r!.rawBody.toString(), JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }));
    await r!.closed;
    assert.equal(r!.responseEnded, true);
    assert.equal(r!.closedEarly, false);
  });

  it('answers like an OpenAI-compatible server by default', async () => {
    const res = await post(`${up.url}/v1/chat/completions`, { model: 'm', messages: [{ role: 'user', content: 'hello you' }] });
    assert.equal(res.status, 200);
    assert.ok(res.headers.get('x-request-id'));
    const body = (await res.json()) as { object: string; model: string; usage: { prompt_tokens: number } };
    assert.equal(body.object, 'chat.completion');
    assert.equal(body.model, 'm');
    assert.equal(body.usage.prompt_tokens, 2);
    const stream = await post(`${up.url}/v1/chat/completions`, { model: 'm', stream: true, messages: [{ role: 'user', content: 'x' }] });
    const events = await readSse(stream.body);
    assert.equal(events.at(-1)!.data, '[DONE]');
    const models = (await (await fetch(`${up.url}/v1/models`)).json()) as { data: { id: string }[] };
    assert.deepEqual(
      models.data.map((m) => m.id),
      ['mock'],
    );
    assert.equal((await fetch(`${up.url}/nope`)).status, 404);
  });

  it('next() queues handlers for the next requests, then the default returns', async () => {
    up.next(json(418, { error: { message: 'teapot' } }, { 'x-ratelimit-remaining': '0' })).next(text(502, '<html>bad gateway</html>'));
    const a = await post(`${up.url}/v1/chat/completions`, {});
    assert.equal(a.status, 418);
    assert.equal(a.headers.get('x-ratelimit-remaining'), '0');
    assert.deepEqual(await a.json(), { error: { message: 'teapot' } });
    const b = await post(`${up.url}/v1/chat/completions`, {});
    assert.equal(b.status, 502);
    assert.match(b.headers.get('content-type')!, /text\/html/);
    assert.equal(await b.text(), '<html>bad gateway</html>');
    const c = await post(`${up.url}/v1/chat/completions`, { model: 'm', messages: [{ role: 'user', content: 'x' }] });
    assert.equal(c.status, 200);
    await c.arrayBuffer();
  });

  it('sse() writes lines with the chosen framing and delays', async () => {
    up.next(sse([{ a: 1 }, '{"b":2}'], { delayMs: 60 }));
    const t0 = performance.now();
    const res = await post(`${up.url}/v1/chat/completions`, {});
    assert.equal(await collectText(res.body), 'data: {"a":1}\n\ndata: {"b":2}\n\ndata: [DONE]\n\n');
    assert.ok(performance.now() - t0 >= 100, 'two pauses between three events');
  });

  it('slowHeaders() delays the status line', async () => {
    up.next(slowHeaders(150, json(200, { ok: true })));
    const t0 = performance.now();
    const res = await post(`${up.url}/x`, {});
    assert.ok(performance.now() - t0 >= 140);
    assert.deepEqual(await res.json(), { ok: true });
  });

  it('hang() never answers; a client abort shows as closedEarly', async () => {
    up.reset();
    up.next(hang());
    const controller = new AbortController();
    const pending = fetch(`${up.url}/v1/chat/completions`, { method: 'POST', body: '{}', signal: controller.signal }).catch(
      (e: unknown) => e,
    );
    const [rec] = await up.waitForRequests(1);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(rec!.responseEnded, false);
    assert.equal(rec!.closedEarly, false);
    controller.abort();
    assert.equal(((await pending) as Error).name, 'AbortError');
    await rec!.closed;
    assert.equal(rec!.closedEarly, true);
  });

  it('a client disconnect resolves `closed` with closedEarly', async () => {
    up.next(hang({ sendHeaders: true, chunks: ['data: {"x":1}\n\n'] }));
    const controller = new AbortController();
    const res = await fetch(`${up.url}/v1/chat/completions`, { method: 'POST', body: '{}', signal: controller.signal });
    const reader = res.body!.getReader();
    const first = await reader.read();
    assert.equal(Buffer.from(first.value!).toString(), 'data: {"x":1}\n\n');
    const rec = up.lastRequest!;
    assert.equal(rec.closedEarly, false);
    controller.abort();
    await rec.closed;
    assert.equal(rec.closedEarly, true);
    assert.equal(rec.signal.aborted, true);
  });

  it('destroyMidStream() sends N events then cuts the connection', async () => {
    up.next(destroyMidStream(3));
    const events: string[] = [];
    await new Promise<void>((resolve) => {
      const req = request(`${up.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
        assert.equal(res.statusCode, 200);
        let buf = '';
        res.setEncoding('utf8');
        res.on('data', (s: string) => (buf += s));
        res.on('error', () => {});
        res.on('close', () => {
          events.push(...parseSse(buf).map((e) => e.data));
          assert.equal(res.complete, false);
          resolve();
        });
      });
      req.on('error', () => resolve());
      req.end(JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }));
    });
    assert.equal(events.length, 3);
    assert.ok(!events.includes('[DONE]'));
    const rec = up.lastRequest!;
    await rec.closed;
    assert.equal(rec.destroyedByFake, true);
    assert.equal(rec.closedEarly, true);
  });

  it('largeChunks() stops writing when the reader does not read (backpressure)', async () => {
    up.next(largeChunks(2000, 64 * 1024));
    const res = await fetch(`${up.url}/v1/chat/completions`, { method: 'POST', body: '{"model":"m"}' });
    const reader = res.body!.getReader();
    await reader.read();
    await new Promise((r) => setTimeout(r, 300));
    const rec = up.lastRequest!;
    assert.ok(rec.drainWaits >= 1, 'the writer waited for drain');
    assert.ok(rec.chunksSent < 200, `only a bounded number of chunks went out (${rec.chunksSent})`);
    const sentWhilePaused = rec.chunksSent;
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(rec.chunksSent, sentWhilePaused, 'nothing more is written while the reader is paused');
    await reader.cancel();
    await rec.closed;
    assert.equal(rec.closedEarly, true);
  });

  it('largeChunks() delivers everything to a reader that reads', async () => {
    up.next(largeChunks(50, 10_000));
    const res = await fetch(`${up.url}/v1/chat/completions`, { method: 'POST', body: '{"model":"m"}' });
    const events = sseJson<{ choices: { delta: { content?: string } }[] }>(await readSse(res.body));
    assert.equal(events.length, 52);
    assert.equal(events[1]!.choices[0]!.delta.content!.length, 10_000);
  });
});
