/**
 * Ingress field validation through the built gateway (issue #14 item 4): a wrongly typed or
 * out-of-range top-level field is a 400 naming it, in the ingress's envelope, on passthrough as
 * on translation, before routing (an invalid field with an unknown model is the 400, not the
 * 404), and nothing reaches the upstream; unknown fields still pass through byte for byte.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { json, startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { anthropicMessage } from '../helpers/anthropic-e2e.js';
import { allWithId, assertAnthropicError, assertOpenAIError, byModel, chatCompletion, post, receivedWithId, rid } from '../helpers/e2e.js';
import { startGateway, type RunningGateway } from '../helpers/start-gateway.js';

const USER = [{ role: 'user', content: 'hi' }];

describe('ingress field validation', () => {
  let upstream: FakeUpstream;
  let gw: RunningGateway;

  before(async () => {
    upstream = await startFakeUpstream(
      byModel({
        'claude-pass': json(200, anthropicMessage('claude-pass', [{ type: 'text', text: 'ok' }])),
        'gpt-x': json(200, chatCompletion('gpt-x', { content: 'ok' })),
      }),
    );
    gw = await startGateway({
      config: {
        backends: [
          { id: 'an', type: 'anthropic', base_url: upstream.url, api_key: 'k', models: ['claude-*'], skip_probe: true },
          { id: 'oa', type: 'openai', base_url: upstream.url, models: ['gpt-*'], skip_probe: true },
        ],
      },
      readyTimeoutMs: 60_000,
    });
  });

  after(async () => {
    await gw?.stop();
    await upstream?.close();
  });

  const anthropicCases: Array<[string, Record<string, unknown>, string]> = [
    ['max_tokens: "100"', { max_tokens: '100' }, 'max_tokens'],
    ['max_tokens: -1', { max_tokens: -1 }, 'max_tokens'],
    ['stream: "yes"', { stream: 'yes' }, 'stream'],
    ['tools: [null]', { tools: [null] }, 'tools'],
    ['system: 123', { system: 123 }, 'system'],
    ['stop_sequences: "END"', { stop_sequences: 'END' }, 'stop_sequences'],
    ['service_tier: "gold"', { service_tier: 'gold' }, 'service_tier'],
  ];

  for (const model of ['claude-pass', 'gpt-x']) {
    const lane = model === 'claude-pass' ? 'passthrough' : 'translated';
    for (const [what, fields, param] of anthropicCases) {
      it(`/v1/messages (${lane}) ${what}: 400 in the Anthropic envelope naming ${param}, nothing sent upstream`, async () => {
        const id = rid('val-an');
        const reply = await post(`${gw.url}/v1/messages`, { model, max_tokens: 10, messages: USER, ...fields }, { 'x-request-id': id });
        const error = assertAnthropicError(reply, 400, 'invalid_request_error');
        assert.match(error.message, new RegExp(`^${param}: expected `));
        assert.equal(allWithId(upstream, id).length, 0);
      });
    }
  }

  it('/v1/messages/count_tokens: a wrong field type is a 400 in the Anthropic envelope', async () => {
    const reply = await post(`${gw.url}/v1/messages/count_tokens`, { model: 'claude-pass', messages: USER, tools: 'none' });
    assert.match(assertAnthropicError(reply, 400).message, /^tools: expected an array of objects/);
  });

  const responsesCases: Array<[string, Record<string, unknown>, string]> = [
    ['stream: "yes"', { stream: 'yes' }, 'stream'],
    ['max_output_tokens: "100"', { max_output_tokens: '100' }, 'max_output_tokens'],
    ['temperature: 3', { temperature: 3 }, 'temperature'],
    ['tools: [null]', { tools: [null] }, 'tools'],
    ['instructions: 123', { instructions: 123 }, 'instructions'],
    ['input: 42', { input: 42 }, 'input'],
  ];
  for (const [what, fields, param] of responsesCases) {
    it(`/v1/responses ${what}: 400 in the OpenAI envelope with param ${param}`, async () => {
      const id = rid('val-rs');
      const reply = await post(`${gw.url}/v1/responses`, { model: 'gpt-x', input: 'hi', ...fields }, { 'x-request-id': id });
      const error = assertOpenAIError(reply, 400, new RegExp(`^${param}: expected `));
      assert.equal(error.param, param);
      assert.equal(allWithId(upstream, id).length, 0);
    });
  }

  const invalidWithUnknownModel: Array<[string, Record<string, unknown>, Record<string, unknown>, 'openai' | 'anthropic']> = [
    ['/v1/chat/completions', { messages: USER }, { max_tokens: '100' }, 'openai'],
    ['/v1/completions', { prompt: 'hi' }, { max_tokens: '100' }, 'openai'],
    ['/v1/embeddings', { input: 'hi' }, { dimensions: '100' }, 'openai'],
    ['/v1/responses', { input: 'hi' }, { max_output_tokens: '100' }, 'openai'],
    ['/v1/messages', { messages: USER }, { max_tokens: '100' }, 'anthropic'],
    ['/v1/messages/count_tokens', { messages: USER }, { system: 123 }, 'anthropic'],
  ];
  for (const [path, valid, invalid, dialect] of invalidWithUnknownModel) {
    it(`${path}: an invalid field and an unknown model → the 400 (field) before the 404 (model)`, async () => {
      const bad = await post(`${gw.url}${path}`, { model: 'no-such-model', ...valid, ...invalid });
      const good = await post(`${gw.url}${path}`, { model: 'no-such-model', ...valid });
      const param = Object.keys(invalid)[0]!;
      if (dialect === 'anthropic') {
        assert.match(assertAnthropicError(bad, 400, 'invalid_request_error').message, new RegExp(`^${param}: `));
        assertAnthropicError(good, 404, 'not_found_error');
      } else {
        assert.equal(assertOpenAIError(bad, 400).param, param);
        assert.equal(assertOpenAIError(good, 404).code, 'model_not_found');
      }
    });
  }

  it('unknown fields pass through byte for byte on passthrough (/v1/messages to an Anthropic backend)', async () => {
    const id = rid('val-bytes');
    const body = `{ "model":"claude-pass",\n  "max_tokens": 10, "messages":[{"role":"user","content":"hi"}], "x_future_field": {"nested": [1, 2.50, "three"]}, "another_one":null }`;
    const reply = await post(`${gw.url}/v1/messages`, body, { 'x-request-id': id });
    assert.equal(reply.status, 200, reply.text);
    const seen = await receivedWithId(upstream, id);
    assert.equal(seen.rawBody.toString('utf8'), body);
  });

  it('unknown fields pass through on /v1/chat/completions and /v1/responses too (no 400)', async () => {
    const chat = await post(`${gw.url}/v1/chat/completions`, {
      model: 'gpt-x',
      messages: USER,
      chat_template_kwargs: { enable_thinking: false },
      repetition_penalty: 1.1,
    });
    assert.equal(chat.status, 200, chat.text);
  });
});
