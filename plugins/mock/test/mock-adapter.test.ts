/* eslint-disable @typescript-eslint/no-explicit-any -- tests poke into parsed JSON replies */
import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BackendContext, UpstreamCall, UpstreamReply } from '@switchyard/kernel';
import mockPlugin, {
  MockAdapter,
  MockBackendConfig,
  mockText,
  plugin,
  resolveMockSettings,
  type MockOptions,
} from '@switchyard/plugin-mock';
import { validate } from 'class-validator';
import { collectText, parseSse, sseJson } from '../../../test/dist/helpers/sse.js';

function adapter(options: MockOptions = {}): MockAdapter {
  const config = Object.assign(new MockBackendConfig(), { id: 'mock-test', type: 'mock' }, options);
  return plugin.createAdapter(config, {} as BackendContext) as MockAdapter;
}

function call(protocol: string, body: Record<string, unknown>, signal = new AbortController().signal): UpstreamCall {
  return {
    protocol,
    body,
    model: typeof body.model === 'string' ? body.model : 'mock',
    stream: body.stream === true,
    clientHeaders: {},
    requestId: 'req-1',
    traceparent: '00-00000000000000000000000000000001-0000000000000001-01',
    signal,
  };
}

async function jsonOf(reply: UpstreamReply): Promise<any> {
  return JSON.parse(await collectText(reply.body));
}

const chat = (content: string, extra: Record<string, unknown> = {}) => ({
  model: 'real-model',
  messages: [
    { role: 'system', content: 'be brief' },
    { role: 'user', content },
  ],
  ...extra,
});

describe('mock plugin: contract', () => {
  it('exports the plugin as default and named, with type mock and its config class', () => {
    assert.equal(mockPlugin, plugin);
    assert.equal(plugin.type, 'mock');
    assert.equal(plugin.configClass, MockBackendConfig);
    assert.deepEqual([...plugin.nativeProtocols], ['openai.chat', 'openai.completions', 'openai.embeddings']);
  });

  it('config class has defaults and validates', async () => {
    const config = Object.assign(new MockBackendConfig(), { id: 'm', type: 'mock' });
    assert.equal(config.output_tokens, 16);
    assert.equal(config.ttft_ms, 0);
    assert.equal(config.tokens_per_second, 0);
    assert.equal(config.embedding_dimensions, 8);
    assert.deepEqual(config.mock_models, ['mock']);
    assert.deepEqual(await validate(config), []);
    const bad = Object.assign(new MockBackendConfig(), {
      id: 'm',
      type: 'mock',
      output_tokens: 1.5,
      tokens_per_second: -1,
      mock_models: [1],
    });
    const errors = await validate(bad);
    assert.deepEqual(errors.map((e) => e.property).sort(), ['mock_models', 'output_tokens', 'tokens_per_second']);
  });

  it('wireProtocolFor: native protocols pass through, Anthropic and Responses go as chat', () => {
    const a = adapter();
    assert.equal(a.backendId, 'mock-test');
    assert.equal(a.wireProtocolFor('openai.chat', 'x'), 'openai.chat');
    assert.equal(a.wireProtocolFor('openai.completions', 'x'), 'openai.completions');
    assert.equal(a.wireProtocolFor('openai.embeddings', 'x'), 'openai.embeddings');
    assert.equal(a.wireProtocolFor('anthropic.messages', 'x'), 'openai.chat');
    assert.equal(a.wireProtocolFor('openai.responses', 'x'), 'openai.chat');
    assert.equal(a.wireProtocolFor('google.generate-content' as never, 'x'), null);
  });

  it('listModels reports mock_models; probe and close resolve', async () => {
    const a = adapter({ mock_models: ['alpha', 'beta'] });
    const models = await a.listModels(new AbortController().signal);
    assert.deepEqual(
      models.map((m) => m.id),
      ['alpha', 'beta'],
    );
    await a.probe(new AbortController().signal);
    await a.close();
    assert.deepEqual(
      (await adapter().listModels()).map((m) => m.id),
      ['mock'],
    );
  });

  it('resolveMockSettings fills defaults for plain options', () => {
    const s = resolveMockSettings({ tokens_per_second: 50 });
    assert.equal(s.outputTokens, 16);
    assert.equal(s.tokenIntervalMs, 20);
    assert.equal(s.embeddingDimensions, 8);
  });
});

