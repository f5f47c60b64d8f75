/**
 * Errors (SPEC §3) through the built gateway: the gateway's own (unknown path, malformed JSON,
 * body too large, missing / unknown model), the upstream's (4xx/5xx passed on, 401/403 → 502,
 * echoed secrets redacted), transport failures (refused, DNS, malformed reply → 502; timeouts →
 * 504; a stream that stalls → a final SSE error event), and the response headers every reply
 * carries (request ids, no set-cookie, SSE cache headers).
 */
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { destroyMidStream, hang, json, sse, startFakeUpstream, text, type FakeUpstream } from '../helpers/fake-upstream.js';
import { parseSse } from '../helpers/sse.js';
import { freePort, startGateway, type RunningGateway } from '../helpers/start-gateway.js';
import {
  allWithId,
  assertAnthropicError,
  assertOpenAIError,
  byModel,
  chatChunk,
  chatCompletion,
  GENERATED_ID,
  get,
  post,
  receivedWithId,
  rid,
  textChunks,
  withTimeout,
  type RawReply,
} from '../helpers/e2e.js';

/** Deliberately not shaped like a well-known key: only the configured-secret redaction can hide it. */
const BACKEND_KEY = 'e2e-backend-secret-7f3a9c41d2';
const MESSAGES = [{ role: 'user', content: 'hi' }];

function chat(model: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { model, messages: MESSAGES, ...extra };
}

function assertRequestId(reply: RawReply, sent?: string): string {
  const id = reply.headers.get('x-request-id');
  assert.ok(id, 'every response carries x-request-id');
  if (sent) assert.equal(id, sent);
  return id;
}

