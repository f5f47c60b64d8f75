/**
 * The official @anthropic-ai/sdk against the built gateway with a `type: anthropic` backend
 * pointed at a fake Anthropic API replaying the recorded fixtures: /v1/messages passes through
 * untouched (the client's bytes, except `model` for a virtual model; the backend's x-api-key;
 * anthropic-version, anthropic-beta and ?beta=true reach it), count_tokens, the models list in
 * Anthropic's shape, and errors (unchanged for /v1/messages clients, 401 → 502, embeddings → 400).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import { fixtureEvents, fixturePath, json, replayFixture, sse, startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { startGateway, type RunningGateway } from '../helpers/start-gateway.js';
import { assertAnthropicError, assertOpenAIError, get, post, receivedWithId, rid } from '../helpers/e2e.js';
import { anthropicClient, anthropicError, fakeAnthropic } from '../helpers/anthropic-e2e.js';

const BACKEND_KEY = 'sk-ant-e2e-backend-9f8e7d6c5b4a';
const CLIENT_KEY = 'client-key-never-forwarded';
const SONNET = 'claude-sonnet-4-5-20250929';

describe('Anthropic SDK → anthropic backend (passthrough)', () => {
  let upstream: FakeUpstream;
  let other: FakeUpstream;
  let gw: RunningGateway;
  let client: Anthropic;
  const script = fakeAnthropic();
  /** What the SDK put on the wire, by request id. */
  const sent = new Map<string, string>();
  const sentVersion = new Map<string, string | null>();

  before(async () => {
    upstream = await startFakeUpstream(script);
    other = await startFakeUpstream();
    gw = await startGateway({
      config: {
        logging: { level: 'warn' },
        backends: [
          { id: 'claude', type: 'anthropic', base_url: upstream.url, api_key: BACKEND_KEY, models: ['claude-*'] },
          { id: 'vllm', type: 'openai', base_url: other.url, models: ['gpt-*', 'Qwen/*'] },
        ],
        routes: [{ virtual_model: 'coder', backend: 'claude', real_model: SONNET, defaults: { max_tokens: 777, temperature: 0.3 } }],
      },
    });
    client = anthropicClient(gw.url, CLIENT_KEY, async (url, init) => {
      const headers = new Headers(init?.headers);
      const id = headers.get('x-request-id');
      if (id && typeof init?.body === 'string') sent.set(id, init.body);
      if (id) sentVersion.set(id, headers.get('anthropic-version'));
      return fetch(url, init);
    });
  });

  after(async () => {
    await gw?.stop();
    await upstream?.close();
    await other?.close();
  });

  it('messages.create: the upstream gets the client bytes, the backend key, anthropic-version; the client gets the fixture', async () => {
    const id = rid('ant-json');
    script.on(id, replayFixture('anthropic/anthropic-text.json'));
    const message = await client.messages.create(
      {
        model: SONNET,
        max_tokens: 100,
        system: [{ type: 'text', text: 'Be kind.', cache_control: { type: 'ephemeral' } }],
        messages: [{ role: 'user', content: [{ type: 'text', text: 'How are you?', cache_control: { type: 'ephemeral' } }] }],
      },
      { headers: { 'x-request-id': id } },
    );
    assert.equal(message.content[0]!.type, 'text');
    assert.match((message.content[0] as Anthropic.TextBlock).text, /^Hello! I'm doing well/);
    assert.equal(message.stop_reason, 'end_turn');
    assert.equal(message.usage.input_tokens, 12);
    const got = await receivedWithId(upstream, id);
    assert.equal(got.url, '/v1/messages');
    assert.equal(got.rawBody.toString('utf8'), sent.get(id), 'the client bytes, untouched (cache_control included)');
    assert.equal(got.headers['x-api-key'], BACKEND_KEY);
    assert.equal(got.headers.authorization, undefined);
    assert.equal(got.headers['anthropic-version'], sentVersion.get(id), "the client's anthropic-version");
    assert.match(String(got.headers['anthropic-version']), /^\d{4}-\d{2}-\d{2}$/);
  });

  it('the non-streamed body reaches the client byte for byte', async () => {
    const id = rid('ant-bytes');
    script.on(id, replayFixture('anthropic/anthropic-clear-thinking.1.json'));
    const reply = await post(
      `${gw.url}/v1/messages`,
      { model: SONNET, max_tokens: 2000, messages: [{ role: 'user', content: 'x' }] },
      { 'x-request-id': id, 'anthropic-version': '2023-06-01' },
    );
    assert.equal(reply.status, 200);
    assert.ok(reply.bytes.equals(readFileSync(fixturePath('anthropic/anthropic-clear-thinking.1.json'))));
  });

  for (const name of [
    'anthropic-text',
    'anthropic-clear-thinking.1',
    'anthropic-json-tool.1',
    'anthropic-tool-no-args',
    'anthropic-refusal',
    'anthropic-message-delta-input-tokens',
  ]) {
    it(`${name}: streamed, every byte reaches the client unchanged and the SDK reads it`, async () => {
      const id = rid('ant-sse');
      script.on(id, replayFixture(`anthropic/${name}.chunks.txt`));
      const expected = fixtureEvents(`anthropic/${name}.chunks.txt`).join('');
      const reply = await post(
        `${gw.url}/v1/messages`,
        { model: SONNET, max_tokens: 100, stream: true, messages: [{ role: 'user', content: 'x' }] },
        { 'x-request-id': id },
      );
      assert.equal(reply.status, 200);
      assert.match(reply.headers.get('content-type') ?? '', /^text\/event-stream/);
      assert.equal(reply.headers.get('cache-control'), 'no-cache');
      assert.equal(reply.text, expected);

      const id2 = rid('ant-sse-sdk');
      script.on(id2, replayFixture(`anthropic/${name}.chunks.txt`));
      const stream = client.messages.stream(
        { model: SONNET, max_tokens: 100, messages: [{ role: 'user', content: 'x' }] },
        { headers: { 'x-request-id': id2 } },
      );
      const final = await stream.finalMessage();
      assert.ok(final.stop_reason);
    });
  }

  it('beta: anthropic-beta reaches the upstream; a virtual model changes only model and its profile fields', async () => {
    const id = rid('ant-beta');
    script.on(id, replayFixture('anthropic/anthropic-text.json'));
    const message = await client.beta.messages.create(
      { model: 'coder', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }], betas: ['context-1m-2025-08-07'] },
      { headers: { 'x-request-id': id } },
    );
    assert.equal(message.model, 'coder', 'the reply names the model the client asked for');
    const got = await receivedWithId(upstream, id);
    assert.equal(got.headers['anthropic-beta'], 'context-1m-2025-08-07');
    const clientBody = JSON.parse(sent.get(id)!) as Record<string, unknown>;
    // The caller's max_tokens beats the profile default; the default temperature is added.
    assert.deepEqual(got.body, { ...clientBody, model: SONNET, temperature: 0.3 });
  });

  it("Claude Code's ?beta=true query and its headers reach the upstream; the default anthropic-version when the client sends none", async () => {
    const id = rid('ant-query');
    script.on(id, replayFixture('anthropic/anthropic-text.chunks.txt'));
    const body = '{"model":"claude-sonnet-4-5-20250929","max_tokens":32000,"stream":true,"messages":[{"role":"user","content":"hi"}]}';
    const reply = await post(`${gw.url}/v1/messages?beta=true`, body, {
      'x-request-id': id,
      'anthropic-beta': 'claude-code-20250219,interleaved-thinking-2025-05-14',
      'x-app': 'cli',
      'x-api-key': CLIENT_KEY,
    });
    assert.equal(reply.status, 200);
    const got = await receivedWithId(upstream, id);
    assert.equal(got.url, '/v1/messages?beta=true');
    assert.equal(got.rawBody.toString(), body);
    assert.equal(got.headers['anthropic-beta'], 'claude-code-20250219,interleaved-thinking-2025-05-14');
    assert.equal(got.headers['x-app'], 'cli');
    assert.equal(got.headers['anthropic-version'], '2023-06-01');
    assert.equal(got.headers['x-api-key'], BACKEND_KEY);
  });

  it('max_tokens missing: the profile default fills it (and the backend default otherwise)', async () => {
    const id = rid('ant-maxtok');
    script.on(id, replayFixture('anthropic/anthropic-text.json'));
    await post(`${gw.url}/v1/messages`, { model: 'coder', messages: [{ role: 'user', content: 'x' }] }, { 'x-request-id': id });
    assert.equal((await receivedWithId(upstream, id)).body.max_tokens, 777);
    const id2 = rid('ant-maxtok2');
    script.on(id2, replayFixture('anthropic/anthropic-text.json'));
    await post(`${gw.url}/v1/messages`, { model: SONNET, messages: [{ role: 'user', content: 'x' }] }, { 'x-request-id': id2 });
    assert.equal((await receivedWithId(upstream, id2)).body.max_tokens, 4096);
  });

  it('count_tokens passes through to an anthropic backend (query and beta header too)', async () => {
    const id = rid('ant-count');
    script.on(id, json(200, { input_tokens: 14 }));
    const counted = await client.messages.countTokens(
      { model: 'coder', messages: [{ role: 'user', content: 'Hello, Claude' }] },
      { headers: { 'x-request-id': id } },
    );
    assert.equal(counted.input_tokens, 14);
    const got = await receivedWithId(upstream, id);
    assert.equal(got.path, '/v1/messages/count_tokens');
    assert.equal(got.headers['x-api-key'], BACKEND_KEY);
    // The virtual model's real name, and none of its generation-only defaults (count_tokens rejects them).
    assert.deepEqual(got.body, { model: SONNET, messages: [{ role: 'user', content: 'Hello, Claude' }] });
  });

  it('count_tokens for a backend that does not speak Anthropic: a clear 400 in the Anthropic envelope', async () => {
    const reply = await post(`${gw.url}/v1/messages/count_tokens?beta=true`, {
      model: 'gpt-x',
      messages: [{ role: 'user', content: 'x' }],
    });
    const error = assertAnthropicError(reply, 400, 'invalid_request_error');
    assert.match(error.message, /count_tokens is not available for backend vllm/);
    assert.equal(other.requests.filter((r) => r.method === 'POST').length, 0);
  });

  it('upstream errors reach /v1/messages clients unchanged: 400, 429 with retry-after, 529 overloaded', async () => {
    const cases: Array<[number, string, string, Record<string, string>]> = [
      [400, 'invalid_request_error', 'max_tokens: Field required', {}],
      [
        429,
        'rate_limit_error',
        'Number of request tokens has exceeded your per-minute rate limit',
        { 'retry-after': '17', 'anthropic-ratelimit-requests-remaining': '0' },
      ],
      [529, 'overloaded_error', 'Overloaded', {}],
    ];
    for (const [status, type, message, headers] of cases) {
      const id = rid(`ant-err-${status}`);
      script.on(id, anthropicError(status, type, message, headers));
      const reply = await post(
        `${gw.url}/v1/messages`,
        { model: SONNET, max_tokens: 5, messages: [{ role: 'user', content: 'x' }] },
        { 'x-request-id': id },
      );
      const error = assertAnthropicError(reply, status, type);
      assert.equal(error.message, message);
      for (const [k, v] of Object.entries(headers)) assert.equal(reply.headers.get(k), v, k);
      assert.equal(reply.headers.get('x-upstream-request-id'), 'req_upstream_1');
    }
    // The SDK sees the same status and message.
    const id = rid('ant-err-sdk');
    script.on(id, anthropicError(529, 'overloaded_error', 'Overloaded'));
    await assert.rejects(
      client.messages.create(
        { model: SONNET, max_tokens: 5, messages: [{ role: 'user', content: 'x' }] },
        { headers: { 'x-request-id': id } },
      ),
      (err: unknown) => err instanceof Anthropic.APIError && err.status === 529 && /Overloaded/.test(err.message),
    );
  });

  it('401 from Anthropic becomes 502: the gateway credentials were rejected, not the client key', async () => {
    const id = rid('ant-401');
    script.on(id, anthropicError(401, 'authentication_error', 'invalid x-api-key'));
    const reply = await post(
      `${gw.url}/v1/messages`,
      { model: SONNET, max_tokens: 5, messages: [{ role: 'user', content: 'x' }] },
      { 'x-request-id': id },
    );
    const error = assertAnthropicError(reply, 502);
    assert.match(error.message, /backend claude rejected the gateway's credentials/);
  });

  it('a mid-stream error event passes through as Anthropic sent it', async () => {
    const id = rid('ant-midstream');
    script.on(
      id,
      sse(
        [
          {
            type: 'message_start',
            message: {
              id: 'msg_m',
              type: 'message',
              role: 'assistant',
              model: SONNET,
              content: [],
              usage: { input_tokens: 1, output_tokens: 1 },
            },
          },
          { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
          { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hi' } },
          { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } },
        ],
        { framing: 'anthropic' },
      ),
    );
    const reply = await post(
      `${gw.url}/v1/messages`,
      { model: SONNET, max_tokens: 5, stream: true, messages: [{ role: 'user', content: 'x' }] },
      { 'x-request-id': id },
    );
    assert.equal(reply.status, 200);
    assert.ok(reply.text.endsWith('event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n'));
  });

  it('embeddings to an anthropic backend: 400 "cannot serve"', async () => {
    const reply = await post(`${gw.url}/v1/embeddings`, { model: SONNET, input: 'x' });
    assertOpenAIError(reply, 400, /backend claude \(type anthropic\) cannot serve \/v1\/embeddings/);
  });

  it('GET /v1/models lists the backend Claude models, in Anthropic shape when asked with anthropic-version', async () => {
    let listed: { data: Array<{ id: string; type: string }> } | undefined;
    for (let i = 0; i < 100; i++) {
      listed = (await get(`${gw.url}/v1/models`, { 'anthropic-version': '2023-06-01' })).json();
      if (listed!.data.some((m) => m.id === SONNET)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const ids = listed!.data.map((m) => m.id);
    assert.ok(ids.includes(SONNET) && ids.includes('coder'), ids.join());
    assert.equal(listed!.data[0]!.type, 'model');
    const modelsCall = upstream.requests.find((r) => r.method === 'GET');
    assert.equal(modelsCall?.headers['x-api-key'], BACKEND_KEY);
    assert.equal(modelsCall?.headers['anthropic-version'], '2023-06-01');
  });
});