describe('mock plugin: non-streamed replies', () => {
  it('chat: OpenAI chat.completion shape, usage, headers', async () => {
    const reply = await adapter({ output_tokens: 5 }).send(call('openai.chat', chat('tell me a story please')));
    assert.equal(reply.status, 200);
    assert.equal(reply.headers['content-type'], 'application/json');
    assert.match(String(reply.headers['x-request-id']), /^mock-/);
    const body = await jsonOf(reply);
    assert.match(body.id, /^chatcmpl-/);
    assert.equal(body.object, 'chat.completion');
    assert.equal(typeof body.created, 'number');
    assert.equal(body.model, 'real-model');
    assert.equal(body.choices.length, 1);
    const choice = body.choices[0];
    assert.equal(choice.index, 0);
    assert.equal(choice.message.role, 'assistant');
    assert.equal(choice.message.content, mockText(5));
    assert.equal(choice.message.content.split(' ').length, 5);
    assert.equal(choice.logprobs, null);
    assert.equal(choice.finish_reason, 'stop');
    // "be brief" (2) + "tell me a story please" (5)
    assert.deepEqual(body.usage, { prompt_tokens: 7, completion_tokens: 5, total_tokens: 12 });
    assert.equal(Number(reply.headers['content-length']), Buffer.byteLength(JSON.stringify(body)));
  });

  it('is deterministic for the same request', async () => {
    const a = adapter();
    const one = await jsonOf(await a.send(call('openai.chat', chat('same'))));
    const two = await jsonOf(await a.send(call('openai.chat', chat('same'))));
    assert.equal(one.choices[0].message.content, two.choices[0].message.content);
    assert.deepEqual(one.usage, two.usage);
    assert.notEqual(one.id, two.id);
  });

  it('counts text parts of array content', async () => {
    const body = await jsonOf(
      await adapter().send(
        call('openai.chat', {
          model: 'm',
          messages: [
            {
              role: 'user',
              content: [
                { type: 'text', text: 'one two' },
                { type: 'image_url', image_url: { url: 'x' } },
                { type: 'text', text: 'three' },
              ],
            },
          ],
        }),
      ),
    );
    assert.equal(body.usage.prompt_tokens, 3);
  });

  it('max_tokens and max_completion_tokens cut the reply with finish_reason length', async () => {
    const a = adapter({ output_tokens: 10 });
    const short = await jsonOf(await a.send(call('openai.chat', chat('x', { max_tokens: 3 }))));
    assert.equal(short.choices[0].message.content, mockText(3));
    assert.equal(short.choices[0].finish_reason, 'length');
    assert.equal(short.usage.completion_tokens, 3);
    const short2 = await jsonOf(await a.send(call('openai.chat', chat('x', { max_completion_tokens: 4, max_tokens: 9 }))));
    assert.equal(short2.usage.completion_tokens, 4);
    const roomy = await jsonOf(await a.send(call('openai.chat', chat('x', { max_tokens: 50 }))));
    assert.equal(roomy.choices[0].finish_reason, 'stop');
    assert.equal(roomy.usage.completion_tokens, 10);
  });

  it('completions: text_completion shape and usage (prompt + suffix)', async () => {
    const reply = await adapter({ output_tokens: 4 }).send(
      call('openai.completions', { model: 'c', prompt: 'def add(a, b):', suffix: 'return x' }),
    );
    const body = await jsonOf(reply);
    assert.match(body.id, /^cmpl-/);
    assert.equal(body.object, 'text_completion');
    assert.equal(body.model, 'c');
    assert.deepEqual(body.choices, [{ text: mockText(4), index: 0, logprobs: null, finish_reason: 'stop' }]);
    assert.deepEqual(body.usage, { prompt_tokens: 5, completion_tokens: 4, total_tokens: 9 });
  });

  it('embeddings: a list of unit-length deterministic vectors', async () => {
    const a = adapter();
    const body = await jsonOf(await a.send(call('openai.embeddings', { model: 'e', input: ['hello world', 'bye'] })));
    assert.equal(body.object, 'list');
    assert.equal(body.model, 'e');
    assert.deepEqual(body.usage, { prompt_tokens: 3, total_tokens: 3 });
    assert.equal(body.data.length, 2);
    for (const [i, item] of body.data.entries()) {
      assert.equal(item.object, 'embedding');
      assert.equal(item.index, i);
      assert.equal(item.embedding.length, 8);
      const norm = Math.sqrt(item.embedding.reduce((s: number, v: number) => s + v * v, 0));
      assert.ok(Math.abs(norm - 1) < 1e-5, `unit length (${norm})`);
    }
    assert.notDeepEqual(body.data[0].embedding, body.data[1].embedding);
    const again = await jsonOf(await a.send(call('openai.embeddings', { model: 'e', input: 'hello world' })));
    assert.deepEqual(again.data[0].embedding, body.data[0].embedding);
  });

  it('embeddings: base64 encodes the same float32 values; dimensions honoured', async () => {
    const a = adapter();
    const floats = await jsonOf(await a.send(call('openai.embeddings', { model: 'e', input: 'abc', dimensions: 16 })));
    const b64 = await jsonOf(
      await a.send(call('openai.embeddings', { model: 'e', input: 'abc', dimensions: 16, encoding_format: 'base64' })),
    );
    assert.equal(typeof b64.data[0].embedding, 'string');
    const bytes = Buffer.from(b64.data[0].embedding, 'base64');
    const decoded = Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4));
    assert.equal(decoded.length, 16);
    assert.deepEqual(decoded, floats.data[0].embedding);
  });

  it('invalid requests get an OpenAI error envelope with status 400', async () => {
    const a = adapter();
    const noMessages = await a.send(call('openai.chat', { model: 'm' }));
    assert.equal(noMessages.status, 400);
    const err = await jsonOf(noMessages);
    assert.equal(err.error.type, 'invalid_request_error');
    assert.equal(err.error.param, 'messages');
    const badFormat = await a.send(call('openai.embeddings', { model: 'e', input: 'x', encoding_format: 'int8' }));
    assert.equal(badFormat.status, 400);
    assert.equal((await jsonOf(badFormat)).error.param, 'encoding_format');
  });

  it('a non-streamed reply arrives after the generation time', async () => {
    const a = adapter({ output_tokens: 5, ttft_ms: 60, tokens_per_second: 100 });
    const t0 = performance.now();
    const reply = await a.send(call('openai.chat', chat('x')));
    const elapsed = performance.now() - t0;
    // ttft 60 + 4 × 10 ms
    assert.ok(elapsed >= 95, `waited ${elapsed} ms`);
    assert.ok(elapsed < 1000, `waited ${elapsed} ms`);
    await collectText(reply.body);
  });

  it('aborting while a non-streamed reply is pending rejects with AbortError', async () => {
    const a = adapter({ ttft_ms: 10_000 });
    const controller = new AbortController();
    const pending = a.send(call('openai.chat', chat('x'), controller.signal));
    setTimeout(() => controller.abort(), 20);
    await assert.rejects(pending, { name: 'AbortError' });
  });

  it('an already-aborted signal rejects at once', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(adapter().send(call('openai.chat', chat('x'), controller.signal)), { name: 'AbortError' });
  });
});