/** A TCP server that answers anything with bytes that are not HTTP. */
async function startGarbageServer(): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    socket.once('data', () => socket.end('SSH-2.0-OpenSSH_9.6\r\n\x00\x01\x02 this is not HTTP \xff\r\n\r\n'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

describe('errors', () => {
  let upstream: FakeUpstream;
  let garbage: Awaited<ReturnType<typeof startGarbageServer>>;
  let gw: RunningGateway;

  before(async () => {
    upstream = await startFakeUpstream(
      byModel({
        'up-ok': json(200, chatCompletion('up-ok', { content: 'fine' }), {
          'x-request-id': 'upstream-id-77',
          'set-cookie': 'sid=secret; Path=/; HttpOnly',
        }),
        'up-400': json(400, {
          error: { message: "'temperature' must be at most 2", type: 'invalid_request_error', param: 'temperature', code: 'invalid_value' },
        }),
        'up-429': json(
          429,
          { error: { message: 'Rate limit reached for requests', type: 'rate_limit_error', param: null, code: 'rate_limit_exceeded' } },
          { 'retry-after': '7', 'x-ratelimit-remaining-requests': '0', 'set-cookie': 'track=1' },
        ),
        'up-500': json(
          500,
          { error: { message: 'The server had an error while processing your request', type: 'server_error', param: null, code: null } },
          {
            'x-request-id': 'upstream-500-id',
          },
        ),
        'up-503-html': text(503, '<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>'),
        'up-401': json(
          401,
          { error: { message: 'Incorrect API key provided', type: 'invalid_request_error', param: null, code: 'invalid_api_key' } },
          { 'x-request-id': 'upstream-401-id' },
        ),
        'up-403': json(403, { error: { message: 'Project does not have access', type: 'permission_error', param: null, code: null } }),
        'up-echo': json(400, {
          error: {
            message: `Invalid key "${BACKEND_KEY}" for this project (Bearer ${BACKEND_KEY})`,
            type: 'invalid_request_error',
            param: null,
            code: null,
          },
        }),
        'up-sse': sse(textChunks('up-sse', ['a', 'b']), {
          headers: { 'cache-control': 'private, max-age=600', 'set-cookie': 'sse=1', 'x-request-id': 'upstream-sse-id' },
        }),
        'up-reset': destroyMidStream(2, { lines: textChunks('up-reset', ['one', 'two', 'three', 'four']) }),
        'slow-hang': hang(),
        'slow-stall': hang({ chunks: [`data: ${JSON.stringify(chatChunk('slow-stall', { role: 'assistant', content: 'partial' }))}\n\n`] }),
      }),
    );
    garbage = await startGarbageServer();
    const deadPort = await freePort();
    const backend = (id: string, baseUrl: string, models: string[], extra: Record<string, unknown> = {}) => ({
      id,
      type: 'openai',
      base_url: baseUrl,
      api_key: BACKEND_KEY,
      connect_timeout_seconds: 2,
      models,
      ...extra,
    });
    gw = await startGateway({
      config: {
        logging: { level: 'error' },
        server: { body_limit_mb: 0.01 },
        backends: [
          backend('up', upstream.url, ['ok-model', 'up-*']),
          backend('slow', upstream.url, ['slow-*'], { timeout_seconds: 0.5 }),
          backend('refused', `http://127.0.0.1:${deadPort}`, ['refused-*']),
          backend('dns', 'http://nonexistent.invalid', ['dns-*']),
          backend('garbage', garbage.url, ['garbage-*']),
          { ...backend('anth', upstream.url, ['claude-*']), type: 'anthropic' },
        ],
      },
    });
  });

  after(async () => {
    await gw?.stop();
    await upstream?.close();
    await garbage?.close();
  });

  describe("the gateway's own errors", () => {
    it('unknown path: 404 in the OpenAI envelope', async () => {
      const id = rid('nopath');
      const r1 = await get(`${gw.url}/v1/no-such-thing`, { 'x-request-id': id });
      assertOpenAIError(r1, 404, /no-such-thing/);
      assertRequestId(r1, id);
      const r2 = await post(`${gw.url}/v2/chat/completions`, chat('up-ok'));
      assertOpenAIError(r2, 404);
      assertRequestId(r2);
      assert.equal(allWithId(upstream, id).length, 0);
    });

    it('malformed JSON: 400, nothing sent upstream', async () => {
      const id = rid('badjson');
      const reply = await post(`${gw.url}/v1/chat/completions`, '{"model": "up-ok", "messages": [', { 'x-request-id': id });
      const err = assertOpenAIError(reply, 400, /JSON/i);
      assert.equal(err.type, 'invalid_request_error');
      assertRequestId(reply, id);
      assert.equal(allWithId(upstream, id).length, 0);
    });

    it('body over server.body_limit_mb: 413 (also when it is malformed too)', async () => {
      const id = rid('big');
      const big = JSON.stringify(chat('up-ok', { padding: 'x'.repeat(20_000) }));
      const reply = await post(`${gw.url}/v1/chat/completions`, big, { 'x-request-id': id });
      const err = assertOpenAIError(reply, 413, /limit of 0\.01 MB/);
      assert.equal(err.code, 'request_too_large');
      assertRequestId(reply, id);
      const malformedBig = await post(`${gw.url}/v1/chat/completions`, `{${'x'.repeat(20_000)}`);
      assertOpenAIError(malformedBig, 413);
      // Anthropic clients get their own envelope and error type.
      const anthropic = await post(`${gw.url}/v1/messages`, big, { 'anthropic-version': '2023-06-01' });
      assertAnthropicError(anthropic, 413, 'request_too_large');
      assert.equal(allWithId(upstream, id).length, 0);
    });

    it('a body of an unsupported Content-Type (application/xml): 415 in the OpenAI envelope', async () => {
      const id = rid('media');
      const reply = await post(`${gw.url}/v1/chat/completions`, '<model>up-ok</model>', {
        'content-type': 'application/xml',
        'x-request-id': id,
      });
      const err = assertOpenAIError(reply, 415, /application\/json/);
      assert.equal(err.code, 'unsupported_media_type');
      assertRequestId(reply, id);
      assert.equal(allWithId(upstream, id).length, 0);
    });

    it('missing model: 400 naming the field', async () => {
      const id = rid('nomodel');
      const reply = await post(`${gw.url}/v1/chat/completions`, { messages: MESSAGES }, { 'x-request-id': id });
      const err = assertOpenAIError(reply, 400, /model/);
      assert.equal(err.param, 'model');
      assertRequestId(reply, id);
      const notString = await post(`${gw.url}/v1/chat/completions`, { model: 42, messages: MESSAGES });
      assert.equal(assertOpenAIError(notString, 400, /model/).param, 'model');
      assert.equal(allWithId(upstream, id).length, 0);
    });

    it('unknown model: 404 model_not_found listing the models that exist', async () => {
      const id = rid('nomatch');
      const reply = await post(`${gw.url}/v1/chat/completions`, chat('no-such-model'), { 'x-request-id': id });
      const err = assertOpenAIError(reply, 404, /no-such-model/);
      assert.equal(err.code, 'model_not_found');
      assert.match(err.message, /ok-model/, 'the message lists the models that exist');
      assertRequestId(reply, id);
      assert.equal(allWithId(upstream, id).length, 0);
    });
    it('embeddings to a backend that cannot serve them: 400 naming the backend, nothing sent upstream', async () => {
      const id = rid('noemb');
      const reply = await post(`${gw.url}/v1/embeddings`, { model: 'claude-haiku-4-5', input: 'hello' }, { 'x-request-id': id });
      const err = assertOpenAIError(reply, 400, /anth/);
      assert.equal(err.code, 'unsupported_operation');
      assert.match(err.message, /embeddings/);
      assertRequestId(reply, id);
      assert.equal(allWithId(upstream, id).length, 0);
    });
  });

  describe('upstream HTTP errors', () => {
    it('400 passed on with status and message', async () => {
      const id = rid('u400');
      const reply = await post(`${gw.url}/v1/chat/completions`, chat('up-400'), { 'x-request-id': id });
      const err = assertOpenAIError(reply, 400, /'temperature' must be at most 2/);
      assert.equal(err.param, 'temperature');
      assertRequestId(reply, id);
      assert.equal((await receivedWithId(upstream, id)).body.model, 'up-400');
    });

    it('429 passed on with retry-after and x-ratelimit-*, without set-cookie', async () => {
      const id = rid('u429');
      const reply = await post(`${gw.url}/v1/chat/completions`, chat('up-429'), { 'x-request-id': id });
      const err = assertOpenAIError(reply, 429, /Rate limit reached/);
      assert.equal(err.type, 'rate_limit_error');
      assert.equal(reply.headers.get('retry-after'), '7');
      assert.equal(reply.headers.get('x-ratelimit-remaining-requests'), '0');
      assert.equal(reply.headers.get('set-cookie'), null);
      assertRequestId(reply, id);
      await receivedWithId(upstream, id);
    });

    it("500 passed on with status and message, and the upstream's request id", async () => {
      const id = rid('u500');
      const reply = await post(`${gw.url}/v1/chat/completions`, chat('up-500'), { 'x-request-id': id });
      assertOpenAIError(reply, 500, /server had an error/);
      assertRequestId(reply, id);
      assert.equal(reply.headers.get('x-upstream-request-id'), 'upstream-500-id');
      await receivedWithId(upstream, id);
    });

    it('an HTML 503 page is passed on as an OpenAI error with its status', async () => {
      const reply = await post(`${gw.url}/v1/chat/completions`, chat('up-503-html'));
      assertOpenAIError(reply, 503, /Service Temporarily Unavailable/);
      assertRequestId(reply);
    });

    for (const status of [401, 403]) {
      it(`${status} becomes 502 "rejected the gateway's credentials"`, async () => {
        const id = rid(`u${status}`);
        const reply = await post(`${gw.url}/v1/chat/completions`, chat(`up-${status}`), { 'x-request-id': id });
        const err = assertOpenAIError(reply, 502, /backend up rejected the gateway's credentials/);
        assert.equal(err.type, 'server_error');
        assertRequestId(reply, id);
        assert.equal((await receivedWithId(upstream, id)).headers.authorization, `Bearer ${BACKEND_KEY}`);
        if (status === 401) assert.equal(reply.headers.get('x-upstream-request-id'), 'upstream-401-id');
      });
    }

    it('the backend key echoed in an upstream message is redacted', async () => {
      const id = rid('echo');
      const reply = await post(`${gw.url}/v1/chat/completions`, chat('up-echo'), { 'x-request-id': id });
      const err = assertOpenAIError(reply, 400, /Invalid key/);
      assert.ok(!reply.text.includes(BACKEND_KEY), `the key leaked: ${reply.text}`);
      assert.ok(!reply.text.includes('7f3a9c41d2'), `part of the key leaked: ${reply.text}`);
      assert.match(err.message, /\[REDACTED\]/);
      await receivedWithId(upstream, id);
    });
  });

  describe('transport failures', () => {
    it('connection refused → 502', async () => {
      const reply = await post(`${gw.url}/v1/chat/completions`, chat('refused-model'));
      assertOpenAIError(reply, 502, /refused/);
      assertRequestId(reply);
    });

    it('DNS failure → 502', async () => {
      const reply = await post(`${gw.url}/v1/chat/completions`, chat('dns-model'));
      assertOpenAIError(reply, 502, /resolved|DNS/);
      assertRequestId(reply);
    });

    it('a malformed (non-HTTP) upstream reply → 502', async () => {
      const reply = await post(`${gw.url}/v1/chat/completions`, chat('garbage-model'));
      assertOpenAIError(reply, 502, /backend garbage/);
      assertRequestId(reply);
    });

    it('upstream hangs before headers (timeout_seconds 0.5) → 504, and the upstream connection is closed', async () => {
      const id = rid('hang');
      const started = performance.now();
      const reply = await post(`${gw.url}/v1/chat/completions`, chat('slow-hang'), { 'x-request-id': id });
      const elapsed = performance.now() - started;
      const err = assertOpenAIError(reply, 504, /timed out/);
      assert.equal(err.type, 'timeout_error');
      assert.ok(elapsed >= 400 && elapsed < 3000, `504 after ${Math.round(elapsed)} ms`);
      assertRequestId(reply, id);
      const got = await receivedWithId(upstream, id);
      await withTimeout(got.closed, 2000, 'the upstream connection to close');
      assert.equal(got.closedEarly, true);
    });

    it('upstream stalls mid-stream → a final data: {"error":…} event and no [DONE]', async () => {
      const id = rid('stall');
      const reply = await post(`${gw.url}/v1/chat/completions`, chat('slow-stall', { stream: true }), { 'x-request-id': id });
      assert.equal(reply.status, 200);
      assertRequestId(reply, id);
      assert.ok(!reply.text.includes('[DONE]'), reply.text);
      const events = parseSse(reply.text);
      assert.equal(events.length, 2, reply.text);
      assert.equal(JSON.parse(events[0]!.data).choices[0].delta.content, 'partial');
      const last = JSON.parse(events[1]!.data) as { error: { message: string; type: string; code: string | null } };
      assert.match(last.error.message, /timed out/);
      assert.equal(last.error.type, 'timeout_error');
      assert.match(reply.text, /\n\ndata: \{"error":\{[^\n]*\}\}\n\n$/);
      const got = await receivedWithId(upstream, id);
      await withTimeout(got.closed, 2000, 'the stalled upstream connection to close');
      assert.equal(got.closedEarly, true);
    });

    it('upstream resets mid-stream → a final error event, no [DONE]', async () => {
      const reply = await post(`${gw.url}/v1/chat/completions`, chat('up-reset', { stream: true }));
      assert.equal(reply.status, 200);
      const events = parseSse(reply.text);
      assert.ok(!reply.text.includes('[DONE]'));
      assert.equal(events.length, 3, reply.text);
      const last = JSON.parse(events.at(-1)!.data) as { error?: { message: string } };
      assert.match(last.error?.message ?? '', /backend up/);
    });
  });

  describe('response headers', () => {
    it('a sane client x-request-id is echoed and sent upstream', async () => {
      const id = 'client:req_123.abc@edge-7';
      const reply = await post(`${gw.url}/v1/chat/completions`, chat('up-ok'), { 'x-request-id': id });
      assert.equal(reply.status, 200);
      assertRequestId(reply, id);
      assert.equal((await receivedWithId(upstream, id)).headers['x-request-id'], id);
    });

    for (const [what, insane] of [
      ['300 characters', 'a'.repeat(300)],
      ['spaces', 'has spaces in it'],
      ['a newline-free injection attempt', 'abc"}<script>'],
    ] as const) {
      it(`an insane client x-request-id (${what}) is replaced`, async () => {
        const reply = await post(`${gw.url}/v1/chat/completions`, chat('up-ok'), { 'x-request-id': insane });
        assert.equal(reply.status, 200);
        const id = assertRequestId(reply);
        assert.notEqual(id, insane);
        assert.match(id, GENERATED_ID);
        // The generated id is also the one the upstream saw.
        assert.equal((await receivedWithId(upstream, id)).headers['x-request-id'], id);
        const err = await get(`${gw.url}/v1/nope`, { 'x-request-id': insane });
        assert.match(assertRequestId(err), GENERATED_ID);
      });
    }

    it("the upstream's x-request-id comes back as x-upstream-request-id; set-cookie never reaches the client", async () => {
      const reply = await post(`${gw.url}/v1/chat/completions`, chat('up-ok'));
      assert.equal(reply.status, 200);
      assert.equal(reply.json().choices[0].message.content, 'fine');
      assert.equal(reply.headers.get('x-upstream-request-id'), 'upstream-id-77');
      assert.notEqual(reply.headers.get('x-request-id'), 'upstream-id-77');
      assert.equal(reply.headers.get('set-cookie'), null);
    });

    it('SSE responses carry cache-control: no-cache and x-accel-buffering: no (not the upstream values), no set-cookie', async () => {
      const reply = await post(`${gw.url}/v1/chat/completions`, chat('up-sse', { stream: true }));
      assert.equal(reply.status, 200);
      assert.match(reply.headers.get('content-type') ?? '', /^text\/event-stream/);
      assert.equal(reply.headers.get('cache-control'), 'no-cache');
      assert.equal(reply.headers.get('x-accel-buffering'), 'no');
      assert.equal(reply.headers.get('content-encoding'), null);
      assert.equal(reply.headers.get('set-cookie'), null);
      assert.equal(reply.headers.get('x-upstream-request-id'), 'upstream-sse-id');
      assert.match(reply.text, /data: \[DONE\]\n\n$/);
    });

    it('a compressing client still gets an uncompressed SSE stream', async () => {
      const reply = await post(`${gw.url}/v1/chat/completions`, chat('up-sse', { stream: true }), {
        'accept-encoding': 'gzip, deflate, br',
      });
      assert.equal(reply.headers.get('content-encoding'), null);
      assert.equal(parseSse(reply.text).at(-1)!.data, '[DONE]');
    });
  });
});
