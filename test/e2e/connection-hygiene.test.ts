/**
 * Connection hygiene (issue #14 item 5): an answer sent before the request body was read (401,
 * 413) reaches a client that is still sending it (the body is read and discarded up to 1 MiB or
 * 5 s before the connection closes), with raw socket writers, fast and slow, keep-alive and
 * `connection: close`.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
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
