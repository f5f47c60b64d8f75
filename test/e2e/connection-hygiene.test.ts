/**
 * Connection hygiene (issue #14 item 5): an answer sent before the request body was read (401,
 * 413) reaches a client that is still sending it (the body is read and discarded up to 1 MiB or
 * 5 s before the connection closes), with raw socket writers, fast and slow, keep-alive and
 * `connection: close`; a passed-through reply that claims JSON but is not is a 502; upstream CORS
 * headers and headers named in a `Connection` header do not pass.
 */
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { startFakeUpstream, type FakeHandler, type FakeUpstream } from '../helpers/fake-upstream.js';
import { byRequestId, chatCompletion, post, receivedWithId, rid } from '../helpers/e2e.js';
import { startGateway, type RunningGateway } from '../helpers/start-gateway.js';

const KEY = 'sk-inbound-hygiene-0123456789';

interface RawResult {
  /** The status line's code, '' when nothing was read. */
  status: string;
  /** The socket error the writer saw (EPIPE, ECONNRESET), or null. */
  error: string | null;
  /** Milliseconds from the headers until the gateway closed its side (FIN), or null when it did not. */
  closedAfterMs: number | null;
  /** Body bytes written when the gateway closed its side (or by the end). */
  sentAtClose: number;
  text: string;
}

interface RawRequest {
  size: number;
  chunk: number;
  pauseMs: number;
  headers: string;
  /** Stop waiting for the gateway to close after this long (default 10 s). */
  waitMs?: number;
}

/** Writes a request with a `size`-byte body over a raw socket, reading whatever the gateway answers meanwhile. */
function rawPost(port: number, r: RawRequest): Promise<RawResult> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let text = '';
    let error: string | null = null;
    let startedAt = 0;
    let closedAfterMs: number | null = null;
    let sent = 0;
    let sentAtClose: number | null = null;
    socket.on('data', (d) => (text += d.toString('latin1')));
    socket.on('end', () => {
      closedAfterMs ??= performance.now() - startedAt;
      sentAtClose ??= sent;
      // As an HTTP client does once the server has answered and closed: stop sending.
      socket.destroy();
    });
    socket.on('error', (e: NodeJS.ErrnoException) => (error = e.code ?? e.message));
    const giveUp = setTimeout(() => socket.destroy(), r.waitMs ?? 10_000);
    socket.on('close', () => {
      clearTimeout(giveUp);
      resolve({ status: text.slice(9, 12), error, closedAfterMs, sentAtClose: sentAtClose ?? sent, text });
    });
    socket.on('connect', async () => {
      startedAt = performance.now();
      socket.write(
        `POST /v1/chat/completions HTTP/1.1\r\nhost: gw\r\ncontent-type: application/json\r\ncontent-length: ${r.size}\r\n${r.headers}\r\n`,
      );
      const piece = Buffer.alloc(r.chunk, 0x20);
      for (; sent < r.size && !socket.destroyed; sent += r.chunk) {
        if (!socket.write(sent + r.chunk <= r.size ? piece : piece.subarray(0, r.size - sent))) {
          await new Promise((done) => socket.once('drain', done).once('close', done));
        }
        if (r.pauseMs > 0) await delay(r.pauseMs);
      }
      if (!socket.destroyed) socket.end();
    });
  });
}

