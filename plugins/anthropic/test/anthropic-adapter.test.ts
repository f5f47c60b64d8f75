/**
 * The anthropic backend adapter against a fake upstream: URL and query, the client's bytes on
 * passthrough, max_tokens default, auth per auth_type, anthropic-version / anthropic-beta,
 * count_tokens, the model list (Anthropic's paginated shape), wireProtocolFor.
 */
import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { BackendContext, UpstreamCall } from '@switchyard/kernel';
import anthropicPlugin, { AnthropicAdapter, AnthropicBackendConfig } from '@switchyard/plugin-anthropic';
import { validate } from 'class-validator';
import { json, startFakeUpstream, type FakeUpstream } from '../../../test/dist/helpers/fake-upstream.js';
import { collectText } from '../../../test/dist/helpers/sse.js';

function adapter(options: Partial<AnthropicBackendConfig>): AnthropicAdapter {
  const config = Object.assign(new AnthropicBackendConfig(), { id: 'claude', type: 'anthropic' }, options);
  return anthropicPlugin.createAdapter(config, {} as BackendContext) as AnthropicAdapter;
}

function call(body: Record<string, unknown>, extra: Partial<UpstreamCall> = {}): UpstreamCall {
  return {
    protocol: 'anthropic.messages',
    body,
    model: String(body.model),
    stream: body.stream === true,
    clientHeaders: {},
    requestId: 'req-a',
    traceparent: '00-00000000000000000000000000000001-0000000000000001-01',
    signal: AbortSignal.timeout(5000),
    ...extra,
  };
}

const MESSAGE = {
  id: 'msg_1',
  type: 'message',
  role: 'assistant',
  model: 'claude-x',
  content: [{ type: 'text', text: 'hi' }],
  stop_reason: 'end_turn',
  usage: { input_tokens: 1, output_tokens: 1 },
};

