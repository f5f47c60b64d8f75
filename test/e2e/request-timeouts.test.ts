/**
 * Request-side time limits (issue #14 item 3): `server.headers_timeout_seconds` and
 * `server.request_timeout_seconds` cut a client that trickles its headers or its body with a 408
 * in the client's envelope and close the connection, with or without a key; they never cut a
 * response, however long it takes or streams (the limits here are 1 s and 2 s; the responses
 * take 4–5 s, what 40 s or more is to the 30 s default).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { json, slowHeaders, sse, startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { assertAnthropicError, assertOpenAIError, byModel, chatCompletion, post, textChunks } from '../helpers/e2e.js';
import { asReply, rawExchange, trickle } from '../helpers/raw-http.js';
import { parseSse } from '../helpers/sse.js';
import { startGateway, type RunningGateway } from '../helpers/start-gateway.js';

const KEY = 'request-timeouts-key-5b1e';
const PIECES = Array.from({ length: 20 }, (_, i) => `p${i} `);

/** A request whose headers announce `body`, then `body` a byte at a time. */
function trickledBody(path: string, body: string, headers: Record<string, string> = {}): string[] {
  const head =
    `POST ${path} HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
    Object.entries(headers)
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('') +
    '\r\n';
  return [head, ...trickle(body)];
}

describe('request-side time limits', () => {
  let upstream: FakeUpstream;
  let gw: RunningGateway;
  let authGw: RunningGateway;

  before(async () => {
    upstream = await startFakeUpstream(
      byModel({
        // ~5 s of streaming: 20 chunks 250 ms apart.
        'slow-stream': sse(textChunks('slow-stream', PIECES), { delayMs: 250 }),
        // 4 s before the headers of a non-streamed reply.
        'slow-json': slowHeaders(4000, json(200, chatCompletion('slow-json', { content: 'late but whole' }))),
      }),
    );
    const config = (apiKeys: string[]) => ({
      server: { request_timeout_seconds: 2, headers_timeout_seconds: 1, api_keys: apiKeys },
      backends: [{ id: 'up', type: 'openai', base_url: upstream.url, models: ['*'] }],
    });
    [gw, authGw] = await Promise.all([
      startGateway({ config: config([]), readyTimeoutMs: 60_000 }),
      startGateway({ config: config([KEY]), readyTimeoutMs: 60_000 }),
    ]);
  });

  after(async () => {
    await Promise.all([gw?.stop(), authGw?.stop()]);
    await upstream?.close();
  });

  it('a body trickled past request_timeout_seconds: 408 in the OpenAI envelope, connection closed', async () => {
    const body = JSON.stringify({ model: 'slow-json', messages: [{ role: 'user', content: 'x'.repeat(300) }] });
    const r = await rawExchange(gw.port, trickledBody('/v1/chat/completions', body), { gapMs: 100, timeoutMs: 15_000 });
    assert.equal(r.closedByServer, true, 'the gateway closes the connection');
    assert.ok(r.unsent > 0, 'the body was cut before it was all sent');
    assert.ok(r.firstByteMs >= 1800 && r.firstByteMs < 10_000, `408 after about 2 s (got ${Math.round(r.firstByteMs)} ms)`);
    const error = assertOpenAIError(asReply(r), 408, /request_timeout_seconds/);
    assert.equal(error.code, 'request_timeout');
    assert.ok(r.headers['x-request-id'], 'the 408 carries a request id');
  });

  it('the same with a valid key, and on /v1/messages in the Anthropic envelope', async () => {
    const body = JSON.stringify({ model: 'slow-json', max_tokens: 10, messages: [{ role: 'user', content: 'y'.repeat(300) }] });
    const r = await rawExchange(authGw.port, trickledBody('/v1/messages', body, { 'x-api-key': KEY }), { gapMs: 100, timeoutMs: 15_000 });
    assert.equal(r.closedByServer, true);
    assertAnthropicError(asReply(r), 408, 'timeout_error');
  });

  it('without a key: the 401 is answered and the trickling connection is closed at the request timeout', async () => {
    const body = JSON.stringify({ model: 'slow-json', messages: [{ role: 'user', content: 'z'.repeat(300) }] });
    const r = await rawExchange(authGw.port, trickledBody('/v1/chat/completions', body), { gapMs: 100, timeoutMs: 15_000 });
    assert.equal(r.status, 401);
    assert.equal(r.closedByServer, true, 'the connection does not stay open while the body trickles');
    assert.ok(r.ms < 10_000, `closed after about 2 s (got ${Math.round(r.ms)} ms)`);
  });

  it('headers trickled past headers_timeout_seconds: 408 and the connection closed', async () => {
    const head =
      'POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\nX-Padding: ' + 'h'.repeat(200) + '\r\n\r\n';
    const r = await rawExchange(gw.port, trickle(head), { gapMs: 100, timeoutMs: 15_000 });
    assert.equal(r.closedByServer, true);
    assert.ok(r.unsent > 0, 'the headers were cut before they were all sent');
    assert.ok(r.firstByteMs >= 900 && r.firstByteMs < 8000, `408 after about 1 s (got ${Math.round(r.firstByteMs)} ms)`);
    assertOpenAIError(asReply(r), 408);
  });

  it('a stream that lasts 2.5× request_timeout_seconds is delivered whole', async () => {
    const started = performance.now();
    const reply = await post(`${gw.url}/v1/chat/completions`, {
      model: 'slow-stream',
      stream: true,
      messages: [{ role: 'user', content: 'long' }],
    });
    const ms = performance.now() - started;
    assert.equal(reply.status, 200);
    assert.ok(ms > 4000, `the stream took its time (${Math.round(ms)} ms)`);
    const events = parseSse(reply.text);
    assert.equal(events.at(-1)?.data, '[DONE]', 'the stream ended normally');
    const text = events
      .filter((e) => e.data !== '[DONE]')
      .map((e) => (JSON.parse(e.data) as { choices: Array<{ delta?: { content?: string } }> }).choices[0]?.delta?.content ?? '')
      .join('');
    assert.equal(text, PIECES.join(''));
  });

  it('a streamed request with a key, over a raw connection: the whole stream, no 408 in it', async () => {
    const body = JSON.stringify({ model: 'slow-stream', stream: true, messages: [{ role: 'user', content: 'long' }] });
    const request =
      `POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer ${KEY}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
    const r = await rawExchange(authGw.port, [request], { timeoutMs: 20_000 });
    assert.equal(r.status, 200);
    assert.equal(r.closedByServer, true);
    assert.ok(r.ms > 4000, `it streamed for ${Math.round(r.ms)} ms`);
    // No 408 status line and no error event anywhere in the bytes (a bare /408/ also matched a
    // random x-request-id such as 62d6f526-2e77-4086-…).
    assert.doesNotMatch(r.raw, /HTTP\/1\.[01] 408/);
    assert.doesNotMatch(r.body, /"error"/);
    assert.match(r.body, /data: \[DONE\]/);
  });

  it('a non-streamed reply that takes 2× request_timeout_seconds arrives whole', async () => {
    const reply = await post(`${gw.url}/v1/chat/completions`, { model: 'slow-json', messages: [{ role: 'user', content: 'wait' }] });
    assert.equal(reply.status, 200);
    assert.equal(reply.json().choices[0].message.content, 'late but whole');
  });
});
