/**
 * Client disconnects (SPEC §3 "Streaming"): a client that goes away aborts the upstream request
 * at once: mid-stream, before the upstream sent its headers, and for a non-streamed request.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import { hang, slowHeaders, sse, startFakeUpstream, json, type FakeUpstream, type RecordedRequest } from '../helpers/fake-upstream.js';
import { iterateSse } from '../helpers/sse.js';
import { startGateway, type RunningGateway } from '../helpers/start-gateway.js';
import { byModel, chatCompletion, post, receivedWithId, rid, textChunks, withTimeout } from '../helpers/e2e.js';

/** How soon after the client's abort the upstream connection must be closed. */
const CLOSE_WITHIN_MS = 300;

const SLOW_PIECES = Array.from({ length: 400 }, (_, i) => `tok${i} `);

async function closedWithin(record: RecordedRequest, abortedAt: number): Promise<number> {
  await withTimeout(record.closed, 3000, 'the upstream connection to close');
  assert.equal(record.closedEarly, true, 'the upstream response was cut short');
  assert.equal(record.responseEnded, false);
  const ms = record.closedAt! - abortedAt;
  assert.ok(ms < CLOSE_WITHIN_MS, `the upstream connection closed ${Math.round(ms)} ms after the client aborted`);
  return ms;
}

function startChat(gwUrl: string, model: string, id: string, signal: AbortSignal, stream = true): Promise<Response> {
  return fetch(`${gwUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-request-id': id },
    body: JSON.stringify({ model, stream, messages: [{ role: 'user', content: 'go' }] }),
    signal,
  });
}

describe('client aborts', () => {
  let upstream: FakeUpstream;
  let gw: RunningGateway;

  before(async () => {
    upstream = await startFakeUpstream(
      byModel({
        'slow-stream': sse(textChunks('slow-stream', SLOW_PIECES), { delayMs: 20 }),
        'no-headers': hang(),
        'slow-json': slowHeaders(10_000, json(200, chatCompletion('slow-json', { content: 'late' }))),
        quick: json(200, chatCompletion('quick', { content: 'still serving' })),
      }),
    );
    gw = await startGateway({
      config: {
        logging: { level: 'error' },
        backends: [{ id: 'fake', type: 'openai', base_url: upstream.url, api_key: 'sk-abort-0123456789', models: ['*'] }],
      },
    });
  });

  after(async () => {
    await gw?.stop();
    await upstream?.close();
  });

  it('mid-stream (fetch + AbortController): the upstream connection closes at once', async () => {
    const id = rid('abort-mid');
    const controller = new AbortController();
    const res = await startChat(gw.url, 'slow-stream', id, controller.signal);
    assert.equal(res.status, 200);
    let seen = 0;
    let abortedAt = 0;
    await assert.rejects(async () => {
      for await (const event of iterateSse(res)) {
        assert.notEqual(event.data, '[DONE]');
        if (++seen === 4) {
          abortedAt = performance.now();
          controller.abort();
        }
      }
    }, /abort/i);
    const got = await receivedWithId(upstream, id);
    await closedWithin(got, abortedAt);
    assert.ok(got.chunksSent < 50, `the fake kept writing: ${got.chunksSent} events`);
  });

  it('mid-stream (openai SDK, controller.abort()): the upstream connection closes at once', async () => {
    const id = rid('abort-sdk');
    const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: 'x', maxRetries: 0 });
    const stream = await client.chat.completions.create(
      { model: 'slow-stream', stream: true, messages: [{ role: 'user', content: 'go' }] },
      { headers: { 'x-request-id': id } },
    );
    let text = '';
    let abortedAt = 0;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (text.includes('tok2 ')) {
        abortedAt = performance.now();
        stream.controller.abort();
        break;
      }
    }
    assert.equal(text, 'tok0 tok1 tok2 ');
    await closedWithin(await receivedWithId(upstream, id), abortedAt);
  });

  it('before the upstream sent its headers (streaming request): the upstream connection closes', async () => {
    const id = rid('abort-early');
    const controller = new AbortController();
    const pending = startChat(gw.url, 'no-headers', id, controller.signal);
    const got = await receivedWithId(upstream, id);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(got.closedAt, undefined, 'still open before the abort');
    const abortedAt = performance.now();
    controller.abort();
    await assert.rejects(pending, /abort/i);
    await closedWithin(got, abortedAt);
  });

  it('a non-streamed request waiting for a slow upstream: the upstream connection closes', async () => {
    const id = rid('abort-json');
    const controller = new AbortController();
    const pending = startChat(gw.url, 'slow-json', id, controller.signal, false);
    const got = await receivedWithId(upstream, id);
    await new Promise((r) => setTimeout(r, 50));
    const abortedAt = performance.now();
    controller.abort();
    await assert.rejects(pending, /abort/i);
    await closedWithin(got, abortedAt);
  });

  it('the gateway keeps serving after the aborts', async () => {
    const reply = await post(`${gw.url}/v1/chat/completions`, { model: 'quick', messages: [{ role: 'user', content: 'x' }] });
    assert.equal(reply.status, 200);
    assert.equal(reply.json().choices[0].message.content, 'still serving');
  });
});
