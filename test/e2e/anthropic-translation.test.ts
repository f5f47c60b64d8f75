/* eslint-disable @typescript-eslint/no-explicit-any -- tests poke into parsed SSE payloads */
/**
 * Translation through the IR with the official `openai` and `@anthropic-ai/sdk` clients against
 * the built gateway: OpenAI clients reaching a `type: anthropic` backend (a fake Anthropic API
 * replaying the recorded fixtures), Anthropic clients reaching the mock and an OpenAI-compatible
 * backend (the exact Anthropic event sequence), multi-turn tool use with ids intact both ways,
 * thinking signatures round-tripped through `thinking_blocks`, and upstream errors in the
 * client's own protocol.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { json, readFixtureJson, replayFixture, sse, startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { parseSse } from '../helpers/sse.js';
import { startGateway, type RunningGateway } from '../helpers/start-gateway.js';
import {
  assertAnthropicError,
  assertOpenAIError,
  byRequestId,
  chatChunk,
  chatCompletion,
  post,
  receivedWithId,
  rid,
  waitFor,
} from '../helpers/e2e.js';
import { scrapeMetrics } from '../helpers/prometheus-text.js';
import { anthropicClient, anthropicError, anthropicStream, fakeAnthropic, openaiClient } from '../helpers/anthropic-e2e.js';

const BACKEND_KEY = 'sk-ant-e2e-translate-0a1b2c3d';
const SONNET = 'claude-sonnet-4-5-20250929';
const THINKING_FIXTURE = readFixtureJson<{ content: Array<{ thinking?: string; signature?: string }> }>(
  'anthropic/anthropic-clear-thinking.1.json',
);
const STREAM_SIGNATURE =
  'EvQBCkYICxgCKkAxhD4NUKFzudtZ6NzbZdEiBACIScTzqjPViM596iWLZIk4EFKYYBj3B6Ptl3b0dcQv/VeJBNbejNWIWRBn+KPNEgz6HWtKx7p+QRgKsEoaDGjsiqfht7gTRFYHiyIwD1VSmNqHxv3wy8KEMP+LYb/TC4UH3H97tuoaADARFFcA0phdfxnzKQxFnc9lwY+dKlzUsaKSUAFeu1bDL5ikZJ1vL0Fkz6JjoFke0L/wOJRIUDUlDUOFJ1tZ3ea7g6LGE/5hwuvWgLwewdcm64d+43l7F57XrOmqNd6flI2K/oPr/4yzNgvi/EhT6Ca17BgB';

const WEATHER_TOOL = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'Current weather',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};

/** `event:` names of an SSE body, with the block types of content_block_start. */
function eventShape(text: string): string[] {
  return parseSse(text).map((e) => {
    const data = JSON.parse(e.data) as { type: string; content_block?: { type: string }; delta?: { type: string } };
    assert.equal(e.event, data.type, 'the event name is the payload type');
    if (data.content_block) return `${e.event}:${data.content_block.type}`;
    if (e.event === 'content_block_delta') return `${e.event}:${data.delta!.type}`;
    return e.event!;
  });
}

