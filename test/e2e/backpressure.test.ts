/**
 * Slow client, bounded memory (SPEC §3 "Streaming"): the fake upstream tries to stream 200 MB
 * in 64 KB SSE events as fast as it can; the client reads a few events and then stops reading.
 * The gateway must stop reading from the upstream (so the fake can only write a bounded amount)
 * rather than buffer without bound, and its RSS must stay bounded.
 */
import assert from 'node:assert/strict';
import { request, type IncomingMessage } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { sse, startFakeUpstream, type FakeHandler, type FakeUpstream } from '../helpers/fake-upstream.js';
import { startGateway, type RunningGateway } from '../helpers/start-gateway.js';
import { byModel, post, receivedWithId, rid, rssBytes, textChunks, withTimeout } from '../helpers/e2e.js';

const MB = 1024 * 1024;
const TOTAL = 200 * MB;
const EVENT_SIZE = 64 * 1024;
/** What the fake may get written while the client does not read: socket buffers on two hops plus a little. */
const MAX_WRITTEN = 32 * MB;
/** How much the gateway's RSS may grow over its idle baseline meanwhile. */
const MAX_RSS_GROWTH = 64 * MB;

/** Bytes the fake managed to hand to the kernel, per request id. */
const written = new Map<string, number>();

/** 200 MB of 64 KB OpenAI chat chunks, written as fast as the reader allows (waits for `drain`). */
const flood: FakeHandler = async (_req, res, record) => {
  const id = String(record.headers['x-request-id']);
  const head =
    'data: {"id":"chatcmpl-flood","object":"chat.completion.chunk","created":1700000000,"model":"flood","choices":[{"index":0,"delta":{"content":"';
  const tail = '"},"finish_reason":null}]}\n\n';
  const event = Buffer.from(head + 'x'.repeat(EVENT_SIZE - head.length - tail.length) + tail);
  assert.equal(event.length, EVENT_SIZE);
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  res.flushHeaders();
  written.set(id, 0);
  for (let sent = 0; sent < TOTAL; sent += EVENT_SIZE) {
    if (res.destroyed || record.signal.aborted) return;
    const ok = res.write(event);
    written.set(id, written.get(id)! + EVENT_SIZE);
    record.chunksSent++;
    if (!ok) {
      record.drainWaits++;
      await new Promise<void>((resolve) => {
        const done = () => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.once('drain', done);
        res.once('close', done);
      });
    }
  }
  res.end('data: [DONE]\n\n');
};

function openStream(gwUrl: string, id: string): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${gwUrl}/v1/chat/completions`,
      { method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'x-request-id': id } },
      resolve,
    );
    req.once('error', reject);
    req.end(JSON.stringify({ model: 'flood', stream: true, messages: [{ role: 'user', content: 'flood me' }] }));
  });
}

/** Reads until at least `bytes` arrived, then pauses the response. */
function readThenPause(res: IncomingMessage, bytes: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let got = 0;
    const onData = (chunk: Buffer) => {
      got += chunk.length;
      if (got >= bytes) {
        res.off('data', onData);
        res.pause();
        resolve(got);
      }
    };
    res.on('data', onData);
    res.once('error', reject);
  });
}

describe('slow client: backpressure and bounded memory', () => {
  let upstream: FakeUpstream;
  let gw: RunningGateway;

  before(async () => {
    upstream = await startFakeUpstream(byModel({ flood, warm: sse(textChunks('warm', ['a', 'b'])) }));
    gw = await startGateway({
      config: {
        logging: { level: 'error' },
        backends: [{ id: 'fake', type: 'openai', base_url: upstream.url, models: ['flood', 'warm'] }],
      },
    });
    // Warm the streaming path (lazy modules, JIT) so the RSS baseline is the working set.
    for (let i = 0; i < 3; i++) {
      const warm = await post(`${gw.url}/v1/chat/completions`, { model: 'warm', stream: true, messages: [{ role: 'user', content: 'x' }] });
      assert.equal(warm.status, 200);
    }
  });

  after(async () => {
    await gw?.stop();
    await upstream?.close();
  });

  it('a client that stops reading stops the upstream; the gateway buffers a bounded amount', async (t) => {
    const baseline = rssBytes(gw.pid);
    const id = rid('flood');
    const res = await openStream(gw.url, id);
    assert.equal(res.statusCode, 200);
    const got = await receivedWithId(upstream, id);
    const readBytes = await readThenPause(res, 4 * EVENT_SIZE);

    // The client reads nothing more: watch the fake's progress and the gateway's memory.
    let peakRss = rssBytes(gw.pid);
    const samples: number[] = [];
    for (let i = 0; i < 15; i++) {
      await delay(100);
      peakRss = Math.max(peakRss, rssBytes(gw.pid));
      samples.push(written.get(id) ?? 0);
    }
    const stalledAt = samples.at(-1)!;
    t.diagnostic(
      `client read ${(readBytes / MB).toFixed(1)} MB; fake wrote ${(stalledAt / MB).toFixed(1)} MB; gateway RSS ${(baseline / MB).toFixed(0)} → peak ${(peakRss / MB).toFixed(0)} MB`,
    );
    assert.ok(stalledAt < MAX_WRITTEN, `the fake wrote ${(stalledAt / MB).toFixed(1)} MB while the client was not reading`);
    assert.ok(got.drainWaits > 0, 'the fake had to wait for drain');
    assert.equal(samples.at(-1), samples.at(-4), 'the upstream is stalled, not still trickling');
    assert.ok(peakRss - baseline < MAX_RSS_GROWTH, `gateway RSS grew by ${((peakRss - baseline) / MB).toFixed(1)} MB`);
    assert.equal(got.closedAt, undefined, 'the upstream stream is paused, not aborted');

    // Reading again resumes the flow: backpressure, not a stall.
    let more = 0;
    const onData = (chunk: Buffer) => (more += chunk.length);
    res.on('data', onData);
    res.resume();
    await withTimeout(
      (async () => {
        while ((written.get(id) ?? 0) < stalledAt + 8 * MB) await delay(20);
      })(),
      5000,
      'the fake to write again once the client reads',
    );
    assert.ok(more > 0);

    // Going away closes the upstream.
    res.destroy();
    await withTimeout(got.closed, 2000, 'the upstream connection to close');
    assert.equal(got.closedEarly, true);
    assert.ok((written.get(id) ?? 0) < TOTAL);
  });
});
