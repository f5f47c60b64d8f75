/**
 * Issue #9: what the kernel pipeline does for shutdown and reloads. interruptAll() ends open
 * streams with an error event in the client's protocol (on an event boundary) and fails requests
 * still waiting for their upstream with that error; a runtime stays open while requests hold it
 * and closes its adapters once they are done (closeWhenIdle, used by RuntimeHolder.swap).
 */
import assert from 'node:assert/strict';
import { PassThrough, type Readable } from 'node:stream';
import { describe, it } from 'node:test';
import {
  GatewayError,
  type GatewayPipeline,
  type GatewayReply,
  type GatewayRuntime,
  type Protocol,
  type UpstreamCall,
  type UpstreamReply,
} from '@switchyard/kernel';
import { anthropicErrorEnvelope } from '@switchyard/plugin-anthropic';
import { openaiErrorEnvelope } from '@switchyard/plugin-openai';
import { scriptedPipeline } from '../helpers/scripted-pipeline.js';

interface Harness {
  pipeline: GatewayPipeline;
  runtime: GatewayRuntime;
  /** The upstream bodies handed out, in order (write SSE bytes into them). */
  upstreams: PassThrough[];
  /** Calls whose reply is held back until their signal aborts (model "wait"). */
  waiting: UpstreamCall[];
  closes: () => number;
}

async function harness(): Promise<Harness> {
  const upstreams: PassThrough[] = [];
  const waiting: UpstreamCall[] = [];
  let closes = 0;
  const send = async (call: UpstreamCall): Promise<UpstreamReply> => {
    if (call.model === 'wait') {
      waiting.push(call);
      await new Promise((_, reject) => call.signal.addEventListener('abort', () => reject(call.signal.reason as Error)));
    }
    const body = new PassThrough();
    upstreams.push(body);
    return { status: 200, headers: { 'content-type': 'text/event-stream' }, body };
  };
  // The client protocols' error envelopes come from their plugins' codecs (issue #16).
  const { pipeline, runtime } = await scriptedPipeline(
    send,
    [
      { protocol: 'openai.chat', errorEnvelope: openaiErrorEnvelope },
      { protocol: 'anthropic.messages', errorEnvelope: anthropicErrorEnvelope },
    ],
    { protocols: ['openai.chat', 'anthropic.messages'], close: async () => void closes++ },
  );
  return { pipeline, runtime, upstreams, waiting, closes: () => closes };
}

function send(h: Harness, model: string, protocol: Protocol = 'openai.chat', signal = new AbortController().signal): Promise<GatewayReply> {
  const body = { model, stream: true, max_tokens: 10, messages: [{ role: 'user', content: 'x' }] };
  return h.pipeline.handle({ protocol, body, headers: {}, requestId: `req-${model}`, signal });
}

/** Collects a reply body to the end. */
async function text(body: Readable): Promise<string> {
  let out = '';
  for await (const chunk of body) out += Buffer.from(chunk as Buffer).toString('utf8');
  return out;
}

const tick = () => new Promise((r) => setImmediate(r));

describe('GatewayPipeline.interruptAll (shutdown grace expired)', () => {
  it('ends an open OpenAI stream with an error event after the events already sent; the upstream request is dropped', async () => {
    const h = await harness();
    const reply = await send(h, 'm');
    const received = text(reply.body as Readable);
    h.upstreams[0]!.write('data: {"n":1}\n\n');
    await tick();
    assert.equal(h.pipeline.inFlight, 1);
    assert.equal(h.pipeline.interruptAll(GatewayError.unavailable('the gateway is shutting down')), 1);
    assert.equal(
      await received,
      'data: {"n":1}\n\ndata: {"error":{"message":"the gateway is shutting down","type":"server_error","param":null,"code":"service_unavailable"}}\n\n',
    );
    assert.equal(h.upstreams[0]!.destroyed, true, 'the upstream body was dropped');
    const end = await reply.exchange.done;
    assert.equal(end.status, 503);
    assert.equal(end.aborted, false);
    assert.equal(h.pipeline.inFlight, 0);
    assert.equal(h.pipeline.interruptAll(GatewayError.unavailable('again')), 0, 'nothing left to interrupt');
  });

  it('an event cut in the middle is closed first, so the error event stands on its own', async () => {
    const h = await harness();
    const reply = await send(h, 'm');
    const received = text(reply.body as Readable);
    h.upstreams[0]!.write('data: {"n":1}\n\ndata: {"n":');
    await tick();
    h.pipeline.interruptAll(GatewayError.unavailable('bye'));
    const out = await received;
    assert.ok(out.startsWith('data: {"n":1}\n\ndata: {"n":\n\ndata: {"error":'), JSON.stringify(out));
  });

  it('an Anthropic client gets an Anthropic error event', async () => {
    const h = await harness();
    const reply = await send(h, 'm', 'anthropic.messages');
    const received = text(reply.body as Readable);
    h.upstreams[0]!.write('event: message_start\ndata: {"type":"message_start"}\n\n');
    await tick();
    h.pipeline.interruptAll(GatewayError.unavailable('the gateway is shutting down'));
    assert.equal(
      await received,
      'event: message_start\ndata: {"type":"message_start"}\n\nevent: error\ndata: {"type":"error","error":{"type":"api_error","message":"the gateway is shutting down"}}\n\n',
    );
  });

  it('a request still waiting for its upstream fails with the error (503), not as a client abort', async () => {
    const h = await harness();
    const pending = send(h, 'wait');
    await tick();
    assert.equal(h.waiting.length, 1);
    h.pipeline.interruptAll(GatewayError.unavailable('the gateway is shutting down'));
    await assert.rejects(pending, (err: GatewayError) => err.status === 503 && err.message === 'the gateway is shutting down');
    assert.equal(h.pipeline.inFlight, 0);
  });

  it('a finished stream is not touched', async () => {
    const h = await harness();
    const reply = await send(h, 'm');
    const received = text(reply.body as Readable);
    h.upstreams[0]!.end('data: {"n":1}\n\ndata: [DONE]\n\n');
    assert.equal(await received, 'data: {"n":1}\n\ndata: [DONE]\n\n');
    await reply.exchange.done;
    assert.equal(h.pipeline.interruptAll(GatewayError.unavailable('late')), 0);
  });
});

describe('GatewayRuntime: held by requests, closed when idle', () => {
  it('closeWhenIdle waits for the requests that started on the runtime, then closes its adapters once', async () => {
    const h = await harness();
    const reply = await send(h, 'm');
    const received = text(reply.body as Readable);
    assert.equal(h.runtime.inFlight, 1);
    let closed = false;
    const closing = h.runtime.closeWhenIdle().then(() => (closed = true));
    h.upstreams[0]!.write('data: {"n":1}\n\n');
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(closed, false, 'not closed while a stream holds it');
    assert.equal(h.closes(), 0);
    h.upstreams[0]!.end('data: [DONE]\n\n');
    await received;
    await closing;
    assert.equal(h.runtime.inFlight, 0);
    assert.equal(h.closes(), 1);
    await h.runtime.close();
    assert.equal(h.closes(), 1, 'close() is idempotent');
  });

  it('an idle runtime closes at once', async () => {
    const h = await harness();
    await h.runtime.closeWhenIdle();
    assert.equal(h.closes(), 1);
  });
});
