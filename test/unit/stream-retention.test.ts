/**
 * Issue #19: what an open stream keeps alive. Once a request went upstream, nothing reads its
 * body again, so a stream that stays open for minutes must not hold it: neither the pipeline's
 * closures (the client's parsed body and raw bytes) nor the upstream dispatch's (the serialised
 * body sent upstream; undici keeps its own bytes until the reply ends, which is undici's). And a
 * reply body whose reader stalls holds a bounded amount; the rest waits in the socket.
 */
import assert from 'node:assert/strict';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { getHeapSnapshot, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Agent } from 'undici';
import { dispatchUpstream, UPSTREAM_BODY_HIGH_WATER_MARK, type GatewayReply, type UpstreamReply } from '@switchyard/kernel';
import { openaiErrorEnvelope } from '@switchyard/plugin-openai';
import { scriptedPipeline } from '../helpers/scripted-pipeline.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Collects garbage until `ref` is cleared (a few rounds: finalisation may need more than one). */
async function collected(ref: WeakRef<object>): Promise<boolean> {
  for (let i = 0; i < 10 && ref.deref() !== undefined; i++) {
    await new Promise((r) => setImmediate(r));
    gc();
  }
  return ref.deref() === undefined;
}

describe('an open stream does not keep its request body alive (issue #19)', () => {
  it('the pipeline holds neither the parsed body nor the raw bytes while the stream is open', async () => {
    const upstreams: PassThrough[] = [];
    const send = async (): Promise<UpstreamReply> => {
      const body = new PassThrough();
      upstreams.push(body);
      return { status: 200, headers: { 'content-type': 'text/event-stream' }, body };
    };
    const { pipeline } = await scriptedPipeline(send, [{ protocol: 'openai.chat', errorEnvelope: openaiErrorEnvelope }]);

    // Built in a function of its own: nothing in this test's scope holds the body.
    const start = async (): Promise<{ reply: GatewayReply; body: WeakRef<object>; raw: WeakRef<object> }> => {
      const body = { model: 'm', stream: true, messages: [{ role: 'user', content: 'x'.repeat(64 * 1024) }] };
      const rawBody = Buffer.from(JSON.stringify(body));
      const reply = await pipeline.handle({
        protocol: 'openai.chat',
        body,
        rawBody,
        headers: {},
        requestId: 'req-retention',
        signal: new AbortController().signal,
      });
      return { reply, body: new WeakRef(body), raw: new WeakRef(rawBody) };
    };
    const { reply, body, raw } = await start();
    assert.equal(reply.stream, true);
    const out = reply.body as PassThrough;
    const received: Buffer[] = [];
    out.on('data', (c: Buffer) => received.push(c));
    upstreams[0]!.write('data: {"choices":[{"delta":{"content":"a"}}]}\n\n');
    await new Promise((r) => setImmediate(r));
    assert.ok(received.length > 0, 'the stream is open and flowing');
    assert.equal(await collected(body), true, 'the parsed request body is collected while the stream is open');
    assert.equal(await collected(raw), true, 'the raw request bytes are collected while the stream is open');
    // The stream still works to its end.
    upstreams[0]!.end('data: [DONE]\n\n');
    await new Promise<void>((r) => out.once('end', r));
    assert.match(Buffer.concat(received).toString(), /data: \[DONE\]/);
    await reply.exchange.done;
  });

  it('the upstream dispatch does not hold the serialised request body while the reply body is open', async () => {
    let held: ServerResponse | undefined;
    const server = createServer((req, res) => {
      req.resume();
      req.once('end', () => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('data: {}\n\n');
        held = res;
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const dispatcher = new Agent();
    try {
      const marker = `retention-marker-${process.pid}-${Date.now()}`;
      const send = () =>
        dispatchUpstream(
          dispatcher,
          {
            origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
            path: '/v1/chat/completions',
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            // Made here, held by nothing of this test: only the dispatch could keep it.
            body: JSON.stringify({ model: 'm', note: marker, pad: 'x'.repeat(32 * 1024) }),
          },
          new AbortController().signal,
          (err) => err,
        );
      const reply = await send();
      const first = await new Promise<Buffer>((r) => reply.body.once('data', r));
      assert.match(first.toString(), /^data: /);
      // The heap snapshot runs a full GC first; a string is found by its beginning (V8 names it by its value).
      const snapshot = await new Promise<string>((resolve, reject) => {
        const parts: Buffer[] = [];
        const s = getHeapSnapshot();
        s.on('data', (c: Buffer) => parts.push(c));
        s.once('end', () => resolve(Buffer.concat(parts).toString('utf8')));
        s.once('error', reject);
      });
      assert.equal(snapshot.includes(`{\\"model\\":\\"m\\",\\"note\\":\\"${marker}`), false, 'the serialised body is not retained');
      assert.equal(reply.body.destroyed, false, 'the reply body is still open');
      held?.end('data: [DONE]\n\n');
      reply.body.resume();
      await new Promise((r) => reply.body.once('close', r));
    } finally {
      // A failed assertion leaves the stream open: end it at once rather than wait for timeouts.
      held?.destroy();
      await dispatcher.destroy();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it('a reply body whose reader stalls buffers about its high-water mark (16 KiB); the rest waits in the socket', async () => {
    const EVENT = `data: ${'x'.repeat(1016)}\n\n`; // 1 KiB
    let timer: NodeJS.Timeout | undefined;
    const server = createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      // One 1 KiB event every 2 ms, like a token stream: each socket read carries about one event.
      timer = setInterval(() => res.write(EVENT), 2);
      res.once('close', () => clearInterval(timer));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const dispatcher = new Agent();
    try {
      const reply = await dispatchUpstream(
        dispatcher,
        { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, path: '/', method: 'GET', headers: {} },
        new AbortController().signal,
        (err) => err,
      );
      // Nobody reads for 600 ms (about 300 KiB sent): the body fills to its mark, then pauses the connection.
      await new Promise((r) => setTimeout(r, 600));
      const held = reply.body.readableLength;
      assert.ok(held >= UPSTREAM_BODY_HIGH_WATER_MARK, `the body buffered up to its mark (${held} bytes)`);
      // A read that was already under way may add a few events; 64 KiB (the old mark) is far beyond.
      assert.ok(held <= 24 * 1024, `the body holds ${held} bytes, about 16 KiB, not more`);
      reply.body.destroy();
    } finally {
      clearInterval(timer);
      await dispatcher.destroy();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