describe('AnthropicAdapter', () => {
  let upstream: FakeUpstream;
  before(async () => {
    upstream = await startFakeUpstream(json(200, MESSAGE));
  });
  after(() => upstream.close());
  beforeEach(() => upstream.reset().always(json(200, MESSAGE)));

  it('wireProtocolFor: /v1/messages passes through, chat (and responses) are translated, embeddings and completions cannot be served', () => {
    const a = adapter({ base_url: upstream.url });
    assert.equal(a.wireProtocolFor('anthropic.messages'), 'anthropic.messages');
    assert.equal(a.wireProtocolFor('openai.chat'), 'anthropic.messages');
    assert.equal(a.wireProtocolFor('openai.responses'), 'anthropic.messages');
    assert.equal(a.wireProtocolFor('openai.embeddings'), null);
    assert.equal(a.wireProtocolFor('openai.completions'), null);
    assert.deepEqual(anthropicPlugin.nativeProtocols, ['anthropic.messages']);
    assert.equal(anthropicPlugin.providerName, 'anthropic');
    assert.equal(anthropicPlugin.codecs?.[0]?.protocol, 'anthropic.messages');
  });

  it('POSTs the client bytes to /v1/messages?query with x-api-key, the default anthropic-version and the client anthropic-beta', async () => {
    const a = adapter({ base_url: upstream.url, api_key: 'sk-ant-backend' });
    const raw = Buffer.from(
      '{"model":"claude-x",  "max_tokens":5,"messages":[{"role":"user","content":"hi","cache_control":{"type":"ephemeral"}}]}',
    );
    const reply = await a.send(
      call(JSON.parse(raw.toString()), {
        rawBody: raw,
        query: 'beta=true',
        clientHeaders: {
          'anthropic-beta': 'prompt-caching-2024-07-31',
          'x-api-key': 'client-key',
          authorization: 'Bearer client',
          'user-agent': 'claude-cli',
        },
      }),
    );
    assert.equal(reply.status, 200);
    await collectText(reply.body);
    const got = upstream.lastRequest!;
    assert.equal(got.method, 'POST');
    assert.equal(got.url, '/v1/messages?beta=true');
    assert.deepEqual(got.rawBody, raw);
    assert.equal(got.headers['x-api-key'], 'sk-ant-backend');
    assert.equal(got.headers.authorization, undefined);
    assert.equal(got.headers['anthropic-version'], '2023-06-01');
    assert.equal(got.headers['anthropic-beta'], 'prompt-caching-2024-07-31');
    assert.equal(got.headers['content-type'], 'application/json');
    assert.equal(got.headers['x-request-id'], 'req-a');
  });

  it("the client's anthropic-version wins over the configured one; auth_type bearer sends Authorization", async () => {
    const a = adapter({ base_url: upstream.url, api_key: 'sk-b', auth_type: 'bearer', anthropic_version: '2024-01-01' });
    await collectText(
      (await a.send(call({ model: 'm', max_tokens: 1, messages: [] }, { clientHeaders: { 'anthropic-version': '2023-06-01' } }))).body,
    );
    assert.equal(upstream.lastRequest!.headers['anthropic-version'], '2023-06-01');
    assert.equal(upstream.lastRequest!.headers.authorization, 'Bearer sk-b');
    assert.equal(upstream.lastRequest!.headers['x-api-key'], undefined);
    await collectText((await a.send(call({ model: 'm', max_tokens: 1, messages: [] }))).body);
    assert.equal(upstream.lastRequest!.headers['anthropic-version'], '2024-01-01');
  });

  it('forward_client_auth passes the client x-api-key on when the backend has no key', async () => {
    const a = adapter({ base_url: upstream.url, forward_client_auth: true });
    await collectText(
      (await a.send(call({ model: 'm', max_tokens: 1, messages: [] }, { clientHeaders: { 'x-api-key': 'sk-ant-user' } }))).body,
    );
    assert.equal(upstream.lastRequest!.headers['x-api-key'], 'sk-ant-user');
  });

  it('max_tokens: the backend default_max_tokens (else 4096) when the body has none', async () => {
    const withDefault = adapter({ base_url: upstream.url, default_max_tokens: 1234 });
    const raw = Buffer.from('{"model":"m","messages":[]}');
    await collectText((await withDefault.send(call({ model: 'm', messages: [] }, { rawBody: raw }))).body);
    assert.deepEqual(upstream.lastRequest!.body, { model: 'm', messages: [], max_tokens: 1234 });
    await collectText((await adapter({ base_url: upstream.url }).send(call({ model: 'm', messages: [] }))).body);
    assert.equal(upstream.lastRequest!.body.max_tokens, 4096);
  });

  it('count_tokens goes to /v1/messages/count_tokens without generation-only fields', async () => {
    upstream.always(json(200, { input_tokens: 42 }));
    const a = adapter({ base_url: upstream.url, api_key: 'k' });
    const reply = await a.send(
      call(
        { model: 'm', messages: [{ role: 'user', content: 'x' }], max_tokens: 100, temperature: 0.5 },
        { operation: 'count_tokens', query: 'beta=true' },
      ),
    );
    assert.deepEqual(JSON.parse(await collectText(reply.body)), { input_tokens: 42 });
    assert.equal(upstream.lastRequest!.url, '/v1/messages/count_tokens?beta=true');
    assert.deepEqual(upstream.lastRequest!.body, { model: 'm', messages: [{ role: 'user', content: 'x' }] });
    assert.throws(() => a.send(call({ model: 'm' }, { operation: 'batches' })), /cannot serve batches/);
  });

  it('a base URL with a path is the API root (…/anthropic/v1 → …/anthropic/v1/messages)', async () => {
    const a = adapter({ base_url: `${upstream.url}/proxy/anthropic/v1` });
    await collectText((await a.send(call({ model: 'm', max_tokens: 1, messages: [] }))).body);
    assert.equal(upstream.lastRequest!.path, '/proxy/anthropic/v1/messages');
  });

  it("listModels reads Anthropic's paginated list with the key and version", async () => {
    upstream.next(
      json(200, {
        data: [
          { type: 'model', id: 'claude-opus-4-5', display_name: 'Claude Opus 4.5', created_at: '2025-11-01T00:00:00Z' },
          { type: 'model', id: 'claude-haiku-4-5', display_name: 'Claude Haiku 4.5', created_at: '2025-10-01T00:00:00Z' },
        ],
        has_more: true,
        first_id: 'claude-opus-4-5',
        last_id: 'claude-haiku-4-5',
      }),
    );
    upstream.next(
      json(200, {
        data: [{ type: 'model', id: 'claude-3-haiku', created_at: '2024-03-07T00:00:00Z' }],
        has_more: false,
        first_id: 'claude-3-haiku',
        last_id: 'claude-3-haiku',
      }),
    );
    const a = adapter({ base_url: upstream.url, api_key: 'sk-list' });
    const models = await a.listModels(AbortSignal.timeout(5000));
    assert.deepEqual(models, [
      { id: 'claude-opus-4-5', owned_by: 'anthropic', created: Date.parse('2025-11-01T00:00:00Z') / 1000 },
      { id: 'claude-haiku-4-5', owned_by: 'anthropic', created: Date.parse('2025-10-01T00:00:00Z') / 1000 },
      { id: 'claude-3-haiku', owned_by: 'anthropic', created: Date.parse('2024-03-07T00:00:00Z') / 1000 },
    ]);
    const [first, second] = upstream.requests;
    assert.equal(first!.method, 'GET');
    assert.equal(first!.url, '/v1/models?limit=1000');
    assert.equal(second!.url, '/v1/models?limit=1000&after_id=claude-haiku-4-5');
    assert.equal(first!.headers['x-api-key'], 'sk-list');
    assert.equal(first!.headers['anthropic-version'], '2023-06-01');
    await a.close();
  });

  it('probe fails when the model list does', async () => {
    upstream.always(json(401, { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } }));
    await assert.rejects(adapter({ base_url: upstream.url }).probe(AbortSignal.timeout(5000)), /401/);
  });

  it('config: anthropic_version must look like a date', async () => {
    const bad = Object.assign(new AnthropicBackendConfig(), { id: 'c', type: 'anthropic', anthropic_version: 'latest' });
    const errors = await validate(bad);
    assert.equal(errors.length, 1);
    assert.equal(errors[0]!.property, 'anthropic_version');
    assert.equal(
      (await validate(Object.assign(new AnthropicBackendConfig(), { id: 'c', type: 'anthropic', anthropic_version: '2023-06-01' }))).length,
      0,
    );
  });
});
