/**
 * Issue #16 item 3: what the kernel knew about protocols is asked of the client (or wire)
 * protocol's codec. A scripted plugin contributes a codec for `openai.chat` whose hooks use a
 * made-up shape (no OpenAI knowledge), and the pipeline must follow those hooks: usage of a
 * complete reply and of a stream, asking the upstream for stream usage and stripping it, the final
 * events of a failed passthrough stream, the model-field rewrite, the error envelope. Also the one
 * table of client endpoints (path ↔ protocol).
 */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import {
  buildConfig,
  CLIENT_ENDPOINTS,
  endpointPath,
  GatewayPipeline,
  protocolForUrl,
  type ErrorEnvelope,
  GatewayRuntime,
  measurementOf,
  PluginRegistry,
  silentLogger,
  type GatewayReply,
  type Measurement,
  type ProtocolCodec,
  type ProtocolUsage,
  type ProviderPlugin,
  type StreamMeter,
  type UpstreamCall,
  type UpstreamReply,
} from '@switchyard/kernel';

interface Harness {
  pipeline: GatewayPipeline;
  calls: UpstreamCall[];
  measurements: Array<Promise<Measurement>>;
}

/** Usage in a shape only this test speaks: `{"tin": n, "tout": n}`, and `data: usage n` stream events. */
const madeUpUsage: ProtocolUsage = {
  readBody(body) {
    const v = JSON.parse(body.toString('utf8')) as { tin?: number; tout?: number };
    return typeof v.tin === 'number' ? { inputTokens: v.tin, outputTokens: v.tout ?? 0 } : null;
  },
  meterStream(): StreamMeter {
    return {
      firstContentAt: null,
      usage: null,
      errored: false,
      event(e, now) {
        if (e.data.startsWith('usage ')) this.usage = { inputTokens: 1, outputTokens: Number(e.data.slice(6)) };
        else this.firstContentAt ??= now;
      },
      mayMatter: () => true,
    };
  },
  requestStreamUsage: (body) => (body.count_me === undefined ? { ...body, count_me: true } : null),
  stripStreamUsage: () => (chunk) => Buffer.from(chunk.toString('utf8').replace(/data: usage \d+\n\n/, '')),
};

async function harness(reply: (call: UpstreamCall) => UpstreamReply, codec: Partial<ProtocolCodec>): Promise<Harness> {
  const calls: UpstreamCall[] = [];
  const plugin: ProviderPlugin = {
    type: 'scripted',
    nativeProtocols: ['openai.chat'],
    streamUsageOption: true,
    codecs: [{ protocol: 'openai.chat', ...codec }],
    createAdapter: (config) => ({
      backendId: config.id,
      wireProtocolFor: (ingress) => ingress,
      send(call: UpstreamCall) {
        calls.push(call);
        return Promise.resolve(reply(call));
      },
      close: async () => undefined,
    }),
  };
  const registry = new PluginRegistry().register(plugin);
  const yaml =
    'backends: [{ id: a, type: scripted, api_key: sk-backend-secret-0042 }]\nroutes: [{ virtual_model: m, backend: a, real_model: m }, { virtual_model: alias, backend: a, real_model: real-1 }]\n';
  const { config } = await buildConfig(parse(yaml), { source: 'test.yaml', baseDir: '.', env: {}, registry });
  const runtime = new GatewayRuntime({ config, registry, logger: silentLogger() });
  const pipeline = new GatewayPipeline({ current: () => runtime }, silentLogger());
  const measurements: Array<Promise<Measurement>> = [];
  pipeline.addObserver({ observe: (x) => void measurements.push(measurementOf(x)) });
  return { pipeline, calls, measurements };
}

const send = (h: Harness, stream: boolean): Promise<GatewayReply> =>
  h.pipeline.handle({
    protocol: 'openai.chat',
    body: { model: 'm', stream, messages: [{ role: 'user', content: 'x' }] },
    headers: {},
    requestId: 'r',
    signal: new AbortController().signal,
  });

const jsonReply = (body: unknown): UpstreamReply => ({
  status: 200,
  headers: { 'content-type': 'application/json' },
  body: Readable.from([Buffer.from(JSON.stringify(body))]),
});

const sseReply = (text: string): UpstreamReply => ({
  status: 200,
  headers: { 'content-type': 'text/event-stream' },
  body: Readable.from([Buffer.from(text)]),
});

async function readAll(body: Buffer | Readable): Promise<string> {
  if (Buffer.isBuffer(body)) return body.toString('utf8');
  const parts: Buffer[] = [];
  for await (const c of body) parts.push(c as Buffer);
  return Buffer.concat(parts).toString('utf8');
}

