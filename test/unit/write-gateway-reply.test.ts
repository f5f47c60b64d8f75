/**
 * Issue #19: the HTTP layer's side of what an open stream keeps alive. Once the pipeline answered
 * with a stream, Fastify's request no longer holds the request body (parsed or raw), and the
 * stream goes to the raw response with the headers Fastify collected (the request id).
 */
import assert from 'node:assert/strict';
import { PassThrough, Writable } from 'node:stream';
import { describe, it } from 'node:test';
import type { GatewayPipeline } from '@switchyard/kernel';
import type { FastifyReply, FastifyRequest } from 'fastify';
type ReplyModule = typeof import('../../apps/gateway/src/http/write-gateway-reply.js');
const { proxyThroughPipeline } = (await import(
  new URL('../../../apps/gateway/dist/http/write-gateway-reply.js', import.meta.url).href
)) as ReplyModule;

/** A raw response that records its head and body. */
class RecordingResponse extends Writable {
  status = 0;
  head: Record<string, unknown> = {};
  body = '';
  writeHead(status: number, headers: Record<string, unknown>): this {
    this.status = status;
    this.head = headers;
    return this;
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void): void {
    this.body += chunk.toString();
    cb();
  }
}

function fakes(stream: boolean) {
  const upstream = new PassThrough();
  const pipeline = {
    handle: async () => ({
      status: 200,
      headers: { 'content-type': stream ? 'text/event-stream' : 'application/json' },
      body: stream ? upstream : Buffer.from('{"ok":true}'),
      stream,
    }),
  } as unknown as GatewayPipeline;
  const request = {
    body: { model: 'm', messages: [{ role: 'user', content: 'x'.repeat(1000) }] },
    rawBody: Buffer.alloc(1000),
    url: '/v1/chat/completions',
    headers: {},
    id: 'req-1',
    clientKeyId: null,
    log: {},
  } as unknown as FastifyRequest;
  const raw = new RecordingResponse();
  let hijacked = false;
  const sent: unknown[] = [];
  const reply = {
    raw,
    hijack: () => (hijacked = true),
    getHeaders: () => ({ 'x-request-id': 'req-1' }),
    code: () => reply,
    header: () => reply,
    send: (b: unknown) => (sent.push(b), reply),
  } as unknown as FastifyReply;
  return { pipeline, request, reply, raw, upstream, sent, hijacked: () => hijacked };
}

describe('proxyThroughPipeline (issue #19)', () => {
  it('a streamed reply: the request lets go of its body, and the stream is piped to the raw response with Fastify’s headers', async () => {
    const f = fakes(true);
    await proxyThroughPipeline(f.pipeline, 'openai.chat', f.request, f.reply);
    assert.equal(f.request.body, undefined, 'parsed body released');
    assert.equal((f.request as { rawBody?: Buffer }).rawBody, undefined, 'raw bytes released');
    assert.ok(f.hijacked(), 'Fastify no longer sends it');
    assert.equal(f.raw.status, 200);
    assert.equal(f.raw.head['x-request-id'], 'req-1');
    assert.equal(f.raw.head['content-type'], 'text/event-stream');
    f.upstream.end('data: [DONE]\n\n');
    await new Promise((r) => f.raw.once('finish', r));
    assert.equal(f.raw.body, 'data: [DONE]\n\n');
  });

  it('a client that goes away destroys the stream (which drops the upstream request)', async () => {
    const f = fakes(true);
    await proxyThroughPipeline(f.pipeline, 'openai.chat', f.request, f.reply);
    f.raw.destroy();
    await new Promise((r) => setImmediate(r));
    assert.ok(f.upstream.destroyed);
  });

  it('a complete reply still goes through Fastify’s send, and keeps the request as it is', async () => {
    const f = fakes(false);
    await proxyThroughPipeline(f.pipeline, 'openai.chat', f.request, f.reply);
    assert.equal(f.sent.length, 1);
    assert.notEqual(f.request.body, undefined);
  });
});