describe('mock plugin: tool calls', () => {
  const tools = [
    { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { location: { type: 'string' } } } } },
    { type: 'function', function: { name: 'other', parameters: { type: 'object', properties: {} } } },
  ];

  it('non-streamed: calls the first tool when the last user message mentions weather', async () => {
    const body = await jsonOf(await adapter().send(call('openai.chat', chat("What's the weather in Paris?", { tools }))));
    const choice = body.choices[0];
    assert.equal(choice.finish_reason, 'tool_calls');
    assert.equal(choice.message.content, null);
    assert.equal(choice.message.tool_calls.length, 1);
    const tc = choice.message.tool_calls[0];
    assert.match(tc.id, /^call_/);
    assert.equal(tc.type, 'function');
    assert.equal(tc.function.name, 'get_weather');
    assert.deepEqual(JSON.parse(tc.function.arguments), { location: 'Paris' });
    assert.ok(body.usage.completion_tokens > 0);
  });

  it('streamed: tool_calls deltas with index/id/type/name, then argument pieces', async () => {
    const reply = await adapter().send(call('openai.chat', chat('weather?', { tools, stream: true })));
    const chunks = sseJson<any>(parseSse(await collectText(reply.body)));
    assert.deepEqual(chunks[0].choices[0].delta, { role: 'assistant', content: null });
    const header = chunks[1].choices[0].delta.tool_calls[0];
    assert.deepEqual(header, { index: 0, id: header.id, type: 'function', function: { name: 'get_weather', arguments: '' } });
    let args = '';
    for (const c of chunks.slice(1)) {
      for (const d of c.choices[0]?.delta?.tool_calls ?? []) {
        assert.equal(d.index, 0);
        args += d.function.arguments ?? '';
      }
    }
    assert.equal(args, '{"location":"Paris"}');
    assert.ok(chunks.length > 4, 'arguments are streamed in pieces');
    assert.equal(chunks.at(-1).choices[0].finish_reason, 'tool_calls');
  });

  it('no tool call without tools, without "weather", or with tool_choice none', async () => {
    const a = adapter();
    for (const body of [chat('weather?'), chat('hello', { tools }), chat('weather?', { tools, tool_choice: 'none' })]) {
      const reply = await jsonOf(await a.send(call('openai.chat', body)));
      assert.equal(reply.choices[0].finish_reason, 'stop');
      assert.equal(typeof reply.choices[0].message.content, 'string');
    }
  });

  it('fills the first declared property when the tool has no location parameter', async () => {
    const body = await jsonOf(
      await adapter().send(
        call(
          'openai.chat',
          chat('weather', {
            tools: [
              { type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: { city: { type: 'string' } } } } },
            ],
          }),
        ),
      ),
    );
    assert.deepEqual(JSON.parse(body.choices[0].message.tool_calls[0].function.arguments), { city: 'Paris' });
  });
});
