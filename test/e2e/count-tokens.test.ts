/* eslint-disable @typescript-eslint/no-explicit-any -- tests read recorded upstream bodies */
/**
 * POST /v1/messages/count_tokens for backends that do not speak Anthropic Messages (issue #15):
 * Gemini on Vertex AI through `countTokens`, an OpenAI-compatible server with `tokenize: true`
 * through vLLM's `POST /tokenize` (at the server root), both answered as `{"input_tokens": N}` to
 * the official Anthropic SDK; a backend without a way to count is a clear 400 in the Anthropic
 * envelope, and the upstream is not called.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Anthropic from '@anthropic-ai/sdk';
import { json, startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { startGateway, type RunningGateway } from '../helpers/start-gateway.js';
import { assertAnthropicError, post, receivedWithId, rid } from '../helpers/e2e.js';
import { anthropicClient } from '../helpers/anthropic-e2e.js';
import { fakeVertex, googleError, startFakeGoogleAuth, type FakeGoogleAuth } from '../helpers/vertex-e2e.js';

const TOOLS = [{ name: 'weather', description: 'Weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }];

describe('count_tokens on translated lanes: Gemini countTokens, vLLM /tokenize (issue #15)', () => {
  let vllm: FakeUpstream;
  let plain: FakeUpstream;
  let vertex: FakeUpstream;
  let auth: FakeGoogleAuth;
  let gw: RunningGateway;
  let client: Anthropic;
  const script = fakeVertex();

  before(async () => {
    vllm = await startFakeUpstream(json(200, { count: 23, max_model_len: 32768, tokens: [] }));
    plain = await startFakeUpstream();
    auth = await startFakeGoogleAuth('proj-count');
    vertex = await startFakeUpstream(script);
    gw = await startGateway({
      config: {
        logging: { level: 'warn' },
        backends: [
          { id: 'vllm', type: 'openai', base_url: `${vllm.url}/v1`, tokenize: true, models: ['qwen-*'], skip_probe: true },
          { id: 'plain', type: 'openai', base_url: plain.url, models: ['gpt-*'], skip_probe: true },
          { id: 'vertex', type: 'gcp-vertex', project: 'proj-count', location: 'us-east5', base_url: vertex.url, models: ['gemini-*'] },
        ],
      },
      env: auth.env,
    });
    client = anthropicClient(gw.url);
  });

  after(async () => {
    await gw?.stop();
    await vllm?.close();
    await plain?.close();
    await vertex?.close();
    await auth?.close();
  });

  it('Gemini: Vertex countTokens gets the translated prompt (contents, systemInstruction, tools); the client gets input_tokens', async () => {
    const id = rid('count-gemini');
    script.on(id, json(200, { totalTokens: 31, totalBillableCharacters: 80 }));
    const counted = await client.messages.countTokens(
      { model: 'gemini-2.5-flash', system: 'Be brief.', messages: [{ role: 'user', content: 'Weather in Paris?' }], tools: TOOLS as any },
      { headers: { 'x-request-id': id } },
    );
    assert.equal(counted.input_tokens, 31);
    const got = await receivedWithId(vertex, id);
    assert.equal(got.path, '/v1/projects/proj-count/locations/us-east5/publishers/google/models/gemini-2.5-flash:countTokens');
    assert.match(String(got.headers.authorization), /^Bearer vertex-token-\d+$/);
    assert.deepEqual(got.body.contents, [{ role: 'user', parts: [{ text: 'Weather in Paris?' }] }]);
    assert.deepEqual(got.body.systemInstruction, { parts: [{ text: 'Be brief.' }] });
    assert.equal(got.body.tools[0].functionDeclarations[0].name, 'weather');
    assert.equal(got.body.generationConfig, undefined);
  });

  it('Gemini: an error from countTokens reaches the client in the Anthropic envelope with its status', async () => {
    const id = rid('count-gemini-err');
    script.on(id, googleError(400, 'INVALID_ARGUMENT', 'Request contains an invalid argument.'));
    const reply = await post(
      `${gw.url}/v1/messages/count_tokens`,
      { model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'x' }] },
      { 'x-request-id': id, 'anthropic-version': '2023-06-01' },
    );
    assert.match(assertAnthropicError(reply, 400, 'invalid_request_error').message, /invalid argument/);
  });

  it('vLLM (tokenize: true): POST /tokenize at the server root with the chat messages and tools; input_tokens = count', async () => {
    const id = rid('count-vllm');
    const counted = await client.messages.countTokens(
      { model: 'qwen-coder', system: 'Be brief.', messages: [{ role: 'user', content: 'Hello' }], tools: TOOLS as any },
      { headers: { 'x-request-id': id } },
    );
    assert.equal(counted.input_tokens, 23);
    const got = await receivedWithId(vllm, id);
    assert.equal(got.path, '/tokenize', 'vLLM serves /tokenize at its root, not under /v1');
    assert.equal(got.body.model, 'qwen-coder');
    assert.equal(got.body.add_generation_prompt, true);
    assert.deepEqual(got.body.messages, [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hello' },
    ]);
    assert.equal(got.body.tools[0].function.name, 'weather');
  });

  it('an OpenAI-compatible backend without tokenize: a clear 400 in the Anthropic envelope; the upstream is not called', async () => {
    const reply = await post(
      `${gw.url}/v1/messages/count_tokens`,
      { model: 'gpt-x', messages: [{ role: 'user', content: 'x' }] },
      { 'anthropic-version': '2023-06-01' },
    );
    assert.match(assertAnthropicError(reply, 400, 'invalid_request_error').message, /count_tokens is not available for backend plain/);
    assert.equal(plain.requests.filter((r) => r.method === 'POST').length, 0);
  });
});
