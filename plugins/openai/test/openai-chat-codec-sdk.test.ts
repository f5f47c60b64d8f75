/**
 * The stream encoder's bytes read by the official `openai` SDK: served from a tiny node:http
 * server, parsed by `chat.completions.create({stream: true})` and accumulated by
 * `chat.completions.stream()` into a final message.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- reasoning fields are outside the SDK's types */
import 'reflect-metadata';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import type { IrStreamEvent } from '@switchyard/kernel';
import { createOpenAIChatStreamEncoder } from '@switchyard/plugin-openai';

const TURN: IrStreamEvent[] = [
  { type: 'start', id: 'msg_sdk', model: 'claude-real', created: 1700000001 },
  { type: 'reasoning_delta', text: 'Weather and time.' },
  { type: 'reasoning_delta', signature: 'SIG' },
  { type: 'reasoning_end' },
  { type: 'text_delta', text: 'One ' },
  { type: 'text_delta', text: 'moment.' },
  { type: 'tool_call_start', index: 2, id: 'toolu_1', name: 'weather' },
  { type: 'tool_call_delta', index: 2, argumentsDelta: '{"city"' },
  { type: 'tool_call_delta', index: 2, argumentsDelta: ':"Oslo"}' },
  { type: 'tool_call_end', index: 2 },
  { type: 'tool_call_start', index: 3, id: 'toolu_2', name: 'time' },
  { type: 'tool_call_delta', index: 3, argumentsDelta: '{"tz":"CET"}' },
  { type: 'tool_call_end', index: 3 },
  { type: 'usage', usage: { inputTokens: 11, outputTokens: 22, cachedInputTokens: 3 } },
  { type: 'finish', reason: 'tool_calls' },
];

const FAILING: IrStreamEvent[] = [
  { type: 'start', id: 'msg_err', model: 'x', created: 1 },
  { type: 'text_delta', text: 'par' },
  { type: 'error', status: 529, errorType: 'overloaded', message: 'backend overloaded' },
];

let server: Server;
let client: OpenAI;

before(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const request = JSON.parse(body);
      const encoder = createOpenAIChatStreamEncoder({
        clientModel: request.model,
        requestId: 'req-sdk',
        includeUsage: request.stream_options?.include_usage === true,
        dropped: () => {},
      });
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      // One write per IR event, as the kernel's translating stream does.
      for (const event of request.model === 'failing' ? FAILING : TURN) res.write(encoder.push(event));
      res.end(encoder.end());
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  client = new OpenAI({ apiKey: 'k', baseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, maxRetries: 0 });
});

after(() => server.close());

describe('openai.chat codec: stream encoder read by the openai SDK', () => {
  it('create({stream: true}) yields every chunk, the usage chunk last when asked for', async () => {
    const stream = await client.chat.completions.create({
      model: 'virtual-x',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    assert.ok(chunks.every((c) => c.id === 'msg_sdk' && c.model === 'virtual-x'));
    const deltas = chunks.flatMap((c) => c.choices.map((ch) => ch.delta as any));
    assert.equal(deltas.map((d) => d.content ?? '').join(''), 'One moment.');
    assert.equal(deltas.map((d) => d.reasoning_content ?? '').join(''), 'Weather and time.');
    assert.deepEqual(
      deltas.flatMap((d) => d.thinking_blocks ?? []),
      [{ type: 'thinking', thinking: 'Weather and time.', signature: 'SIG' }],
    );
    assert.equal(chunks.at(-2)!.choices[0]!.finish_reason, 'tool_calls');
    assert.deepEqual(chunks.at(-1)!.choices, []);
    assert.deepEqual(chunks.at(-1)!.usage, {
      prompt_tokens: 11,
      completion_tokens: 22,
      total_tokens: 33,
      prompt_tokens_details: { cached_tokens: 3 },
    });
  });

  it('without include_usage there is no usage chunk', async () => {
    const stream = await client.chat.completions.create({ model: 'virtual-x', messages: [{ role: 'user', content: 'hi' }], stream: true });
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    assert.ok(chunks.every((c) => c.choices.length === 1 && c.usage === undefined));
  });

  it('chat.completions.stream() accumulates the final message: content and both tool calls with ids', async () => {
    const runner = client.chat.completions.stream({ model: 'virtual-x', messages: [{ role: 'user', content: 'hi' }] });
    const final = await runner.finalChatCompletion();
    const message = final.choices[0]!.message;
    assert.equal(message.content, 'One moment.');
    assert.equal(final.choices[0]!.finish_reason, 'tool_calls');
    assert.deepEqual(
      message.tool_calls?.map((t: any) => [t.id, t.function.name, JSON.parse(t.function.arguments)]),
      [
        ['toolu_1', 'weather', { city: 'Oslo' }],
        ['toolu_2', 'time', { tz: 'CET' }],
      ],
    );
  });

  it('an error event mid-stream surfaces as an APIError with its message', async () => {
    const stream = await client.chat.completions.create({ model: 'failing', messages: [{ role: 'user', content: 'hi' }], stream: true });
    const seen: string[] = [];
    await assert.rejects(
      (async () => {
        for await (const chunk of stream) seen.push(chunk.choices[0]?.delta.content ?? '');
      })(),
      (err: unknown) => err instanceof OpenAI.APIError && err.message.includes('backend overloaded'),
    );
    assert.equal(seen.join(''), 'par');
  });
});