describe('usage hooks of the client protocol (ProtocolCodec.usage)', () => {
  it("a complete reply's usage is read by the codec's readBody, not by a kernel reader", async () => {
    const h = await harness(() => jsonReply({ tin: 3, tout: 4, usage: { prompt_tokens: 99, completion_tokens: 99 } }), {
      usage: madeUpUsage,
    });
    await readAll((await send(h, false)).body);
    const m = await h.measurements[0]!;
    assert.deepEqual(m.usage, { inputTokens: 3, outputTokens: 4 });
  });

  it('a stream asks for usage through the wire codec, strips it on passthrough, and is metered by the codec', async () => {
    const h = await harness(() => sseReply('data: hello\n\ndata: usage 7\n\n'), { usage: madeUpUsage });
    const text = await readAll((await send(h, true)).body);
    assert.equal(h.calls[0]!.body.count_me, true, 'requestStreamUsage changed the body sent upstream');
    assert.equal(text, 'data: hello\n\n', 'stripStreamUsage removed the usage the gateway asked for');
    const m = await h.measurements[0]!;
    assert.deepEqual(m.usage, { inputTokens: 1, outputTokens: 7 });
    assert.ok(m.ttftMs !== null, 'the meter saw the first content');
  });

  it('a protocol whose codec has no usage hook reports no usage, and the body goes upstream unchanged', async () => {
    const h = await harness(
      (call) =>
        call.stream
          ? sseReply('data: {"choices":[],"usage":{"prompt_tokens":5,"completion_tokens":6}}\n\n')
          : jsonReply({ usage: { prompt_tokens: 5, completion_tokens: 6 } }),
      {},
    );
    await readAll((await send(h, false)).body);
    const text = await readAll((await send(h, true)).body);
    assert.equal(h.calls[1]!.body.stream_options, undefined);
    assert.match(text, /"usage"/);
    assert.equal((await h.measurements[0]!).usage, null);
    assert.equal((await h.measurements[1]!).usage, null);
  });
});

describe('passthrough hooks of the client protocol', () => {
  it("a stream cut by the upstream ends with the codec's createPassthroughFailure events, fed the upstream's chunks", async () => {
    const seen: string[] = [];
    const h = await harness(
      () => {
        const body = new Readable({ read() {} });
        body.push('data: one\n\n');
        setTimeout(() => body.destroy(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })), 20);
        return { status: 200, headers: { 'content-type': 'text/event-stream' }, body };
      },
      {
        createPassthroughFailure: ({ clientModel }) => ({
          observe: (chunk) => void seen.push(chunk.toString('utf8')),
          failureEvent: (error) => `event: made.up.failed\ndata: ${JSON.stringify({ model: clientModel, status: error.status })}\n\n`,
        }),
      },
    );
    const text = await readAll((await send(h, true)).body);
    assert.equal(text, 'data: one\n\nevent: made.up.failed\ndata: {"model":"m","status":502}\n\n');
    assert.deepEqual(seen, ['data: one\n\n']);
  });

  it("the client's model name is written by the codec's createModelRewriter, in complete bodies and streams", async () => {
    const h = await harness(
      (call) => (call.stream ? sseReply('data: engine=real-1\n\n') : jsonReply({ engine: 'real-1', model: 'real-1' })),
      {
        createModelRewriter: (real, client) => (chunk) =>
          Buffer.from(chunk.toString('utf8').replaceAll(`engine=${real}`, `engine=${client}`)),
      },
    );
    // The route maps m to real model m: use a virtual name with another real model.
    const reply = await h.pipeline.handle({
      protocol: 'openai.chat',
      body: { model: 'alias', messages: [{ role: 'user', content: 'x' }] },
      headers: {},
      requestId: 'r',
      signal: new AbortController().signal,
    });
    assert.equal(await readAll(reply.body), '{"engine":"real-1","model":"real-1"}', 'the default "model" rewrite is not applied');
    const streamed = await h.pipeline.handle({
      protocol: 'openai.chat',
      body: { model: 'alias', stream: true, messages: [{ role: 'user', content: 'x' }] },
      headers: {},
      requestId: 'r',
      signal: new AbortController().signal,
    });
    assert.equal(await readAll(streamed.body), 'data: engine=alias\n\n');
  });
});