describe('answers sent before the body is read reach the client (issue #14 item 5)', () => {
  let gw: RunningGateway;

  before(async () => {
    gw = await startGateway({
      config: {
        logging: { level: 'error' },
        server: { api_keys: [KEY], body_limit_mb: 1 },
        backends: [{ id: 'm', type: 'mock', models: ['*'] }],
      },
    });
  });

  after(async () => {
    await gw?.stop();
  });

  const AUTH = `authorization: Bearer ${KEY}\r\n`;
  const CLOSE = 'connection: close\r\n';
  const cases: Array<{ name: string; status: string; request: RawRequest }> = [
    { name: '401, 4 MiB written fast', status: '401', request: { size: 4 << 20, chunk: 64 << 10, pauseMs: 0, headers: '' } },
    {
      name: '401, 4 MiB written fast, connection: close',
      status: '401',
      request: { size: 4 << 20, chunk: 64 << 10, pauseMs: 0, headers: CLOSE },
    },
    { name: '401, 1.5 MiB written slowly', status: '401', request: { size: 1536 << 10, chunk: 64 << 10, pauseMs: 4, headers: CLOSE } },
    { name: '413, 4 MiB written fast', status: '413', request: { size: 4 << 20, chunk: 64 << 10, pauseMs: 0, headers: AUTH } },
    {
      name: '413, 4 MiB written fast, connection: close',
      status: '413',
      request: { size: 4 << 20, chunk: 64 << 10, pauseMs: 0, headers: AUTH + CLOSE },
    },
    { name: '413, 1.5 MiB written slowly', status: '413', request: { size: 1536 << 10, chunk: 64 << 10, pauseMs: 4, headers: AUTH } },
  ];
  for (const c of cases) {
    it(`${c.name}: the client reads the ${c.status} 30 times of 30`, async () => {
      const outcomes: string[] = [];
      for (let i = 0; i < 30; i++) {
        const r = await rawPost(gw.port, c.request);
        outcomes.push(r.status === c.status ? 'ok' : `${r.status || 'nothing'} ${r.error ?? ''}`);
      }
      assert.deepEqual(
        outcomes.filter((o) => o !== 'ok'),
        [],
        `${outcomes.filter((o) => o === 'ok').length}/30 read the ${c.status}`,
      );
    });
  }

  it('a body after a 401 is read to its end and the keep-alive connection serves the next request', async () => {
    const request = (auth: string, body: string) =>
      `POST /v1/chat/completions HTTP/1.1\r\nhost: gw\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n${auth}\r\n${body}`;
    const socket = net.connect(gw.port, '127.0.0.1');
    let text = '';
    socket.on('data', (d) => (text += d.toString()));
    await new Promise((done) => socket.once('connect', done));
    socket.write(request('', ' '.repeat(200_000)));
    socket.write(request(AUTH, '{"model":"m","messages":[{"role":"user","content":"hi"}]}'));
    const deadline = Date.now() + 5000;
    while (!/HTTP\/1\.1 200/.test(text) && !socket.destroyed && Date.now() < deadline) await delay(20);
    socket.destroy();
    assert.match(text, /^HTTP\/1\.1 401[\s\S]*HTTP\/1\.1 200/);
  });

  it('a body past 1 MiB is not read on: the gateway ends the connection after the answer, well within 5 s', async () => {
    const r = await rawPost(gw.port, { size: 64 << 20, chunk: 64 << 10, pauseMs: 0, headers: '', waitMs: 8000 });
    assert.equal(r.status, '401');
    assert.ok(r.closedAfterMs !== null && r.closedAfterMs < 5500, `closed after ${r.closedAfterMs} ms`);
    // 1 MiB read, plus what the socket buffers hold: far from the 64 MiB the client offered.
    assert.ok(r.sentAtClose < 32 << 20, `${r.sentAtClose} bytes were taken before the gateway closed`);
  });
});