describe('translation through the IR (anthropic backend, mock, OpenAI-compatible backend)', () => {
  let claude: FakeUpstream;
  let vllm: FakeUpstream;
  let gw: RunningGateway;
  let oa: OpenAI;
  let ant: Anthropic;
  const anthropicScript = fakeAnthropic();
  const openaiScript = byRequestId();
  const journalDir = mkdtempSync(path.join(tmpdir(), 'switchyard-anthropic-journal-'));
  const journalFile = path.join(journalDir, 'requests.jsonl');

  before(async () => {
    claude = await startFakeUpstream(anthropicScript);
    vllm = await startFakeUpstream(openaiScript);
    gw = await startGateway({
      config: {
        logging: { level: 'warn' },
        journal: { enabled: true, path: journalFile },
        backends: [
          { id: 'claude', type: 'anthropic', base_url: claude.url, api_key: BACKEND_KEY, default_max_tokens: 8000, models: ['claude-*'] },
          { id: 'vllm', type: 'openai', base_url: vllm.url, models: ['gpt-*'] },
          { id: 'mock', type: 'mock', models: ['mock'] },
        ],
        routes: [{ virtual_model: 'thinker', backend: 'claude', real_model: SONNET, defaults: { enable_thinking: true } }],
      },
    });
    oa = openaiClient(gw.url);
    ant = anthropicClient(gw.url);
  });

  after(async () => {
    await gw?.stop();
    await claude?.close();
    await vllm?.close();
    rmSync(journalDir, { recursive: true, force: true });
  });

  describe('OpenAI client → anthropic backend', () => {
    it('chat, not streamed: the Anthropic body upstream; an OpenAI completion back', async () => {
      const id = rid('oa-ant-json');
      anthropicScript.on(id, replayFixture('anthropic/anthropic-text.json'));
      const completion = await oa.chat.completions.create(
        {
          model: SONNET,
          messages: [
            { role: 'system', content: 'Be kind.' },
            { role: 'user', content: 'How are you?' },
          ],
          temperature: 1.4,
          stop: ['END'],
          user: 'user-7',
          seed: 3,
        },
        { headers: { 'x-request-id': id } },
      );
      assert.equal(completion.object, 'chat.completion');
      assert.equal(completion.model, SONNET);
      assert.equal(
        completion.choices[0]!.message.content,
        "Hello! I'm doing well, thanks for asking. How are you doing today? Is there anything I can help you with?",
      );
      assert.equal(completion.choices[0]!.finish_reason, 'stop');
      assert.equal(completion.usage!.prompt_tokens, 12);
      assert.equal(completion.usage!.completion_tokens, 29);
      const got = await receivedWithId(claude, id);
      assert.equal(got.url, '/v1/messages');
      assert.equal(got.headers['x-api-key'], BACKEND_KEY);
      assert.equal(got.headers.authorization, undefined);
      assert.equal(got.headers['anthropic-version'], '2023-06-01');
      assert.deepEqual(got.body, {
        model: SONNET,
        system: 'Be kind.',
        messages: [{ role: 'user', content: [{ type: 'text', text: 'How are you?' }] }],
        max_tokens: 8000,
        temperature: 1,
        stop_sequences: ['END'],
        metadata: { user_id: 'user-7' },
      });
    });

    it('chat, streamed: text deltas, finish_reason, usage (prompt_tokens counts the cache)', async () => {
      const id = rid('oa-ant-sse');
      anthropicScript.on(id, replayFixture('anthropic/anthropic-text.chunks.txt'));
      const stream = await oa.chat.completions.create(
        {
          model: SONNET,
          messages: [{ role: 'user', content: 'Hi' }],
          stream: true,
          stream_options: { include_usage: true },
          max_tokens: 200,
        },
        { headers: { 'x-request-id': id } },
      );
      let text = '';
      let finish: string | null = null;
      let usage: OpenAI.CompletionUsage | undefined;
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta.content ?? '';
        finish = chunk.choices[0]?.finish_reason ?? finish;
        if (chunk.usage) usage = chunk.usage;
        assert.equal(chunk.model, SONNET);
      }
      assert.equal(text, "Hello! I'm doing well, thank you for asking. How are you doing today? Is there anything I can help you with?");
      assert.equal(finish, 'stop');
      assert.equal(usage?.prompt_tokens, 12);
      assert.equal(usage?.completion_tokens, 30);
      const got = await receivedWithId(claude, id);
      assert.equal(got.body.stream, true);
      assert.equal(got.body.max_tokens, 200);
    });

    it('tool calls, not streamed and streamed: ids kept, input ↔ arguments, tool_choice required → any', async () => {
      const id = rid('oa-ant-tool');
      anthropicScript.on(id, replayFixture('anthropic/anthropic-json-tool.1.json'));
      const completion = await oa.chat.completions.create(
        {
          model: SONNET,
          messages: [{ role: 'user', content: 'Weather?' }],
          tools: [WEATHER_TOOL],
          tool_choice: 'required',
          parallel_tool_calls: false,
        },
        { headers: { 'x-request-id': id } },
      );
      const call = completion.choices[0]!.message.tool_calls![0]! as OpenAI.ChatCompletionMessageFunctionToolCall;
      assert.equal(call.id, 'toolu_01Q9ExVZnzZj7E2QQYHYtNUa');
      assert.equal(call.function.name, 'json');
      assert.equal(JSON.parse(call.function.arguments).elements.length, 4);
      assert.equal(completion.choices[0]!.finish_reason, 'tool_calls');
      const got = await receivedWithId(claude, id);
      assert.deepEqual(got.body.tools, [
        { name: 'get_weather', description: 'Current weather', input_schema: WEATHER_TOOL.function.parameters },
      ]);
      assert.deepEqual(got.body.tool_choice, { type: 'any', disable_parallel_tool_use: true });

      const id2 = rid('oa-ant-tool-sse');
      anthropicScript.on(id2, replayFixture('anthropic/anthropic-json-tool.1.chunks.txt'));
      const stream = await oa.chat.completions.create(
        { model: SONNET, messages: [{ role: 'user', content: 'Weather?' }], tools: [WEATHER_TOOL], stream: true },
        { headers: { 'x-request-id': id2 } },
      );
      const calls: Array<{ id?: string; name?: string; args: string }> = [];
      let finish: string | null = null;
      for await (const chunk of stream) {
        for (const tc of chunk.choices[0]?.delta.tool_calls ?? []) {
          calls[tc.index] ??= { args: '' };
          if (tc.id) calls[tc.index]!.id = tc.id;
          if (tc.function?.name) calls[tc.index]!.name = tc.function.name;
          calls[tc.index]!.args += tc.function?.arguments ?? '';
        }
        finish = chunk.choices[0]?.finish_reason ?? finish;
      }
      assert.deepEqual(calls, [
        {
          id: 'toolu_01KFbKqPYSuAKujiL6mTfzYA',
          name: 'json',
          args: '{"elements": [{"location": "San Francisco", "temperature": 58, "condition": "sunny"}]}',
        },
      ]);
      assert.equal(finish, 'tool_calls');
    });

    it('a tool called without arguments streams "{}"', async () => {
      const id = rid('oa-ant-noargs');
      anthropicScript.on(id, replayFixture('anthropic/anthropic-tool-no-args.chunks.txt'));
      const stream = await oa.chat.completions.create(
        { model: SONNET, messages: [{ role: 'user', content: 'Update' }], tools: [WEATHER_TOOL], stream: true },
        { headers: { 'x-request-id': id } },
      );
      let args = '';
      let text = '';
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta.content ?? '';
        for (const tc of chunk.choices[0]?.delta.tool_calls ?? []) args += tc.function?.arguments ?? '';
      }
      assert.equal(text, "I'll update the issue list for you.");
      assert.equal(args, '{}');
    });

    it('refusal → finish_reason content_filter', async () => {
      const id = rid('oa-ant-refusal');
      anthropicScript.on(id, replayFixture('anthropic/anthropic-refusal.json'));
      const completion = await oa.chat.completions.create(
        { model: SONNET, messages: [{ role: 'user', content: 'x' }] },
        { headers: { 'x-request-id': id } },
      );
      assert.equal(completion.choices[0]!.finish_reason, 'content_filter');
    });

    it('thinking: reasoning_content plus thinking_blocks with the signature; a second turn sends the block back intact', async () => {
      const id = rid('oa-ant-think');
      anthropicScript.on(id, replayFixture('anthropic/anthropic-clear-thinking.1.chunks.txt'));
      const stream = await oa.chat.completions.create(
        {
          model: SONNET,
          messages: [{ role: 'user', content: 'What is 925 / 5?' }],
          stream: true,
          reasoning_effort: 'medium',
          temperature: 0.5,
        },
        { headers: { 'x-request-id': id } },
      );
      let reasoning = '';
      let content = '';
      const blocks: Array<Record<string, unknown>> = [];
      for await (const chunk of stream) {
        const delta = chunk.choices[0]?.delta as
          | (OpenAI.ChatCompletionChunk.Choice.Delta & { reasoning_content?: string; thinking_blocks?: Array<Record<string, unknown>> })
          | undefined;
        reasoning += delta?.reasoning_content ?? '';
        content += delta?.content ?? '';
        blocks.push(...(delta?.thinking_blocks ?? []));
      }
      assert.equal(reasoning, 'The previous result was 925. Now I need to divide that by 5.\n\n925 ÷ 5 = 185');
      assert.equal(content, '925 ÷ 5 = 185');
      assert.deepEqual(blocks, [{ type: 'thinking', thinking: reasoning, signature: STREAM_SIGNATURE }]);
      const first = await receivedWithId(claude, id);
      assert.deepEqual(first.body.thinking, { type: 'enabled', budget_tokens: 4096 });
      assert.equal(first.body.temperature, undefined, 'no temperature with thinking on');
      // The gateway filled max_tokens: the answer keeps default_max_tokens (8000) above the thinking budget.
      assert.equal(first.body.max_tokens, 4096 + 8000);

      const id2 = rid('oa-ant-think-2');
      anthropicScript.on(id2, replayFixture('anthropic/anthropic-clear-thinking.1.json'));
      const second = await oa.chat.completions.create(
        {
          model: SONNET,
          reasoning_effort: 'medium',
          messages: [
            { role: 'user', content: 'What is 925 / 5?' },
            {
              role: 'assistant',
              content,
              reasoning_content: reasoning,
              thinking_blocks: blocks,
            } as OpenAI.ChatCompletionAssistantMessageParam,
            { role: 'user', content: 'And times 2?' },
          ],
        },
        { headers: { 'x-request-id': id2 } },
      );
      const got = await receivedWithId(claude, id2);
      assert.deepEqual(got.body.messages[1], {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: reasoning, signature: STREAM_SIGNATURE },
          { type: 'text', text: '925 ÷ 5 = 185' },
        ],
      });
      const message = second.choices[0]!.message as OpenAI.ChatCompletionMessage & {
        reasoning_content?: string;
        thinking_blocks?: unknown;
      };
      assert.equal(message.reasoning_content, THINKING_FIXTURE.content[0]!.thinking);
      assert.deepEqual(message.thinking_blocks, [
        { type: 'thinking', thinking: THINKING_FIXTURE.content[0]!.thinking, signature: THINKING_FIXTURE.content[0]!.signature },
      ]);
    });

    it('redacted thinking blocks travel back intact too', async () => {
      const id = rid('oa-ant-redacted');
      anthropicScript.on(id, replayFixture('anthropic/anthropic-text.json'));
      await oa.chat.completions.create(
        {
          model: SONNET,
          messages: [
            { role: 'user', content: 'q' },
            {
              role: 'assistant',
              content: 'a',
              thinking_blocks: [
                {
                  type: 'redacted_thinking',
                  data: 'EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpPkNRj2YfWXGmKDxH4mPnZ5sQ7vB5URj2pqmwlgthyBGPyM9rq',
                },
                { type: 'thinking', thinking: '', signature: 'SIG-ONLY' },
              ],
            } as OpenAI.ChatCompletionAssistantMessageParam,
            { role: 'user', content: 'go on' },
          ],
        },
        { headers: { 'x-request-id': id } },
      );
      const got = await receivedWithId(claude, id);
      assert.deepEqual(got.body.messages[1].content, [
        {
          type: 'redacted_thinking',
          data: 'EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpPkNRj2YfWXGmKDxH4mPnZ5sQ7vB5URj2pqmwlgthyBGPyM9rq',
        },
        { type: 'thinking', thinking: '', signature: 'SIG-ONLY' },
        { type: 'text', text: 'a' },
      ]);
    });

    it('a profile enable_thinking reaches Anthropic as {type: enabled, budget_tokens}', async () => {
      const id = rid('oa-ant-profile');
      anthropicScript.on(id, replayFixture('anthropic/anthropic-text.json'));
      const completion = await oa.chat.completions.create(
        { model: 'thinker', messages: [{ role: 'user', content: 'x' }], max_tokens: 3000 },
        { headers: { 'x-request-id': id } },
      );
      assert.equal(completion.model, 'thinker');
      const got = await receivedWithId(claude, id);
      assert.equal(got.body.model, SONNET);
      assert.deepEqual(got.body.thinking, { type: 'enabled', budget_tokens: 2999 });
    });

    it('upstream errors reach OpenAI clients as OpenAI errors with the same status and message', async () => {
      const cases: Array<[number, string, string, Record<string, string>]> = [
        [400, 'invalid_request_error', 'messages: text content blocks must be non-empty', {}],
        [429, 'rate_limit_error', 'Number of request tokens has exceeded your per-minute rate limit', { 'retry-after': '23' }],
        [529, 'overloaded_error', 'Overloaded', {}],
      ];
      for (const [status, type, message, headers] of cases) {
        const id = rid(`oa-ant-err-${status}`);
        anthropicScript.on(id, anthropicError(status, type, message, headers));
        const reply = await post(
          `${gw.url}/v1/chat/completions`,
          { model: SONNET, messages: [{ role: 'user', content: 'x' }] },
          { 'x-request-id': id },
        );
        const error = assertOpenAIError(reply, status);
        assert.equal(error.message, message);
        for (const [k, v] of Object.entries(headers)) assert.equal(reply.headers.get(k), v);
      }
      const id = rid('oa-ant-err-sdk');
      anthropicScript.on(id, anthropicError(429, 'rate_limit_error', 'Slow down', { 'retry-after': '1' }));
      await assert.rejects(
        oa.chat.completions.create({ model: SONNET, messages: [{ role: 'user', content: 'x' }] }, { headers: { 'x-request-id': id } }),
        (err: unknown) => err instanceof OpenAI.APIError && err.status === 429 && err.message.includes('Slow down'),
      );
      const id401 = rid('oa-ant-401');
      anthropicScript.on(id401, anthropicError(401, 'authentication_error', 'invalid x-api-key'));
      const reply = await post(
        `${gw.url}/v1/chat/completions`,
        { model: SONNET, messages: [{ role: 'user', content: 'x' }] },
        { 'x-request-id': id401 },
      );
      assertOpenAIError(reply, 502, /backend claude rejected the gateway's credentials/);
    });

    it('a mid-stream Anthropic error event ends the OpenAI stream with an OpenAI error event', async () => {
      const id = rid('oa-ant-midstream');
      anthropicScript.on(
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
        `${gw.url}/v1/chat/completions`,
        { model: SONNET, stream: true, messages: [{ role: 'user', content: 'x' }] },
        { 'x-request-id': id },
      );
      assert.equal(reply.status, 200);
      const events = parseSse(reply.text);
      const last = JSON.parse(events.at(-1)!.data) as { error?: { message: string } };
      assert.equal(last.error?.message, 'Overloaded');
      assert.ok(!reply.text.includes('[DONE]'));
    });

    it('embeddings and completions to an anthropic backend: 400', async () => {
      assertOpenAIError(await post(`${gw.url}/v1/embeddings`, { model: SONNET, input: 'x' }), 400, /cannot serve \/v1\/embeddings/);
      assertOpenAIError(await post(`${gw.url}/v1/completions`, { model: SONNET, prompt: 'x' }), 400, /cannot serve \/v1\/completions/);
    });
  });

  describe('Anthropic client → mock backend', () => {
    it('streamed: the exact event sequence, and the SDK assembles the message', async () => {
      const reply = await post(`${gw.url}/v1/messages`, {
        model: 'mock',
        max_tokens: 100,
        stream: true,
        messages: [{ role: 'user', content: 'Tell me a story' }],
      });
      assert.equal(reply.status, 200);
      assert.match(reply.headers.get('content-type') ?? '', /^text\/event-stream/);
      const shape = eventShape(reply.text);
      const deltas = shape.filter((s) => s === 'content_block_delta:text_delta').length;
      assert.ok(deltas >= 2, `${deltas} text deltas`);
      assert.deepEqual(shape, [
        'message_start',
        'content_block_start:text',
        ...Array<string>(deltas).fill('content_block_delta:text_delta'),
        'content_block_stop',
        'message_delta',
        'message_stop',
      ]);
      const events = parseSse(reply.text).map((e) => JSON.parse(e.data) as Record<string, any>);
      assert.equal(events[0]!.message.model, 'mock');
      assert.equal(events[1]!.index, 0);
      assert.deepEqual(events.at(-2)!.delta, { stop_reason: 'end_turn', stop_sequence: null });
      assert.ok(events.at(-2)!.usage.output_tokens > 0 && events.at(-2)!.usage.input_tokens > 0, JSON.stringify(events.at(-2)!.usage));

      const stream = ant.messages.stream({ model: 'mock', max_tokens: 100, messages: [{ role: 'user', content: 'Tell me a story' }] });
      const final = await stream.finalMessage();
      assert.equal(final.role, 'assistant');
      assert.equal(final.content[0]!.type, 'text');
      assert.ok((final.content[0] as Anthropic.TextBlock).text.length > 0);
      assert.equal(final.stop_reason, 'end_turn');
    });

    it('not streamed: an Anthropic message; max_tokens cut → stop_reason max_tokens', async () => {
      const message = await ant.messages.create({ model: 'mock', max_tokens: 3, messages: [{ role: 'user', content: 'Hi' }] });
      assert.equal(message.type, 'message');
      assert.equal(message.model, 'mock');
      assert.match(message.id, /^msg_/);
      assert.equal(message.stop_reason, 'max_tokens');
      assert.equal(message.usage.output_tokens, 3);
    });

    it('tool use with the mock, and the tool result sent back', async () => {
      const tools: Anthropic.Tool[] = [
        { name: 'get_weather', description: 'Weather', input_schema: { type: 'object', properties: { location: { type: 'string' } } } },
      ];
      const stream = ant.messages.stream({
        model: 'mock',
        max_tokens: 100,
        tools,
        messages: [{ role: 'user', content: 'What is the weather in Paris?' }],
      });
      const first = await stream.finalMessage();
      assert.equal(first.stop_reason, 'tool_use');
      const use = first.content.find((b) => b.type === 'tool_use') as Anthropic.ToolUseBlock;
      assert.deepEqual(use.input, { location: 'Paris' });
      const second = await ant.messages.create({
        model: 'mock',
        max_tokens: 100,
        tools,
        messages: [
          { role: 'user', content: 'What is the weather in Paris?' },
          { role: 'assistant', content: first.content as Anthropic.ContentBlockParam[] },
          {
            role: 'user',
            content: [
              { type: 'tool_result', tool_use_id: use.id, content: '18°C and sunny' },
              { type: 'text', text: 'Thanks. Summarise that.' },
            ],
          },
        ],
      });
      assert.equal(second.stop_reason, 'end_turn');
      assert.equal(second.content[0]!.type, 'text');
    });

    it('count_tokens to the mock: 400 in the Anthropic envelope', async () => {
      const error = assertAnthropicError(
        await post(`${gw.url}/v1/messages/count_tokens`, { model: 'mock', messages: [{ role: 'user', content: 'x' }] }),
        400,
      );
      assert.match(error.message, /count_tokens is not available for backend mock/);
    });

    it('gateway errors on /v1/messages use the Anthropic envelope (unknown model, malformed JSON)', async () => {
      assertAnthropicError(await post(`${gw.url}/v1/messages`, { model: 'nope', max_tokens: 5, messages: [] }), 404, 'not_found_error');
      assertAnthropicError(await post(`${gw.url}/v1/messages?beta=true`, '{"model":'), 400, 'invalid_request_error');
    });
  });

  describe('Anthropic client → OpenAI-compatible backend', () => {
    it('streamed text and tool calls: the exact Anthropic event sequence', async () => {
      const id = rid('ant-oa-sse');
      openaiScript.on(
        id,
        sse([
          chatChunk('gpt-x', { role: 'assistant', content: '' }),
          chatChunk('gpt-x', { content: 'Checking' }),
          chatChunk('gpt-x', { content: ' both.' }),
          chatChunk('gpt-x', {
            tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '' } }],
          }),
          chatChunk('gpt-x', { tool_calls: [{ index: 0, function: { arguments: '{"city":"Paris"}' } }] }),
          chatChunk('gpt-x', {
            tool_calls: [{ index: 1, id: 'call_b', type: 'function', function: { name: 'get_weather', arguments: '{"city":' } }],
          }),
          chatChunk('gpt-x', { tool_calls: [{ index: 1, function: { arguments: '"Rome"}' } }] }),
          chatChunk('gpt-x', {}, 'tool_calls'),
          {
            ...chatChunk('gpt-x', {}),
            choices: [],
            usage: { prompt_tokens: 30, completion_tokens: 12, total_tokens: 42, prompt_tokens_details: { cached_tokens: 10 } },
          },
        ]),
      );
      const reply = await post(
        `${gw.url}/v1/messages`,
        {
          model: 'gpt-x',
          max_tokens: 100,
          stream: true,
          tools: [{ name: 'get_weather', input_schema: { type: 'object' } }],
          messages: [{ role: 'user', content: 'Weather in Paris and Rome?' }],
        },
        { 'x-request-id': id },
      );
      assert.equal(reply.status, 200);
      assert.deepEqual(eventShape(reply.text), [
        'message_start',
        'content_block_start:text',
        'content_block_delta:text_delta',
        'content_block_delta:text_delta',
        'content_block_stop',
        'content_block_start:tool_use',
        'content_block_delta:input_json_delta',
        'content_block_stop',
        'content_block_start:tool_use',
        'content_block_delta:input_json_delta',
        'content_block_delta:input_json_delta',
        'content_block_stop',
        'message_delta',
        'message_stop',
      ]);
      const events = parseSse(reply.text).map((e) => JSON.parse(e.data) as Record<string, any>);
      assert.deepEqual(
        events.filter((e) => e.type === 'content_block_start').map((e) => [e.index, e.content_block.id]),
        [
          [0, undefined],
          [1, 'call_a'],
          [2, 'call_b'],
        ],
      );
      assert.deepEqual(events.at(-2), {
        type: 'message_delta',
        delta: { stop_reason: 'tool_use', stop_sequence: null },
        usage: { input_tokens: 20, cache_creation_input_tokens: 0, cache_read_input_tokens: 10, output_tokens: 12 },
      });
      const got = await receivedWithId(vllm, id);
      assert.equal(got.path, '/v1/chat/completions');
      assert.equal(got.body.stream, true);
      assert.equal(got.body.max_tokens ?? got.body.max_completion_tokens, 100);
    });

    it('not streamed: system, images and tool results converted; an Anthropic message back', async () => {
      const id = rid('ant-oa-json');
      openaiScript.on(id, json(200, chatCompletion('gpt-x', { content: 'It is sunny.' })));
      const message = await ant.messages.create(
        {
          model: 'gpt-x',
          max_tokens: 100,
          system: 'You are a weather bot.',
          tools: [{ name: 'get_weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }],
          tool_choice: { type: 'tool', name: 'get_weather' },
          messages: [
            { role: 'user', content: 'Weather in Paris?' },
            { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_x1', name: 'get_weather', input: { city: 'Paris' } }] },
            { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_x1', content: '18°C' }] },
          ],
        },
        { headers: { 'x-request-id': id } },
      );
      assert.deepEqual(message.content, [{ type: 'text', text: 'It is sunny.' }]);
      assert.equal(message.stop_reason, 'end_turn');
      assert.equal(message.usage.input_tokens, 5);
      const got = await receivedWithId(vllm, id);
      assert.equal(got.body.messages[0].role, 'system');
      assert.equal(got.body.messages[2].tool_calls[0].id, 'toolu_x1');
      assert.equal(JSON.parse(got.body.messages[2].tool_calls[0].function.arguments).city, 'Paris');
      assert.deepEqual(
        { role: got.body.messages[3].role, tool_call_id: got.body.messages[3].tool_call_id },
        { role: 'tool', tool_call_id: 'toolu_x1' },
      );
      assert.deepEqual(got.body.tool_choice, { type: 'function', function: { name: 'get_weather' } });
    });

    it('an upstream OpenAI error reaches the Anthropic client as an Anthropic error with the same status and message', async () => {
      const id = rid('ant-oa-err');
      openaiScript.on(
        id,
        json(429, { error: { message: 'Rate limit reached', type: 'rate_limit_error', param: null, code: null } }, { 'retry-after': '9' }),
      );
      const reply = await post(
        `${gw.url}/v1/messages`,
        { model: 'gpt-x', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] },
        { 'x-request-id': id },
      );
      const error = assertAnthropicError(reply, 429, 'rate_limit_error');
      assert.equal(error.message, 'Rate limit reached');
      assert.equal(reply.headers.get('retry-after'), '9');
    });
  });

  describe('multi-turn tool use round-tripped with tool call ids intact', () => {
    it('OpenAI client ↔ anthropic backend: two tool calls, their results as ONE user turn, the answer', async () => {
      const id1 = rid('mt-oa-1');
      anthropicScript.on(
        id1,
        sse(
          anthropicStream(
            SONNET,
            [
              { start: { type: 'text', text: '' }, deltas: [{ type: 'text_delta', text: 'Let me check.' }] },
              {
                start: { type: 'tool_use', id: 'toolu_paris', name: 'get_weather', input: {} },
                deltas: [{ type: 'input_json_delta', partial_json: '{"city": "Paris"}' }],
              },
              {
                start: { type: 'tool_use', id: 'toolu_rome', name: 'get_weather', input: {} },
                deltas: [
                  { type: 'input_json_delta', partial_json: '{"city"' },
                  { type: 'input_json_delta', partial_json: ': "Rome"}' },
                ],
              },
            ],
            'tool_use',
          ),
          { framing: 'anthropic' },
        ),
      );
      const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Weather in Paris and Rome?' }];
      const stream = await oa.chat.completions.create(
        { model: SONNET, messages, tools: [WEATHER_TOOL], stream: true },
        { headers: { 'x-request-id': id1 } },
      );
      const calls: Array<{ id: string; type: 'function'; function: { name: string; arguments: string } }> = [];
      let text = '';
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta.content ?? '';
        for (const tc of chunk.choices[0]?.delta.tool_calls ?? []) {
          calls[tc.index] ??= { id: '', type: 'function', function: { name: '', arguments: '' } };
          if (tc.id) calls[tc.index]!.id = tc.id;
          if (tc.function?.name) calls[tc.index]!.function.name = tc.function.name;
          calls[tc.index]!.function.arguments += tc.function?.arguments ?? '';
        }
      }
      assert.deepEqual(
        calls.map((c) => [c.id, c.function.arguments]),
        [
          ['toolu_paris', '{"city": "Paris"}'],
          ['toolu_rome', '{"city": "Rome"}'],
        ],
      );
      messages.push({ role: 'assistant', content: text, tool_calls: calls });
      messages.push({ role: 'tool', tool_call_id: 'toolu_paris', content: '18°C' });
      messages.push({ role: 'tool', tool_call_id: 'toolu_rome', content: '24°C' });

      const id2 = rid('mt-oa-2');
      anthropicScript.on(
        id2,
        json(200, {
          id: 'msg_2',
          type: 'message',
          role: 'assistant',
          model: SONNET,
          content: [{ type: 'text', text: 'Paris 18°C, Rome 24°C.' }],
          stop_reason: 'end_turn',
          usage: { input_tokens: 50, output_tokens: 9 },
        }),
      );
      const answer = await oa.chat.completions.create(
        { model: SONNET, messages, tools: [WEATHER_TOOL] },
        { headers: { 'x-request-id': id2 } },
      );
      assert.equal(answer.choices[0]!.message.content, 'Paris 18°C, Rome 24°C.');
      const got = await receivedWithId(claude, id2);
      assert.deepEqual(got.body.messages, [
        { role: 'user', content: [{ type: 'text', text: 'Weather in Paris and Rome?' }] },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Let me check.' },
            { type: 'tool_use', id: 'toolu_paris', name: 'get_weather', input: { city: 'Paris' } },
            { type: 'tool_use', id: 'toolu_rome', name: 'get_weather', input: { city: 'Rome' } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_paris', content: '18°C' },
            { type: 'tool_result', tool_use_id: 'toolu_rome', content: '24°C' },
          ],
        },
      ]);
    });

    it('Anthropic client ↔ OpenAI-compatible backend: tool_use ids are the backend call ids, tool_result goes back as tool messages', async () => {
      const id1 = rid('mt-ant-1');
      openaiScript.on(
        id1,
        json(
          200,
          chatCompletion(
            'gpt-x',
            {
              content: null,
              tool_calls: [{ id: 'call_77', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }],
            },
            'tool_calls',
          ),
        ),
      );
      const tools: Anthropic.Tool[] = [{ name: 'get_weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }];
      const first = await ant.messages.create(
        { model: 'gpt-x', max_tokens: 50, tools, messages: [{ role: 'user', content: 'Weather in Oslo?' }] },
        { headers: { 'x-request-id': id1 } },
      );
      assert.equal(first.stop_reason, 'tool_use');
      assert.deepEqual(first.content, [{ type: 'tool_use', id: 'call_77', name: 'get_weather', input: { city: 'Oslo' } }]);

      const id2 = rid('mt-ant-2');
      openaiScript.on(id2, json(200, chatCompletion('gpt-x', { content: 'Oslo: -3°C.' })));
      const second = await ant.messages.create(
        {
          model: 'gpt-x',
          max_tokens: 50,
          tools,
          messages: [
            { role: 'user', content: 'Weather in Oslo?' },
            { role: 'assistant', content: first.content as Anthropic.ContentBlockParam[] },
            { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_77', content: '-3°C' }] },
          ],
        },
        { headers: { 'x-request-id': id2 } },
      );
      assert.deepEqual(second.content, [{ type: 'text', text: 'Oslo: -3°C.' }]);
      const got = await receivedWithId(vllm, id2);
      assert.equal(got.body.messages[1].tool_calls[0].id, 'call_77');
      assert.deepEqual(got.body.messages[2], { role: 'tool', tool_call_id: 'call_77', content: '-3°C' });
    });
  });
  describe('/v1/messages in metrics and the journal, as on the OpenAI ingress', () => {
    it('one journal line per request (ingress anthropic.messages, tokens from the Anthropic stream) and the GenAI metrics', async () => {
      const streamed = rid('obs-mock');
      const passthrough = rid('obs-claude');
      anthropicScript.on(passthrough, replayFixture('anthropic/anthropic-text.json'));
      const s = await post(
        `${gw.url}/v1/messages`,
        { model: 'mock', max_tokens: 100, stream: true, messages: [{ role: 'user', content: 'Count tokens' }] },
        { 'x-request-id': streamed },
      );
      assert.equal(s.status, 200);
      const p = await post(
        `${gw.url}/v1/messages`,
        { model: 'thinker', max_tokens: 5000, messages: [{ role: 'user', content: 'x' }] },
        { 'x-request-id': passthrough },
      );
      assert.equal(p.status, 200);
      const lines = await waitFor(
        () => {
          if (!existsSync(journalFile)) return null;
          const all = readFileSync(journalFile, 'utf8')
            .split('\n')
            .filter(Boolean)
            .map((l) => JSON.parse(l) as Record<string, any>);
          const mine = [streamed, passthrough].map((id) => all.find((l) => l.request_id === id));
          return mine.every(Boolean) ? mine : null;
        },
        5000,
        'journal lines',
      );
      const [mockLine, claudeLine] = lines as Array<Record<string, any>>;
      assert.equal(mockLine!.ingress, 'anthropic.messages');
      assert.equal(mockLine!.backend, 'mock');
      assert.equal(mockLine!.stream, true);
      assert.equal(mockLine!.status, 200);
      assert.ok(mockLine!.input_tokens > 0 && mockLine!.output_tokens > 0, JSON.stringify(mockLine));
      assert.ok(mockLine!.ttft_ms !== null);
      assert.equal(claudeLine!.ingress, 'anthropic.messages');
      assert.equal(claudeLine!.virtual_model, 'thinker');
      assert.equal(claudeLine!.real_model, SONNET);
      assert.equal(claudeLine!.input_tokens, 12);
      assert.equal(claudeLine!.output_tokens, 29);
      // The profile turned thinking on in Anthropic's own form.
      assert.deepEqual((await receivedWithId(claude, passthrough)).body.thinking, { type: 'enabled', budget_tokens: 4096 });

      const scrape = await waitFor(
        async () => {
          const sc = await scrapeMetrics(gw.metricsUrl);
          return sc.find('switchyard_requests_total', { gen_ai_request_model: 'thinker', gen_ai_provider_name: 'anthropic' }).length > 0
            ? sc
            : null;
        },
        5000,
        'metrics for /v1/messages',
      );
      const output = scrape.find('gen_ai_client_token_usage_sum', {
        gen_ai_request_model: 'thinker',
        gen_ai_token_type: 'output',
        gen_ai_operation_name: 'chat',
      });
      assert.ok(output.reduce((n, x) => n + x.value, 0) >= 29);
      const mockOutput = scrape.find('gen_ai_client_token_usage_sum', { gen_ai_request_model: 'mock', gen_ai_token_type: 'output' });
      assert.ok(mockOutput.reduce((n, x) => n + x.value, 0) > 0, 'tokens read off the translated Anthropic stream');
      assert.ok(scrape.find('gen_ai_server_time_to_first_token_count', { gen_ai_request_model: 'mock' }).length > 0);
    });
  });
});
