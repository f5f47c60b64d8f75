/**
 * Issue #10 through the kernel pipeline with a scripted provider: failover on each trigger (and
 * never after the first byte), the total retry deadline, cooldown from retry-after, monitor-down
 * backends skipped, round_robin / least_loaded distribution under concurrent load, max_concurrency
 * with its bounded queue (full, timeout, client gone), and auto_route choosing its target.
 */
import assert from 'node:assert/strict';
import { PassThrough, Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import {
  buildConfig,
  GatewayPipeline,
  GatewayRuntime,
  PluginRegistry,
  silentLogger,
  type GatewayReply,
  type Protocol,
  type ProviderPlugin,
  type UpstreamCall,
  type UpstreamReply,
} from '@switchyard/kernel';
import { hasAnthropicMedia } from '@switchyard/plugin-anthropic';
import { hasOpenAIChatMedia, openaiChatProfile } from '@switchyard/plugin-openai';
import { hasResponsesMedia } from '@switchyard/plugin-openresponses';

type Responder = (call: UpstreamCall) => Promise<UpstreamReply> | UpstreamReply;

interface Harness {
  pipeline: GatewayPipeline;
  runtime: GatewayRuntime;
  /** Every upstream call, in order: backend id and model. */
  calls: Array<{ backend: string; model: string }>;
  /** What each backend answers (default: 200 JSON naming the backend). */
  script: Map<string, Responder>;
}

const json = (backend: string, status = 200, headers: Record<string, string> = {}): UpstreamReply => ({
  status,
  headers: { 'content-type': 'application/json', ...headers },
  body: Readable.from([
    Buffer.from(
      JSON.stringify(status < 400 ? { id: 'x', model: 'm', served_by: backend, choices: [] } : { error: { message: `status ${status}` } }),
    ),
  ]),
});

const transportError = (code: string): Error => Object.assign(new Error(code), { code });

/** Held upstream calls: each resolves when released (or rejects when its signal aborts). */
function holder() {
  const held: Array<{ backend: string; release: () => void }> = [];
  const responder =
    (backend: string): Responder =>
    (call) =>
      new Promise((resolve, reject) => {
        held.push({ backend, release: () => resolve(json(backend)) });
        call.signal.addEventListener('abort', () => reject(call.signal.reason as Error));
      });
  return { held, responder };
}

async function harness(yaml: string): Promise<Harness> {
  const calls: Harness['calls'] = [];
  const script = new Map<string, Responder>();
  const plugin: ProviderPlugin = {
    type: 'scripted',
    nativeProtocols: ['openai.chat', 'anthropic.messages', 'openai.responses'],
    createAdapter: (config) => ({
      backendId: config.id,
      wireProtocolFor: (ingress: Protocol) => ingress,
      async send(call: UpstreamCall) {
        calls.push({ backend: config.id, model: call.model });
        const r = script.get(config.id);
        return r ? r(call) : json(config.id);
      },
      close: async () => undefined,
    }),
  };
  // The openai.chat profile rules (vocabulary slots, thinking) are the openai plugin's (ProtocolCodec.profile);
  // which content is media (auto_route) is each client protocol's plugin's (ProtocolCodec.hasMediaContent).
  const registry = new PluginRegistry()
    .register(plugin)
    .registerCodec({ protocol: 'openai.chat', profile: openaiChatProfile, hasMediaContent: hasOpenAIChatMedia })
    .registerCodec({ protocol: 'anthropic.messages', hasMediaContent: hasAnthropicMedia })
    .registerCodec({ protocol: 'openai.responses', hasMediaContent: hasResponsesMedia });
  const { config } = await buildConfig(parse(yaml), { source: 'test.yaml', baseDir: '.', env: {}, registry });
  const runtime = new GatewayRuntime({ config, registry, logger: silentLogger() });
  const pipeline = new GatewayPipeline({ current: () => runtime }, silentLogger());
  return { pipeline, runtime, calls, script };
}

function send(
  h: Harness,
  model: string,
  opts: { stream?: boolean; signal?: AbortSignal; protocol?: Protocol; body?: Record<string, unknown> } = {},
): Promise<GatewayReply> {
  const body = opts.body ?? { model, stream: opts.stream ?? false, max_tokens: 10, messages: [{ role: 'user', content: 'x' }] };
  return opts.protocol || opts.body
    ? h.pipeline.handle({
        protocol: opts.protocol ?? 'openai.chat',
        body: { model, ...body },
        headers: {},
        requestId: 'r',
        signal: opts.signal ?? new AbortController().signal,
      })
    : h.pipeline.handle({
        protocol: 'openai.chat',
        body,
        headers: {},
        requestId: 'r',
        signal: opts.signal ?? new AbortController().signal,
      });
}

async function servedBy(reply: GatewayReply): Promise<string> {
  const text = Buffer.isBuffer(reply.body) ? reply.body.toString('utf8') : '';
  return (JSON.parse(text) as { served_by: string }).served_by;
}

async function rejection(p: Promise<unknown>): Promise<{ status: number; headers: Record<string, string>; message: string }> {
  try {
    await p;
  } catch (err) {
    return err as { status: number; headers: Record<string, string>; message: string };
  }
  assert.fail('expected a rejection');
}

const tick = () => new Promise((r) => setImmediate(r));

const BACKENDS = `
backends:
  - { id: a, type: scripted }
  - { id: b, type: scripted }
  - { id: c, type: scripted }
`;

function routeYaml(strategy: string, extra = '', weights: [number, number, number] = [1, 1, 1]): string {
  return `${BACKENDS}
routes:
  - virtual_model: m
    strategy: ${strategy}
    ${extra}
    targets:
      - { backend: a, real_model: ra, weight: ${weights[0]} }
      - { backend: b, real_model: rb, weight: ${weights[1]} }
      - { backend: c, real_model: rc, weight: ${weights[2]} }
`;
}

describe('failover (issue #10)', () => {
  const triggers: Array<[string, Responder]> = [
    ['connection refused', () => Promise.reject(transportError('ECONNREFUSED'))],
    ['connection reset', () => Promise.reject(transportError('ECONNRESET'))],
    ['timeout before the first byte', () => Promise.reject(transportError('UND_ERR_HEADERS_TIMEOUT'))],
    ['500', () => json('a', 500)],
    ['502', () => json('a', 502)],
    ['503', () => json('a', 503)],
    ['429', () => json('a', 429)],
  ];
  for (const [name, responder] of triggers) {
    it(`moves to the next target on ${name} and records every attempt`, async () => {
      const h = await harness(routeYaml('failover'));
      h.script.set('a', responder);
      const reply = await send(h, 'm');
      assert.equal(reply.status, 200);
      assert.equal(await servedBy(reply), 'b');
      assert.deepEqual(h.calls, [
        { backend: 'a', model: 'ra' },
        { backend: 'b', model: 'rb' },
      ]);
      const attempts = reply.exchange.attempts;
      assert.equal(attempts.length, 2);
      assert.equal(attempts[0]!.backend, 'a');
      assert.equal(attempts[0]!.real_model, 'ra');
      assert.ok(attempts[0]!.status !== undefined ? attempts[0]!.status >= 429 : typeof attempts[0]!.error === 'string');
      assert.deepEqual({ ...attempts[1], ms: 0 }, { backend: 'b', real_model: 'rb', status: 200, ms: 0 });
      assert.equal(reply.exchange.decision?.backendId, 'b');
      assert.equal(reply.exchange.decision?.realModel, 'rb');
      assert.equal(reply.headers['x-switchyard-real-model'], 'rb');
    });
  }

  it('does not fail over on a 4xx other than 429 (the request itself is wrong)', async () => {
    const h = await harness(routeYaml('failover'));
    h.script.set('a', () => json('a', 400));
    const err = await rejection(send(h, 'm'));
    assert.equal(err.status, 400);
    assert.equal(h.calls.length, 1);
  });

  it('the last target’s error reaches the client when every target fails', async () => {
    const h = await harness(routeYaml('failover'));
    for (const id of ['a', 'b', 'c']) h.script.set(id, () => json(id, 502));
    const err = await rejection(send(h, 'm'));
    assert.equal(err.status, 502);
    assert.deepEqual(
      h.calls.map((c) => c.backend),
      ['a', 'b', 'c'],
    );
  });

  it('never fails over once the stream has started (a byte reached the client)', async () => {
    const h = await harness(routeYaml('failover'));
    const body = new PassThrough();
    h.script.set('a', () => ({ status: 200, headers: { 'content-type': 'text/event-stream' }, body }));
    const reply = await send(h, 'm', { stream: true });
    assert.equal(reply.status, 200);
    body.write('data: {"choices":[{"delta":{"content":"hi"}}]}\n\n');
    const chunks: string[] = [];
    (reply.body as Readable).on('data', (c: Buffer) => chunks.push(c.toString('utf8')));
    await tick();
    body.destroy(transportError('ECONNRESET'));
    await reply.exchange.done;
    await tick();
    assert.equal(h.calls.length, 1, 'no second attempt after the first byte');
    assert.match(chunks.join(''), /"hi"/);
    assert.match(chunks.join(''), /error/);
    assert.equal(reply.exchange.attempts.length, 1);
  });

  it('starts no new attempt after retry_deadline_seconds', async () => {
    const h = await harness(routeYaml('failover', 'retry_deadline_seconds: 0.15'));
    h.script.set('a', async () => {
      await new Promise((r) => setTimeout(r, 200));
      return json('a', 503);
    });
    const err = await rejection(send(h, 'm'));
    assert.equal(err.status, 504, 'the deadline passed while the first target was still answering');
    assert.equal(h.calls.length, 1);
  });

  it('the deadline also cuts an attempt still waiting for its first byte: 504, upstream aborted', async () => {
    const h = await harness(routeYaml('failover', 'retry_deadline_seconds: 0.2'));
    let aborted = false;
    h.script.set(
      'a',
      (call) =>
        new Promise((_resolve, reject) => {
          call.signal.addEventListener('abort', () => {
            aborted = true;
            reject(call.signal.reason as Error);
          });
        }),
    );
    const started = performance.now();
    const err = await rejection(send(h, 'm'));
    assert.equal(err.status, 504);
    assert.match(err.message, /retry deadline/);
    assert.ok(aborted, 'the hanging attempt was aborted');
    assert.ok(performance.now() - started < 1500);
  });

  it('a route with one target keeps its status (no retry to the same target)', async () => {
    const h = await harness(`${BACKENDS}\nroutes: [{ virtual_model: one, backend: a, real_model: ra }]\n`);
    h.script.set('a', () => json('a', 503));
    const err = await rejection(send(h, 'one'));
    assert.equal(err.status, 503);
    assert.equal(h.calls.length, 1);
  });

  it('per-target profile overrides apply to the target that serves', async () => {
    const h = await harness(`${BACKENDS}
routes:
  - virtual_model: m
    defaults: { temperature: 0.5, top_p: 0.9 }
    targets:
      - { backend: a, real_model: ra, defaults: { temperature: 0.1 } }
      - { backend: b, real_model: rb }
`);
    const bodies: Array<Record<string, unknown>> = [];
    h.script.set('a', (call) => {
      bodies.push(call.body as Record<string, unknown>);
      return json('a', 500);
    });
    h.script.set('b', (call) => {
      bodies.push(call.body as Record<string, unknown>);
      return json('b');
    });
    const reply = await send(h, 'm');
    assert.equal(await servedBy(reply), 'b');
    assert.deepEqual([bodies[0]!.temperature, bodies[0]!.top_p, bodies[0]!.model], [0.1, 0.9, 'ra']);
    assert.deepEqual([bodies[1]!.temperature, bodies[1]!.top_p, bodies[1]!.model], [0.5, 0.9, 'rb']);
  });
});

describe('cooldown and health (issue #10)', () => {
  it('a retry-after from the upstream puts that target in cooldown for that long', async () => {
    const h = await harness(routeYaml('failover'));
    let limited = true;
    h.script.set('a', () => (limited ? json('a', 429, { 'retry-after': '1' }) : json('a')));
    assert.equal(await servedBy(await send(h, 'm')), 'b');
    limited = false;
    h.calls.length = 0;
    assert.equal(await servedBy(await send(h, 'm')), 'b', 'a is cooling down');
    assert.deepEqual(
      h.calls.map((c) => c.backend),
      ['b'],
      'a is not even tried',
    );
    await new Promise((r) => setTimeout(r, 1050));
    assert.equal(await servedBy(await send(h, 'm')), 'a', 'cooldown over');
  });

  it('a 503 with an HTTP-date retry-after also cools the target down', async () => {
    const h = await harness(routeYaml('failover'));
    h.script.set('a', () => json('a', 503, { 'retry-after': new Date(Date.now() + 5000).toUTCString() }));
    await send(h, 'm');
    h.calls.length = 0;
    await send(h, 'm');
    assert.deepEqual(
      h.calls.map((c) => c.backend),
      ['b'],
    );
  });

  it('backends the monitor marks down are skipped while an alternative is up, tried when none is', async () => {
    const h = await harness(routeYaml('failover'));
    let down = new Set(['a']);
    h.pipeline.useHealth((id) => down.has(id));
    assert.equal(await servedBy(await send(h, 'm')), 'b');
    assert.deepEqual(
      h.calls.map((c) => c.backend),
      ['b'],
    );
    down = new Set(['a', 'b', 'c']);
    h.calls.length = 0;
    assert.equal(await servedBy(await send(h, 'm')), 'a', 'all down: tried anyway, in order');
  });
});

describe('load balancing under concurrent load (issue #10)', () => {
  it('round_robin spreads requests evenly over the targets', async () => {
    const h = await harness(routeYaml('round_robin'));
    const replies = await Promise.all(Array.from({ length: 30 }, () => send(h, 'm')));
    const count = new Map<string, number>();
    for (const r of replies) count.set(await servedBy(r), (count.get(await servedBy(r)) ?? 0) + 1);
    assert.deepEqual(Object.fromEntries(count), { a: 10, b: 10, c: 10 });
  });

  it('round_robin honours weights', async () => {
    const h = await harness(routeYaml('round_robin', '', [3, 1, 0 + 1]));
    const replies = await Promise.all(Array.from({ length: 50 }, () => send(h, 'm')));
    const count = new Map<string, number>();
    for (const r of replies) count.set(await servedBy(r), (count.get(await servedBy(r)) ?? 0) + 1);
    assert.deepEqual(Object.fromEntries(count), { a: 30, b: 10, c: 10 });
  });

  it('least_loaded sends each request to the backend with the fewest in flight', async () => {
    const h = await harness(routeYaml('least_loaded'));
    const { held, responder } = holder();
    for (const id of ['a', 'b', 'c']) h.script.set(id, responder(id));
    const pending = Array.from({ length: 12 }, () => send(h, 'm'));
    await tick();
    const per = (id: string) => held.filter((x) => x.backend === id).length;
    assert.deepEqual([per('a'), per('b'), per('c')], [4, 4, 4]);
    // Free two slots on b: the next two requests go there.
    for (const x of held.filter((x) => x.backend === 'b').slice(0, 2)) x.release();
    await Promise.all(pending.slice(0, 0));
    await new Promise((r) => setTimeout(r, 10));
    // The two replies from b ended (non-streaming): b now has 2 in flight.
    const more = Array.from({ length: 2 }, () => send(h, 'm'));
    await tick();
    assert.equal(h.calls.slice(-2).filter((c) => c.backend === 'b').length, 2);
    for (const x of held) x.release();
    await Promise.all([...pending, ...more]);
    assert.equal(h.pipeline.balancer.inFlight('a') + h.pipeline.balancer.inFlight('b') + h.pipeline.balancer.inFlight('c'), 0);
  });

  it('least_loaded honours weights', async () => {
    const h = await harness(routeYaml('least_loaded', '', [2, 1, 1]));
    const { held, responder } = holder();
    for (const id of ['a', 'b', 'c']) h.script.set(id, responder(id));
    const pending = Array.from({ length: 8 }, () => send(h, 'm'));
    await tick();
    const per = (id: string) => held.filter((x) => x.backend === id).length;
    assert.deepEqual([per('a'), per('b'), per('c')], [4, 2, 2]);
    for (const x of held) x.release();
    await Promise.all(pending);
  });
});

describe('max_concurrency and its queue (issue #10)', () => {
  const limited = (queue: number, timeout: number) => `
backends:
  - { id: a, type: scripted, models: ["*"], max_concurrency: 2, max_queue: ${queue}, queue_timeout_seconds: ${timeout} }
`;

  it('excess requests wait, then run in order as slots free up', async () => {
    const h = await harness(limited(5, 10));
    const { held, responder } = holder();
    h.script.set('a', responder('a'));
    const pending = Array.from({ length: 4 }, () => send(h, 'x'));
    await tick();
    assert.equal(held.length, 2, 'two in flight');
    assert.equal(h.pipeline.balancer.queued('a'), 2, 'two waiting');
    held[0]!.release();
    await new Promise((r) => setTimeout(r, 10));
    assert.equal(held.length, 3);
    for (const x of held) x.release();
    await new Promise((r) => setTimeout(r, 10));
    for (const x of held) x.release();
    const replies = await Promise.all(pending);
    assert.deepEqual(
      replies.map((r) => r.status),
      [200, 200, 200, 200],
    );
    assert.equal(h.pipeline.balancer.inFlight('a'), 0);
  });

  it('503 with retry-after when the queue is full', async () => {
    const h = await harness(limited(1, 10));
    const { held, responder } = holder();
    h.script.set('a', responder('a'));
    const pending = Array.from({ length: 3 }, () => send(h, 'x'));
    await tick();
    const err = await rejection(send(h, 'x'));
    assert.equal(err.status, 503);
    assert.equal(err.headers['retry-after'], '1');
    assert.match(err.message, /queue is full/);
    for (let i = 0; i < 3; i++) {
      for (const x of held) x.release();
      await new Promise((r) => setTimeout(r, 5));
    }
    await Promise.all(pending);
  });

  it('503 with retry-after when the wait runs out', async () => {
    const h = await harness(limited(5, 0.1));
    const { held, responder } = holder();
    h.script.set('a', responder('a'));
    const pending = Array.from({ length: 2 }, () => send(h, 'x'));
    await tick();
    const t0 = performance.now();
    const err = await rejection(send(h, 'x'));
    assert.equal(err.status, 503);
    assert.ok(err.headers['retry-after']);
    assert.match(err.message, /queue_timeout_seconds/);
    assert.ok(performance.now() - t0 >= 90);
    assert.equal(h.pipeline.balancer.queued('a'), 0);
    for (const x of held) x.release();
    await Promise.all(pending);
  });

  it('a queued request leaves the queue at once when the client disconnects', async () => {
    const h = await harness(limited(5, 30));
    const { held, responder } = holder();
    h.script.set('a', responder('a'));
    const pending = Array.from({ length: 2 }, () => send(h, 'x'));
    await tick();
    const client = new AbortController();
    const waiting = send(h, 'x', { signal: client.signal });
    await tick();
    assert.equal(h.pipeline.balancer.queued('a'), 1);
    const t0 = performance.now();
    client.abort();
    const err = await rejection(waiting);
    assert.ok(performance.now() - t0 < 100);
    assert.equal(err.status, 499);
    assert.equal(h.pipeline.balancer.queued('a'), 0);
    assert.equal(h.calls.length, 2, 'it never reached the upstream');
    for (const x of held) x.release();
    await Promise.all(pending);
    assert.equal(h.pipeline.balancer.inFlight('a'), 0);
  });

  it('a full queue on one target fails over to the next', async () => {
    const h = await harness(`
backends:
  - { id: a, type: scripted, max_concurrency: 1, max_queue: 0 }
  - { id: b, type: scripted }
routes:
  - virtual_model: m
    targets: [{ backend: a, real_model: ra }, { backend: b, real_model: rb }]
`);
    const { held, responder } = holder();
    h.script.set('a', responder('a'));
    const first = send(h, 'm');
    await tick();
    const reply = await send(h, 'm');
    assert.equal(await servedBy(reply), 'b');
    assert.match(reply.exchange.attempts[0]!.error ?? '', /queue is full/);
    held[0]!.release();
    await first;
  });
});

describe('auto_route through the pipeline (issue #10)', () => {
  const yaml = `
backends:
  - { id: t, type: scripted }
  - { id: v, type: scripted, models: ["vision-*"] }
routes:
  - { virtual_model: coder, backend: t, real_model: text-model }
  - { virtual_model: auto, auto_route: { text: coder, vision: vision-large } }
`;
  const cases: Array<[Protocol, string, Record<string, unknown>]> = [
    [
      'openai.chat',
      'image_url',
      {
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'x' },
              { type: 'image_url', image_url: { url: 'data:' } },
            ],
          },
        ],
      },
    ],
    [
      'openai.chat',
      'input_audio',
      { messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: '', format: 'wav' } }] }] },
    ],
    ['openai.chat', 'file', { messages: [{ role: 'user', content: [{ type: 'file', file: { file_id: 'f' } }] }] }],
    ['openai.chat', 'video', { messages: [{ role: 'user', content: [{ type: 'video', video: 'x' }] }] }],
    [
      'anthropic.messages',
      'image',
      {
        max_tokens: 5,
        messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: '' } }] }],
      },
    ],
    [
      'anthropic.messages',
      'document',
      { max_tokens: 5, messages: [{ role: 'user', content: [{ type: 'document', source: { type: 'text', data: 'x' } }] }] },
    ],
    [
      'anthropic.messages',
      'tool_result image',
      {
        max_tokens: 5,
        messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 't', content: [{ type: 'image', source: {} }] }] }],
      },
    ],
    ['openai.responses', 'input_image', { input: [{ role: 'user', content: [{ type: 'input_image', image_url: 'data:' }] }] }],
    ['openai.responses', 'input_file', { input: [{ role: 'user', content: [{ type: 'input_file', file_id: 'f' }] }] }],
    ['openai.responses', 'input_audio', { input: [{ role: 'user', content: [{ type: 'input_audio', input_audio: {} }] }] }],
  ];
  for (const [protocol, kind, body] of cases) {
    it(`${protocol}: ${kind} content → the vision target`, async () => {
      const h = await harness(yaml);
      const reply = await send(h, 'auto', { protocol, body });
      assert.equal(await servedBy(reply), 'v');
      assert.deepEqual(h.calls, [{ backend: 'v', model: 'vision-large' }]);
      assert.deepEqual(reply.exchange.decision?.autoRoute, { virtualModel: 'auto', kind: 'vision', target: 'vision-large' });
      assert.equal(reply.exchange.decision?.clientModel, 'auto');
    });
  }
  const textOnly: Array<[Protocol, Record<string, unknown>]> = [
    [
      'openai.chat',
      {
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'x' }] },
          { role: 'user', content: 'plain' },
        ],
      },
    ],
    ['anthropic.messages', { max_tokens: 5, messages: [{ role: 'user', content: [{ type: 'text', text: 'x' }] }] }],
    ['openai.responses', { input: 'plain text' }],
    ['openai.responses', { input: [{ role: 'user', content: [{ type: 'input_text', text: 'x' }] }] }],
  ];
  for (const [protocol, body] of textOnly) {
    it(`${protocol}: text only → the text target (${JSON.stringify(body).slice(0, 40)})`, async () => {
      const h = await harness(yaml);
      const reply = await send(h, 'auto', { protocol, body });
      assert.equal(await servedBy(reply), 't');
      assert.deepEqual(h.calls, [{ backend: 't', model: 'text-model' }]);
      const d = reply.exchange.decision!;
      assert.deepEqual(d.autoRoute, { virtualModel: 'auto', kind: 'text', target: 'coder' });
      assert.equal(d.virtualModel, 'coder');
      assert.equal(d.realModel, 'text-model');
    });
  }
});