describe('error envelope of the client protocol (ProtocolCodec.errorEnvelope)', () => {
  const cutStream = (): UpstreamReply => {
    const body = new Readable({ read() {} });
    body.push('data: one\n\n');
    setTimeout(() => body.destroy(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })), 20);
    return { status: 200, headers: { 'content-type': 'text/event-stream' }, body };
  };
  const madeUpEnvelope: ErrorEnvelope = {
    family: 'made-up',
    body: (err) => ({ oops: { why: err.message, kind: err.kind } }),
    streamEvent: (err) => `event: oops\ndata: ${err.kind}\n\n`,
  };

  it("a stream failing after it started ends with the codec's error event", async () => {
    const h = await harness(cutStream, { errorEnvelope: madeUpEnvelope });
    assert.equal(await readAll((await send(h, true)).body), 'data: one\n\nevent: oops\ndata: upstream\n\n');
  });

  it('secrets are redacted in the events a codec writes (its error event, its passthrough failure events)', async () => {
    const leaky: ErrorEnvelope = { family: 'leaky', body: () => ({}), streamEvent: () => 'data: key sk-backend-secret-0042\n\n' };
    const h = await harness(cutStream, { errorEnvelope: leaky });
    assert.equal(await readAll((await send(h, true)).body), 'data: one\n\ndata: key [REDACTED]\n\n');
    const h2 = await harness(cutStream, {
      createPassthroughFailure: () => ({ observe: () => undefined, failureEvent: () => 'event: x\ndata: sk-backend-secret-0042\n\n' }),
    });
    assert.equal(await readAll((await send(h2, true)).body), 'data: one\n\nevent: x\ndata: [REDACTED]\n\n');
  });

  it("without an envelope the kernel writes its neutral one: the error's kind as its type", async () => {
    const h = await harness(cutStream, {});
    const text = await readAll((await send(h, true)).body);
    const event = text.split('\n\n')[1]!;
    assert.match(event, /^data: /);
    const body = JSON.parse(event.slice(6)) as { error: { type: string; code: string } };
    assert.equal(body.error.type, 'upstream');
  });

  it("an upstream's own error type is kept only when client and wire protocols share the envelope's family", async () => {
    const failing = (): UpstreamReply => ({
      status: 400,
      headers: { 'content-type': 'application/json' },
      body: Readable.from([Buffer.from('{"kind_of_error":"made_up_error","text":"no"}')]),
    });
    const decodeError = (_status: number, _headers: unknown, text: string) => {
      const v = JSON.parse(text) as { kind_of_error: string; text: string };
      return { type: v.kind_of_error, message: v.text };
    };
    for (const [envelope, kept] of [
      [madeUpEnvelope, 'made_up_error'],
      [undefined, undefined],
    ] as const) {
      const h = await harness(failing, { decodeError, ...(envelope ? { errorEnvelope: envelope } : {}) });
      const err = await send(h, false).then(
        () => assert.fail('expected a rejection'),
        (e: unknown) => e as { upstreamType?: string; status: number },
      );
      assert.equal(err.status, 400);
      assert.equal(err.upstreamType, kept);
    }
  });
});

describe('client endpoints, defined once (CLIENT_ENDPOINTS)', () => {
  it('maps paths, with or without /v1, query strings and sub-paths, to their client protocol', () => {
    assert.equal(protocolForUrl('/v1/chat/completions'), 'openai.chat');
    assert.equal(protocolForUrl('/chat/completions?x=1'), 'openai.chat');
    assert.equal(protocolForUrl('/v1/messages?beta=true'), 'anthropic.messages');
    assert.equal(protocolForUrl('/v1/messages/count_tokens'), 'anthropic.messages');
    assert.equal(protocolForUrl('/messages/batches'), 'anthropic.messages');
    assert.equal(protocolForUrl('/v1/responses'), 'openai.responses');
    assert.equal(protocolForUrl('/v1/models'), undefined);
    assert.equal(protocolForUrl('/v1/messagesx'), undefined);
  });

  it('names the endpoint of a protocol (and operation) by its /v1 path', () => {
    assert.equal(endpointPath('openai.embeddings'), '/v1/embeddings');
    assert.equal(endpointPath('anthropic.messages'), '/v1/messages');
    assert.equal(endpointPath('anthropic.messages', 'count_tokens'), '/v1/messages/count_tokens');
    for (const e of CLIENT_ENDPOINTS) assert.ok(e.paths.includes(endpointPath(e.protocol, e.operation)));
  });
});

describe('nativeProtocols decides passthrough', () => {
  it('a request the adapter would pass through in a protocol its plugin does not list is a 400, nothing sent upstream', async () => {
    const h = await harness(() => jsonReply({}), {});
    const err = await h.pipeline
      .handle({
        protocol: 'anthropic.messages',
        body: { model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] },
        headers: {},
        requestId: 'r',
        signal: new AbortController().signal,
      })
      .then(
        () => assert.fail('expected a rejection'),
        (e: unknown) => e as { status: number; message: string },
      );
    assert.equal(err.status, 400);
    assert.match(err.message, /cannot serve \/v1\/messages: .*nativeProtocols/);
    assert.equal(h.calls.length, 0);
    // The listed protocol passes through.
    await readAll((await send(h, false)).body);
    assert.equal(h.calls.length, 1);
  });
});
