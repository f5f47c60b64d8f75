/**
 * The journal observer: one line per exchange when it ends, however it ends, with exactly the
 * SPEC §5 fields (plus upstream_request_id), from the shared measurement; bodies only when asked.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Subject } from 'rxjs';
import { CLIENT_CLOSED_REQUEST, Exchange, GatewayError, JournalObserver, type RouteDecision } from '@switchyard/kernel';
import { openaiChatCodec } from '@switchyard/plugin-openai';

const FIELDS = [
  'ts',
  'request_id',
  'ingress',
  'virtual_model',
  'backend',
  'real_model',
  'stream',
  'status',
  'error',
  'ttft_ms',
  'duration_ms',
  'input_tokens',
  'output_tokens',
  'tokens_per_second',
  'spend_usd',
  'profile',
  'client_key_id',
  'bytes_in',
  'bytes_out',
  'upstream_request_id',
  'attempts',
];

function decision(over: Partial<RouteDecision> = {}): RouteDecision {
  return {
    clientModel: 'fast',
    virtualModel: 'fast',
    route: null,
    backendId: 'gpu-1',
    realModel: 'org/model-7b',
    via: 'virtual_model',
    profile: null,
    ...over,
  } as RouteDecision;
}

class Lines {
  readonly lines: string[] = [];
  write(line: string): boolean {
    this.lines.push(line);
    return true;
  }
  records(): Array<Record<string, unknown>> {
    return this.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  }
}

const chatChunk = (delta: object, extra: object = {}) =>
  `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', model: 'org/model-7b', choices: [{ index: 0, delta, finish_reason: null }], ...extra })}\n\n`;

describe('JournalObserver', () => {
  it('a non-streamed success: every field, usage from the body, no bodies by default', async () => {
    const sink = new Lines();
    const observer = new JournalObserver(sink);
    const x = new Exchange('req-1', 'openai.chat', false, 'fast', 123, 'team-a');
    x.usageReader = openaiChatCodec.usage!; // set by the pipeline from the client protocol's codec
    observer.observe(x);
    assert.equal(x.requestBody, null);
    x.decision = decision();
    x.profileApplied = { defaults: ['temperature'], clamp: ['max_tokens'] };
    x.upstreamRequestId = 'up-1';
    const body = Buffer.from(
      JSON.stringify({
        id: 'x',
        choices: [{ message: { content: 'SECRET COMPLETION' } }],
        usage: { prompt_tokens: 11, completion_tokens: 7, total_tokens: 18 },
      }),
    );
    x.responseBody = body;
    await new Promise((r) => setTimeout(r, 5));
    x.end(200, null, body.length);
    await observer.close();
    assert.equal(sink.lines.length, 1);
    assert.ok(!sink.lines[0]!.includes('SECRET COMPLETION'));
    const r = sink.records()[0]!;
    assert.deepEqual(Object.keys(r), FIELDS);
    assert.equal(r.ts, new Date(x.ts).toISOString());
    assert.equal(r.request_id, 'req-1');
    assert.equal(r.ingress, 'openai.chat');
    assert.equal(r.virtual_model, 'fast');
    assert.equal(r.backend, 'gpu-1');
    assert.equal(r.real_model, 'org/model-7b');
    assert.equal(r.stream, false);
    assert.equal(r.status, 200);
    assert.equal(r.error, null);
    assert.equal(r.ttft_ms, null);
    assert.ok(typeof r.duration_ms === 'number' && r.duration_ms >= 4, `duration_ms ${r.duration_ms}`);
    assert.equal(Math.round((r.duration_ms as number) * 10) / 10, r.duration_ms, 'rounded to 0.1 ms');
    assert.equal(r.input_tokens, 11);
    assert.equal(r.output_tokens, 7);
    assert.ok(typeof r.tokens_per_second === 'number' && r.tokens_per_second > 0);
    assert.deepEqual(r.profile, { defaults: ['temperature'], clamp: ['max_tokens'] });
    assert.equal(r.client_key_id, 'team-a');
    assert.equal(r.bytes_in, 123);
    assert.equal(r.bytes_out, body.length);
    assert.equal(r.upstream_request_id, 'up-1');
  });

  it('a stream: TTFT and usage from the shared meter; the streamed text only with include_bodies', async () => {
    for (const includeBodies of [false, true]) {
      const sink = new Lines();
      const observer = new JournalObserver(sink, { includeBodies });
      assert.equal(observer.wantsBodies, includeBodies);
      const x = new Exchange('req-s', 'openai.chat', true, 'org/model-7b', 50, null);
      x.usageReader = openaiChatCodec.usage!;
      if (includeBodies) x.requestBody = { model: 'org/model-7b', messages: [{ role: 'user', content: 'the prompt' }] };
      observer.observe(x);
      x.decision = decision({ virtualModel: null, clientModel: 'org/model-7b', via: 'glob' });
      const chunks = new Subject<Buffer>();
      x.startStream(chunks);
      const sent = [
        chatChunk({ role: 'assistant', content: '' }),
        chatChunk({ content: 'Hel' }),
        chatChunk({ content: 'lo' }),
        `data: ${JSON.stringify({ id: 'c1', choices: [], usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 } })}\n\n`,
        'data: [DONE]\n\n',
      ];
      await new Promise((r) => setTimeout(r, 3));
      for (const s of sent) chunks.next(Buffer.from(s));
      chunks.complete();
      x.end(200, null, 999);
      await observer.close();
      const r = sink.records()[0]!;
      assert.equal(r.stream, true);
      assert.equal(r.virtual_model, null);
      assert.equal(r.real_model, 'org/model-7b');
      assert.ok(typeof r.ttft_ms === 'number' && r.ttft_ms >= 2, `ttft_ms ${r.ttft_ms}`);
      assert.equal(r.input_tokens, 5);
      assert.equal(r.output_tokens, 2);
      assert.equal(r.bytes_out, 999);
      if (includeBodies) {
        assert.deepEqual(Object.keys(r), [...FIELDS, 'request_body', 'response_body']);
        assert.deepEqual(r.request_body, x.requestBody);
        assert.equal(r.response_body, sent.join(''));
      } else {
        assert.deepEqual(Object.keys(r), FIELDS);
      }
    }
  });

  it('a non-streamed body with include_bodies is the parsed JSON', async () => {
    const sink = new Lines();
    const observer = new JournalObserver(sink, { includeBodies: true });
    const x = new Exchange('req-b', 'openai.embeddings', false, 'e', 10, null);
    x.requestBody = { model: 'e', input: 'hi' };
    observer.observe(x);
    x.decision = decision({ virtualModel: null });
    x.responseBody = Buffer.from('{"data":[],"usage":{"prompt_tokens":1,"total_tokens":1}}');
    x.end(200, null, 10);
    await observer.close();
    const r = sink.records()[0]!;
    assert.deepEqual(r.request_body, { model: 'e', input: 'hi' });
    assert.deepEqual(r.response_body, { data: [], usage: { prompt_tokens: 1, total_tokens: 1 } });
  });

  it('caps a captured stream and says so', async () => {
    const sink = new Lines();
    const observer = new JournalObserver(sink, { includeBodies: true, maxStreamBodyBytes: 10 });
    const x = new Exchange('req-c', 'openai.chat', true, 'm', 10, null);
    observer.observe(x);
    const chunks = new Subject<Buffer>();
    x.startStream(chunks);
    chunks.next(Buffer.from('0123456'));
    chunks.next(Buffer.from('789abcdef'));
    chunks.complete();
    x.end(200, null, 16);
    await observer.close();
    const r = sink.records()[0]!;
    assert.equal(r.response_body, '0123456789');
    assert.equal(r.response_body_truncated, true);
  });

  it('errors, rejections and aborts get one line each with the status and the (redacted) message', async () => {
    const sink = new Lines();
    const observer = new JournalObserver(sink);
    const notFound = new Exchange('req-404', 'openai.chat', false, 'nope', 20, null);
    observer.observe(notFound);
    notFound.end(404, GatewayError.modelNotFound('nope', ['a', 'b']), 0);

    const upstream = new Exchange('req-502', 'anthropic.messages', true, 'fast', 20, null);
    observer.observe(upstream);
    upstream.decision = decision();
    upstream.end(502, new GatewayError({ status: 502, kind: 'upstream', message: 'backend gpu-1 answered 500' }), 0);

    const timeout = new Exchange('req-504', 'openai.chat', false, 'fast', 20, null);
    observer.observe(timeout);
    timeout.decision = decision();
    timeout.end(504, GatewayError.gatewayTimeout('backend gpu-1 timed out waiting for the response headers'), 0);

    const aborted = new Exchange('req-499', 'openai.chat', true, 'fast', 20, null);
    observer.observe(aborted);
    aborted.decision = decision();
    aborted.end(CLIENT_CLOSED_REQUEST, null, 42, true);

    const long = new Exchange('req-long', 'openai.chat', false, 'x', 20, null);
    observer.observe(long);
    long.end(400, GatewayError.invalidRequest('y'.repeat(5000)), 0);

    await observer.close();
    const byId = new Map(sink.records().map((r) => [r.request_id, r]));
    assert.equal(byId.size, 5);
    const nf = byId.get('req-404')!;
    assert.equal(nf.status, 404);
    assert.match(nf.error as string, /The model 'nope' does not exist/);
    assert.equal(nf.backend, null);
    assert.equal(nf.virtual_model, null);
    assert.equal(nf.real_model, null);
    assert.equal(byId.get('req-502')!.status, 502);
    assert.equal(byId.get('req-502')!.ingress, 'anthropic.messages');
    assert.equal(byId.get('req-502')!.error, 'backend gpu-1 answered 500');
    assert.equal(byId.get('req-504')!.status, 504);
    assert.match(byId.get('req-504')!.error as string, /timed out/);
    assert.equal(byId.get('req-499')!.status, 499);
    assert.equal(byId.get('req-499')!.error, 'client closed the request');
    assert.equal(byId.get('req-499')!.bytes_out, 42);
    assert.ok((byId.get('req-long')!.error as string).length <= 1001);
    for (const r of byId.values()) assert.deepEqual(Object.keys(r), FIELDS);
  });

  it('close() waits for exchanges that end meanwhile, then closes the sink', async () => {
    let closed = false;
    const lines: string[] = [];
    const observer = new JournalObserver({
      write: (l) => lines.push(l) > 0,
      close: async () => {
        closed = true;
      },
    });
    const x = new Exchange('late', 'openai.chat', false, 'm', 1, null);
    observer.observe(x);
    setTimeout(() => x.end(200, null, 0), 20);
    await observer.close(1000);
    assert.equal(lines.length, 1);
    assert.equal(closed, true);
  });
});