describe('what the upstream answers is checked and cleaned before it is passed on (issue #14 item 5)', () => {
  let upstream: FakeUpstream;
  let gw: RunningGateway;
  const handler = byRequestId();
  const ORIGIN = 'https://app.example';

  before(async () => {
    upstream = await startFakeUpstream(handler);
    gw = await startGateway({
      config: {
        logging: { level: 'error' },
        server: { cors: { origins: [ORIGIN] } },
        backends: [
          { id: 'oa', type: 'openai', base_url: upstream.url, models: ['gpt-*'], skip_probe: true },
          {
            id: 'claude',
            type: 'anthropic',
            base_url: upstream.url,
            api_key: 'sk-ant-hygiene-0123456789',
            models: ['claude-*'],
            skip_probe: true,
          },
        ],
      },
    });
  });

  after(async () => {
    await gw?.stop();
    await upstream?.close();
  });

  const chat = { model: 'gpt-a', messages: [{ role: 'user', content: 'hi' }] };
  const body = (status: number, text: string, headers: Record<string, string> = {}): FakeHandler => {
    return (_req, res) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(text);
    };
  };

  it('a passed-through reply that says JSON but is not (an HTML page, a body cut short) is a 502 in the client’s envelope', async () => {
    for (const text of ['<html><body>502 Bad Gateway</body></html>', '{"id":"chatcmpl-1","choices":[{"index":0,', '']) {
      const id = rid('json');
      handler.on(id, body(200, text));
      const reply = await post(`${gw.url}/v1/chat/completions`, chat, { 'x-request-id': id });
      assert.equal(reply.status, 502, reply.text);
      assert.equal(reply.json().error.code, 'upstream_malformed');
      assert.match(reply.json().error.message, /backend oa sent a reply whose Content-Type says JSON but whose body is not valid JSON/);
    }
    const id = rid('json');
    handler.on(id, body(200, '<html>oops</html>'));
    const anthropic = await post(
      `${gw.url}/v1/messages`,
      { model: 'claude-a', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] },
      { 'x-request-id': id, 'anthropic-version': '2023-06-01' },
    );
    assert.equal(anthropic.status, 502);
    assert.equal(anthropic.json().type, 'error');
    assert.equal(anthropic.json().error.type, 'api_error');
    const ok = rid('json');
    handler.on(ok, body(200, JSON.stringify(chatCompletion('gpt-a', { content: 'fine' }))));
    assert.equal((await post(`${gw.url}/v1/chat/completions`, chat, { 'x-request-id': ok })).status, 200);
  });

  it('upstream access-control-* headers never override the gateway’s CORS policy', async () => {
    const id = rid('cors');
    handler.on(
      id,
      body(200, JSON.stringify(chatCompletion('gpt-a', { content: 'hi' })), {
        'access-control-allow-origin': '*',
        'access-control-allow-credentials': 'true',
        'access-control-expose-headers': 'x-upstream-secret',
      }),
    );
    const reply = await post(`${gw.url}/v1/chat/completions`, chat, { 'x-request-id': id, origin: ORIGIN });
    assert.equal(reply.status, 200);
    assert.equal(reply.headers.get('access-control-allow-origin'), ORIGIN);
    assert.equal(reply.headers.get('access-control-allow-credentials'), null);
    assert.doesNotMatch(reply.headers.get('access-control-expose-headers') ?? '', /x-upstream-secret/);
  });

  it('headers a Connection header names are hop-by-hop: neither returned to the client nor forwarded upstream (RFC 9110 §7.6.1)', async () => {
    const id = rid('hop');
    handler.on(
      id,
      body(200, JSON.stringify(chatCompletion('gpt-a', { content: 'hi' })), {
        connection: 'keep-alive, x-upstream-hop',
        'x-upstream-hop': 'for the proxy only',
        'x-upstream-kept': 'yes',
      }),
    );
    const payload = JSON.stringify(chat);
    const reply = await new Promise<{ status: number; headers: Record<string, unknown> }>((resolve, reject) => {
      const req = httpRequest(
        `${gw.url}/v1/chat/completions`,
        {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(payload),
            'x-request-id': id,
            connection: 'keep-alive, x-client-hop',
            'x-client-hop': 'for the gateway only',
            'x-client-kept': 'yes',
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
    assert.equal(reply.status, 200);
    assert.equal(reply.headers['x-upstream-hop'], undefined);
    assert.equal(reply.headers['x-upstream-kept'], 'yes');
    const sent = await receivedWithId(upstream, id);
    assert.equal(sent.headers['x-client-hop'], undefined);
    assert.equal(sent.headers['x-client-kept'], 'yes');
  });
});
