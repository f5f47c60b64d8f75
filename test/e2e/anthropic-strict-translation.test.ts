/**
 * OpenAI and Anthropic clients through translated lanes to a strict fake Anthropic API (it answers what the
 * real API rejects with Anthropic's 400): a thinking tool loop from a client that does not send thinking
 * blocks back, sampling parameters Opus 4.7 no longer takes, JSON Schemas with constraints Claude's structured
 * outputs do not support, `json_object`, max_tokens room for budget thinking, and the beta `output_format`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { generateText, jsonSchema, stepCountIs, tool } from 'ai';
import OpenAI from 'openai';
import { json, startFakeUpstream, type FakeHandler, type FakeUpstream } from '../helpers/fake-upstream.js';
import { startGateway, type RunningGateway } from '../helpers/start-gateway.js';
import { receivedWithId, rid } from '../helpers/e2e.js';
import { anthropicMessage, fakeAnthropic, openaiClient } from '../helpers/anthropic-e2e.js';

const SONNET = 'claude-sonnet-4-5-20250929';
const OPUS_47 = 'claude-opus-4-7';
const DEFAULT_MAX_TOKENS = 8000;

const WEATHER_TOOL: OpenAI.ChatCompletionTool = {
  type: 'function',
  function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
};

/** Turn 2 of a tool loop as OpenAI chat clients send it (no thinking blocks). */
const TOOL_LOOP: OpenAI.ChatCompletionMessageParam[] = [
  { role: 'user', content: 'Weather in Paris?' },
  {
    role: 'assistant',
    content: null,
    tool_calls: [{ id: 'toolu_01', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
  },
  { role: 'tool', tool_call_id: 'toolu_01', content: 'sunny, 21 °C' },
];

describe('translated requests a strict Anthropic API accepts', () => {
  let claude: FakeUpstream;
  let vllm: FakeUpstream;
  let gw: RunningGateway;
  let oa: OpenAI;
  const anthropicScript = fakeAnthropic();

  before(async () => {
    claude = await startFakeUpstream(anthropicScript);
    vllm = await startFakeUpstream();
    gw = await startGateway({
      config: {
        logging: { level: 'warn' },
        backends: [
          {
            id: 'claude',
            type: 'anthropic',
            base_url: claude.url,
            api_key: 'sk-ant-strict',
            default_max_tokens: DEFAULT_MAX_TOKENS,
            models: ['claude-*'],
          },
          { id: 'vllm', type: 'openai', base_url: vllm.url, models: ['qwen-*'] },
        ],
        routes: [
          { virtual_model: 'budgeted', backend: 'claude', real_model: SONNET, defaults: { enable_thinking: true, thinking_budget: 2048 } },
          { virtual_model: 'quiet', backend: 'claude', real_model: SONNET, defaults: { enable_thinking: false } },
          { virtual_model: 'quiet-clamped', backend: 'claude', real_model: SONNET, clamp: { enable_thinking: false } },
        ],
      },
    });
    oa = openaiClient(gw.url);
  });

  after(async () => {
    await gw?.stop();
    await claude?.close();
    await vllm?.close();
  });

  it('Vercel AI SDK openai-compatible tool loop on thinking Claude: both steps accepted; thinking left out on step 2 (no thinking block sent back)', async () => {
    const id = rid('strict-ai-sdk-loop');
    const steps: FakeHandler[] = [
      json(
        200,
        anthropicMessage(
          SONNET,
          [
            { type: 'thinking', thinking: 'I should look it up.', signature: 'SIG-STEP-1' },
            { type: 'tool_use', id: 'toolu_01', name: 'get_weather', input: { city: 'Paris' } },
          ],
          'tool_use',
        ),
      ),
      json(200, anthropicMessage(SONNET, [{ type: 'text', text: 'Sunny in Paris.' }])),
    ];
    let step = 0;
    anthropicScript.on(id, (req, res, record) => steps[Math.min(step++, 1)]!(req, res, record));
    const provider = createOpenAICompatible({ baseURL: `${gw.url}/v1`, name: 'switchyard', apiKey: 'k', headers: { 'x-request-id': id } });
    const result = await generateText({
      model: provider(SONNET),
      prompt: 'Weather in Paris?',
      providerOptions: { switchyard: { reasoningEffort: 'medium' } },
      tools: {
        get_weather: tool({
          inputSchema: jsonSchema<{ city: string }>({ type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }),
          execute: async () => 'sunny',
        }),
      },
      stopWhen: stepCountIs(3),
      maxRetries: 0,
    });
    assert.equal(result.text, 'Sunny in Paris.');
    const sent = claude.requests.filter((r) => r.headers['x-request-id'] === id);
    assert.equal(sent.length, 2);
    assert.deepEqual(sent[0]!.body.thinking, { type: 'enabled', budget_tokens: 4096 });
    // The AI SDK's openai-compatible provider does not send the thinking block back: thinking is left out for step 2.
    assert.equal(sent[1]!.body.messages[1].content[0].type, 'tool_use');
    assert.equal(sent[1]!.body.thinking, undefined);
  });

  it('reasoning_effort high without max_tokens: max_tokens leaves the answer the default room above the budget', async () => {
    const id = rid('strict-room');
    await oa.chat.completions.create(
      { model: SONNET, reasoning_effort: 'high', messages: [{ role: 'user', content: 'Think.' }] },
      { headers: { 'x-request-id': id } },
    );
    const body = (await receivedWithId(claude, id)).body;
    assert.deepEqual(body.thinking, { type: 'enabled', budget_tokens: 16384 });
    assert.equal(body.max_tokens, 16384 + DEFAULT_MAX_TOKENS);
  });

  it('thinking tool loop, turn 2 without thinking blocks (OpenAI chat clients): completes; `thinking` left out for that turn', async () => {
    const id = rid('strict-loop');
    const completion = await oa.chat.completions.create(
      { model: SONNET, reasoning_effort: 'medium', tools: [WEATHER_TOOL], messages: TOOL_LOOP },
      { headers: { 'x-request-id': id } },
    );
    assert.equal(completion.choices[0]!.finish_reason, 'stop');
    const body = (await receivedWithId(claude, id)).body;
    assert.equal(body.thinking, undefined);
    assert.equal(body.messages[1].content[0].type, 'tool_use');
  });

  it('Opus 4.7 with the temperature OpenAI clients send by default: completes, temperature / top_p left out', async () => {
    const id = rid('strict-opus');
    await oa.chat.completions.create(
      { model: OPUS_47, temperature: 0.7, top_p: 0.9, messages: [{ role: 'user', content: 'Hi' }] },
      { headers: { 'x-request-id': id } },
    );
    const body = (await receivedWithId(claude, id)).body;
    assert.equal(body.temperature, undefined);
    assert.equal(body.top_p, undefined);
  });

  it('response_format json_schema with unsupported constraints: fitted (constraints in the description), accepted', async () => {
    const id = rid('strict-schema');
    await oa.chat.completions.create(
      {
        model: SONNET,
        messages: [{ role: 'user', content: 'A name.' }],
        response_format: {
          type: 'json_schema',
          json_schema: {
            name: 'n',
            schema: { type: 'object', properties: { name: { type: 'string', minLength: 2 } }, required: ['name'] },
          },
        },
      },
      { headers: { 'x-request-id': id } },
    );
    const body = (await receivedWithId(claude, id)).body;
    assert.deepEqual(body.output_config.format.schema, {
      type: 'object',
      properties: { name: { type: 'string', description: '{minLength: 2}' } },
      required: ['name'],
      additionalProperties: false,
    });
  });

  it('Responses client text.format json_schema with unsupported constraints: fitted for Claude, accepted', async () => {
    const id = rid('strict-responses-schema');
    const schema = { type: 'object', properties: { n: { type: 'integer', maximum: 9 } }, required: ['n'], additionalProperties: false };
    const reply = await fetch(`${gw.url}/v1/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': id },
      body: JSON.stringify({ model: SONNET, input: 'A digit.', text: { format: { type: 'json_schema', name: 'd', schema } } }),
    });
    assert.equal(reply.status, 200, await reply.text());
    const body = (await receivedWithId(claude, id)).body;
    assert.deepEqual(body.output_config.format.schema.properties.n, { type: 'integer', description: '{maximum: 9}' });
  });

  it('response_format json_object: a clear 400 in the OpenAI envelope, nothing sent upstream', async () => {
    const id = rid('strict-json-object');
    const before = claude.requests.length;
    await assert.rejects(
      oa.chat.completions.create(
        { model: SONNET, response_format: { type: 'json_object' }, messages: [{ role: 'user', content: 'JSON please' }] },
        { headers: { 'x-request-id': id } },
      ),
      (err: InstanceType<typeof OpenAI.APIError>) =>
        err.status === 400 && /json_object cannot be sent to Claude/.test(err.message) && /json_schema/.test(err.message),
    );
    assert.equal(claude.requests.length, before);
  });

  it('Anthropic client with the beta output_format to an OpenAI-compatible backend: sent as response_format json_schema', async () => {
    const id = rid('strict-output-format');
    const schema = { type: 'object', properties: { a: { type: 'string' } }, required: ['a'], additionalProperties: false };
    const reply = await fetch(`${gw.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': id, 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({
        model: 'qwen-3',
        max_tokens: 50,
        messages: [{ role: 'user', content: 'q' }],
        output_format: { type: 'json_schema', schema },
      }),
    });
    assert.equal(reply.status, 200);
    const body = (await receivedWithId(vllm, id)).body;
    assert.equal(body.response_format.type, 'json_schema');
    assert.deepEqual(body.response_format.json_schema.schema, schema);
  });

  describe('profiles survive translation', () => {
    it("a profile's thinking_budget 2048 for an OpenAI client arrives as budget_tokens 2048 (not an effort's 4096)", async () => {
      const id = rid('strict-profile-budget');
      await oa.chat.completions.create(
        { model: 'budgeted', messages: [{ role: 'user', content: 'Think.' }] },
        { headers: { 'x-request-id': id } },
      );
      const body = (await receivedWithId(claude, id)).body;
      assert.deepEqual(body.thinking, { type: 'enabled', budget_tokens: 2048 });
      assert.equal(body.max_tokens, 2048 + DEFAULT_MAX_TOKENS);
    });

    it("a caller's own enable_thinking: true beats defaults {enable_thinking: false}, translated and passthrough; the clamp beats it", async () => {
      const translated = rid('strict-caller-on');
      await oa.chat.completions.create(
        {
          model: 'quiet',
          messages: [{ role: 'user', content: 'Think.' }],
          enable_thinking: true,
        } as OpenAI.ChatCompletionCreateParamsNonStreaming,
        { headers: { 'x-request-id': translated } },
      );
      assert.equal((await receivedWithId(claude, translated)).body.thinking.type, 'enabled');

      const passthrough = rid('strict-caller-on-ant');
      const reply = await fetch(`${gw.url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': passthrough, 'anthropic-version': '2023-06-01' },
        body: JSON.stringify({ model: 'quiet', max_tokens: 8000, enable_thinking: true, messages: [{ role: 'user', content: 'Think.' }] }),
      });
      assert.equal(reply.status, 200);
      const body = (await receivedWithId(claude, passthrough)).body;
      assert.deepEqual(body.thinking, { type: 'enabled', budget_tokens: 4096 });
      assert.equal(body.enable_thinking, undefined, 'the vocabulary key is not sent to Anthropic');

      const clamped = rid('strict-caller-clamped');
      await oa.chat.completions.create(
        {
          model: 'quiet-clamped',
          messages: [{ role: 'user', content: 'Think.' }],
          enable_thinking: true,
        } as OpenAI.ChatCompletionCreateParamsNonStreaming,
        { headers: { 'x-request-id': clamped } },
      );
      assert.equal((await receivedWithId(claude, clamped)).body.thinking, undefined);
    });
  });
});
