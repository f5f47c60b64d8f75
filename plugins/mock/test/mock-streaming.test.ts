/* eslint-disable @typescript-eslint/no-explicit-any -- tests poke into parsed JSON replies */
import 'reflect-metadata';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import type { BackendContext, UpstreamCall } from '@switchyard/kernel';
import { MockBackendConfig, MockEventReadable, mockText, plugin, SingleChunkPlan, type MockOptions } from '@switchyard/plugin-mock';
import { collectText, parseSse, sseJson } from '../../../test/dist/helpers/sse.js';

function adapter(options: MockOptions = {}) {
  const config = Object.assign(new MockBackendConfig(), { id: 'mock-stream', type: 'mock' }, options);
  return plugin.createAdapter(config, {} as BackendContext);
}

function call(protocol: string, body: Record<string, unknown>, signal = new AbortController().signal): UpstreamCall {
  return {
    protocol,
    body,
    model: typeof body.model === 'string' ? body.model : 'mock',
    stream: body.stream === true,
    clientHeaders: {},
    requestId: 'req-s',
    traceparent: '00-00000000000000000000000000000001-0000000000000001-01',
    signal,
  };
}

const chatBody = (extra: Record<string, unknown> = {}) => ({
  model: 'stream-model',
  stream: true,
  messages: [{ role: 'user', content: 'count to five' }],
  ...extra,
});

/** Active timers (setTimeout / setInterval) right now. */
function activeTimers(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
}

/** Reads a stream chunk by chunk with arrival times (ms since `t0`). */
async function timedChunks(body: Readable, t0: number): Promise<{ text: string; at: number }[]> {
  const out: { text: string; at: number }[] = [];
  for await (const chunk of body) out.push({ text: String(chunk), at: performance.now() - t0 });
  return out;
}

describe('mock plugin: streamed chat', () => {
  it('role chunk, one chunk per token, finish chunk, [DONE]; no usage chunk by default', async () => {
    const reply = await adapter({ output_tokens: 5 }).send(call('openai.chat', chatBody()));
    assert.equal(reply.status, 200);
    assert.equal(reply.headers['content-type'], 'text/event-stream');
    assert.ok(reply.headers['x-request-id']);
    const raw = await collectText(reply.body);
    assert.ok(raw.endsWith('data: [DONE]\n\n'));
    const events = parseSse(raw);
    assert.equal(events.length, 1 + 5 + 1 + 1);
    assert.ok(events.every((e) => e.event === undefined));
    const chunks = sseJson<any>(events);
    const ids = new Set(chunks.map((c) => c.id));
    assert.equal(ids.size, 1);
    for (const c of chunks) {
      assert.equal(c.object, 'chat.completion.chunk');
      assert.equal(c.model, 'stream-model');
      assert.equal(typeof c.created, 'number');
      assert.equal(c.choices.length, 1);
      assert.equal(c.choices[0].index, 0);
      assert.equal(c.choices[0].logprobs, null);
      assert.ok(!('usage' in c), 'no usage field without include_usage');
    }
    assert.deepEqual(chunks[0].choices[0].delta, { role: 'assistant', content: '' });
    assert.equal(chunks[0].choices[0].finish_reason, null);
    const text = chunks
      .slice(1, 6)
      .map((c) => c.choices[0].delta.content)
      .join('');
    assert.equal(text, mockText(5));
    assert.deepEqual(chunks[6].choices[0].delta, {});
    assert.equal(chunks[6].choices[0].finish_reason, 'stop');
  });

  it('include_usage: usage null on every chunk, then a usage chunk with choices: [] before [DONE]', async () => {
    const reply = await adapter({ output_tokens: 3 }).send(call('openai.chat', chatBody({ stream_options: { include_usage: true } })));
    const events = parseSse(await collectText(reply.body));
    assert.equal(events.at(-1)!.data, '[DONE]');
    const chunks = sseJson<any>(events);
    const usageChunk = chunks.at(-1);
    assert.deepEqual(usageChunk.choices, []);
    assert.deepEqual(usageChunk.usage, { prompt_tokens: 3, completion_tokens: 3, total_tokens: 6 });
    for (const c of chunks.slice(0, -1)) assert.equal(c.usage, null);
    assert.equal(chunks.length, 1 + 3 + 1 + 1);
  });

  it('include_usage false behaves like absent', async () => {
    const reply = await adapter({ output_tokens: 2 }).send(call('openai.chat', chatBody({ stream_options: { include_usage: false } })));
    const chunks = sseJson<any>(parseSse(await collectText(reply.body)));
    assert.ok(chunks.every((c) => c.choices.length === 1));
  });

  it('max_tokens cuts the stream with finish_reason length', async () => {
    const reply = await adapter({ output_tokens: 10 }).send(
      call('openai.chat', chatBody({ max_tokens: 2, stream_options: { include_usage: true } })),
    );
    const chunks = sseJson<any>(parseSse(await collectText(reply.body)));
    const content = chunks.filter((c) => c.choices[0]?.delta?.content).map((c) => c.choices[0].delta.content);
    assert.deepEqual(content, ['This', ' is']);
    assert.equal(chunks.at(-2).choices[0].finish_reason, 'length');
    assert.equal(chunks.at(-1).usage.completion_tokens, 2);
  });

  it('zero output tokens still sends role, finish and [DONE]', async () => {
    const reply = await adapter({ output_tokens: 0 }).send(call('openai.chat', chatBody()));
    const events = parseSse(await collectText(reply.body));
    assert.equal(events.length, 3);
  });

  it('completions stream: text_completion chunks, a finish chunk, usage, [DONE]', async () => {
    const reply = await adapter({ output_tokens: 3 }).send(
      call('openai.completions', { model: 'c', prompt: 'a b', stream: true, stream_options: { include_usage: true } }),
    );
    const events = parseSse(await collectText(reply.body));
    assert.equal(events.at(-1)!.data, '[DONE]');
    const chunks = sseJson<any>(events);
    assert.equal(chunks.length, 3 + 1 + 1);
    for (const c of chunks) {
      assert.equal(c.object, 'text_completion');
      assert.equal(c.model, 'c');
    }
    assert.equal(
      chunks
        .slice(0, 3)
        .map((c) => c.choices[0].text)
        .join(''),
      mockText(3),
    );
    assert.deepEqual(chunks[3].choices[0], { text: '', index: 0, logprobs: null, finish_reason: 'stop' });
    assert.deepEqual(chunks[4].choices, []);
    assert.deepEqual(chunks[4].usage, { prompt_tokens: 2, completion_tokens: 3, total_tokens: 5 });
  });
});

describe('mock plugin: timing, abort, backpressure', () => {
  it('honours ttft_ms and tokens_per_second roughly', async () => {
    const t0 = performance.now();
    const reply = await adapter({ output_tokens: 6, ttft_ms: 120, tokens_per_second: 50 }).send(call('openai.chat', chatBody()));
    assert.ok(performance.now() - t0 < 50, 'stream headers come at once');
    const chunks = await timedChunks(reply.body, t0);
    // A read may return several events at once (those due together); time each event by its chunk.
    const tokenTimes: number[] = [];
    for (const c of chunks) {
      for (const e of parseSse(c.text)) {
        if (e.data !== '[DONE]' && (JSON.parse(e.data) as any).choices[0]?.delta?.content) tokenTimes.push(c.at);
      }
    }
    assert.equal(tokenTimes.length, 6);
    assert.ok(tokenTimes[0]! >= 110, `first token at ${tokenTimes[0]} ms`);
    assert.ok(tokenTimes[0]! < 400, `first token at ${tokenTimes[0]} ms`);
    // 5 gaps of 20 ms after the first token
    const spread = tokenTimes.at(-1)! - tokenTimes[0]!;
    assert.ok(spread >= 90, `tokens spread over ${spread} ms`);
    assert.ok(spread < 600, `tokens spread over ${spread} ms`);
    // The role chunk rides with the first token.
    assert.ok(chunks[0]!.at >= 110);
  });

  it('aborting mid-stream destroys the body and clears its timer', async () => {
    const baseline = activeTimers();
    const controller = new AbortController();
    const reply = await adapter({ output_tokens: 1000, tokens_per_second: 20 }).send(call('openai.chat', chatBody(), controller.signal));
    const body = reply.body;
    const errored = once(body, 'error');
    const closed = new Promise((r) => body.once('close', r));
    let received = 0;
    body.on('data', () => {
      received++;
      if (received === 3) controller.abort();
    });
    const [err] = (await errored) as [Error];
    await closed;
    assert.equal(err.name, 'AbortError');
    assert.equal(body.destroyed, true);
    assert.ok(received >= 3 && received < 10, `received ${received}`);
    assert.equal(activeTimers(), baseline, 'no timer left behind');
  });

  it('an abort while waiting for ttft clears the timer too', async () => {
    const baseline = activeTimers();
    const controller = new AbortController();
    const reply = await adapter({ ttft_ms: 60_000 }).send(call('openai.chat', chatBody(), controller.signal));
    reply.body.on('error', () => {});
    reply.body.resume();
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(activeTimers(), baseline + 1, 'the ttft timer is pending');
    controller.abort();
    await new Promise((r) => reply.body.once('close', r));
    assert.equal(activeTimers(), baseline);
  });

  it('a slow reader keeps the buffer bounded (backpressure)', async () => {
    const reply = await adapter({ output_tokens: 1_000_000 }).send(call('openai.chat', chatBody()));
    const body = reply.body as MockEventReadable;
    const hwm = body.readableHighWaterMark;
    body.read(0); // start filling
    await new Promise((r) => setTimeout(r, 30));
    const filled = body.produced;
    assert.ok(filled > 0);
    assert.ok(body.readableLength <= hwm + 1024, `buffered ${body.readableLength} bytes (hwm ${hwm})`);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(body.produced, filled, 'nothing more is generated while nobody reads');
    let maxBuffered = 0;
    let bytesRead = 0;
    for (let i = 0; i < 20; i++) {
      const chunk = body.read(1024) as Buffer | null;
      bytesRead += chunk?.length ?? 0;
      await new Promise((r) => setTimeout(r, 2));
      maxBuffered = Math.max(maxBuffered, body.readableLength);
    }
    assert.ok(bytesRead > 0);
    assert.ok(maxBuffered <= hwm + 1024, `buffered ${maxBuffered} bytes (hwm ${hwm})`);
    assert.ok(body.produced < 1000, `produced only ${body.produced} events of a million`);
    body.destroy();
    await new Promise((r) => body.once('close', r));
  });

  it('the Readable pushes nothing until asked', async () => {
    const stream = new MockEventReadable(new SingleChunkPlan('x'.repeat(10)));
    await new Promise((r) => setImmediate(r));
    assert.equal(stream.produced, 0);
    assert.equal(await collectText(stream), 'x'.repeat(10));
  });
});
