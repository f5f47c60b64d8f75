/* eslint-disable @typescript-eslint/no-explicit-any -- tests poke into encoded JSON bodies */
import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GatewayError, type CodecContext, type IrResponse } from '@switchyard/kernel';
import {
  decodeOpenAIChatResponse,
  decodeOpenAIFinishReason,
  encodeOpenAIChatResponse,
  encodeOpenAIFinishReason,
} from '@switchyard/plugin-openai';
import { readFixtureJson } from '../../../test/dist/helpers/fake-upstream.js';

const ctx: CodecContext = { clientModel: 'virtual-x', requestId: 'req-r', dropped: () => {} };

describe('openai.chat codec: finish reasons', () => {
  const decoded: Array<[unknown, string]> = [
    ['stop', 'stop'],
    ['length', 'length'],
    ['tool_calls', 'tool_calls'],
    ['function_call', 'tool_calls'],
    ['content_filter', 'content_filter'],
    ['abort', 'error'],
    [null, 'other'],
    ['something_new', 'other'],
  ];
  for (const [raw, ir] of decoded) it(`${String(raw)} → ${ir}`, () => assert.equal(decodeOpenAIFinishReason(raw), ir));
  const encoded = [
    ['stop', 'stop'],
    ['length', 'length'],
    ['tool_calls', 'tool_calls'],
    ['content_filter', 'content_filter'],
    ['error', 'stop'],
    ['other', 'stop'],
  ] as const;
  for (const [ir, raw] of encoded) it(`${ir} → ${raw}`, () => assert.equal(encodeOpenAIFinishReason(ir), raw));
});

describe('openai.chat codec: decodeResponse on recorded fixtures', () => {
  it('openai-text: text, stop, usage with cached and reasoning tokens', () => {
    const body = readFixtureJson<any>('openai-chat/openai-text.json');
    const ir = decodeOpenAIChatResponse(body, ctx);
    assert.equal(ir.id, 'chatcmpl-D8Z5f52zQqikDBEKQMQoYcWMcWPeU');
    assert.equal(ir.model, 'gpt-4.1-nano-2025-04-14');
    assert.equal(ir.created, 1770933883);
    assert.deepEqual(ir.parts, [{ type: 'text', text: body.choices[0].message.content }]);
    assert.equal(ir.finishReason, 'stop');
    assert.equal(ir.rawFinishReason, 'stop');
    assert.deepEqual(ir.usage, { inputTokens: 16, outputTokens: 363, cachedInputTokens: 0, reasoningTokens: 0 });
  });

  it('deepseek-reasoning: reasoning part first, then text; reasoning tokens', () => {
    const body = readFixtureJson<any>('openai-chat/deepseek-reasoning.json');
    const ir = decodeOpenAIChatResponse(body, ctx);
    assert.deepEqual(ir.parts, [
      { type: 'reasoning', text: body.choices[0].message.reasoning_content },
      { type: 'text', text: body.choices[0].message.content },
    ]);
    assert.match((ir.parts[0] as any).text, /^We are asked: "How many 'r's/);
    assert.deepEqual(ir.usage, { inputTokens: 18, outputTokens: 345, cachedInputTokens: 0, reasoningTokens: 315 });
  });

  it('deepseek-tool-call: reasoning, the tool call with its id, tool_calls finish, cached tokens', () => {
    const ir = decodeOpenAIChatResponse(readFixtureJson('openai-chat/deepseek-tool-call.json'), ctx);
    assert.equal(ir.parts.length, 2);
    assert.equal(ir.parts[0]!.type, 'reasoning');
    assert.deepEqual(ir.parts[1], {
      type: 'tool_call',
      id: 'call_00_9V0vrf86Pc9aelHCJMZqnJBo',
      name: 'weather',
      arguments: '{"location": "San Francisco"}',
    });
    assert.equal(ir.finishReason, 'tool_calls');
    assert.deepEqual(ir.usage, { inputTokens: 339, outputTokens: 92, cachedInputTokens: 320, reasoningTokens: 48 });
  });

  it('rejects a reply that is not a chat.completion, or an error body, as a 502', () => {
    for (const body of [{ object: 'list', data: [] }, 'text', { error: { message: 'boom' } }]) {
      assert.throws(
        () => decodeOpenAIChatResponse(body, ctx),
        (e: unknown) => e instanceof GatewayError && e.status === 502,
      );
    }
  });
});

const signed: IrResponse = {
  id: 'msg_01',
  model: 'claude-real',
  created: 1700000000,
  parts: [
    { type: 'reasoning', text: 'First I think.', signature: 'EqoBsig1' },
    { type: 'reasoning', text: '', redactedData: 'ENCRYPTED' },
    { type: 'reasoning', text: '', signature: 'sig-only' },
    { type: 'text', text: 'Let me call ' },
    { type: 'text', text: 'two tools.' },
    { type: 'tool_call', id: 'toolu_A', name: 'weather', arguments: '{"city":"Paris"}' },
    { type: 'tool_call', id: 'toolu_B', name: 'time', arguments: '{"tz":"CET"}', providerMetadata: { google: { thoughtSignature: 'TS' } } },
  ],
  finishReason: 'tool_calls',
  usage: { inputTokens: 120, outputTokens: 30, cachedInputTokens: 100, cacheCreationInputTokens: 5, reasoningTokens: 12 },
};

describe('openai.chat codec: encodeResponse', () => {
  it('writes a chat.completion naming the client model, with reasoning_content, thinking_blocks and usage', () => {
    assert.deepEqual(encodeOpenAIChatResponse(signed, ctx), {
      id: 'msg_01',
      object: 'chat.completion',
      created: 1700000000,
      model: 'virtual-x',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: 'Let me call two tools.',
            refusal: null,
            reasoning_content: 'First I think.',
            thinking_blocks: [
              { type: 'thinking', thinking: 'First I think.', signature: 'EqoBsig1' },
              { type: 'redacted_thinking', data: 'ENCRYPTED' },
              { type: 'thinking', thinking: '', signature: 'sig-only' },
            ],
            tool_calls: [
              { id: 'toolu_A', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } },
              {
                id: 'toolu_B',
                type: 'function',
                function: { name: 'time', arguments: '{"tz":"CET"}' },
                extra_content: { google: { thought_signature: 'TS' } },
              },
            ],
          },
          logprobs: null,
          finish_reason: 'tool_calls',
        },
      ],
      usage: {
        prompt_tokens: 120,
        completion_tokens: 30,
        total_tokens: 150,
        prompt_tokens_details: { cached_tokens: 100 },
        completion_tokens_details: { reasoning_tokens: 12 },
      },
    });
  });

  it('content is null without text; unsigned reasoning gets no thinking_blocks', () => {
    const body: any = encodeOpenAIChatResponse(
      { id: 'x', model: 'm', parts: [{ type: 'reasoning', text: 'r' }], finishReason: 'length' },
      ctx,
    );
    assert.deepEqual(body.choices[0].message, { role: 'assistant', content: null, refusal: null, reasoning_content: 'r' });
    assert.equal(body.choices[0].finish_reason, 'length');
    assert.equal(body.usage, undefined);
    assert.equal(typeof body.created, 'number');
  });

  it('round trip IR → encodeResponse → decodeResponse keeps signatures, redacted data and tool call ids', () => {
    const back = decodeOpenAIChatResponse(JSON.parse(JSON.stringify(encodeOpenAIChatResponse(signed, ctx))), ctx);
    assert.deepEqual(back.parts, [...signed.parts.slice(0, 3), { type: 'text', text: 'Let me call two tools.' }, ...signed.parts.slice(5)]);
    assert.equal(back.finishReason, 'tool_calls');
    assert.equal(back.model, 'virtual-x');
    // cache creation tokens have no OpenAI field: they stay counted in prompt_tokens
    assert.deepEqual(back.usage, { inputTokens: 120, outputTokens: 30, cachedInputTokens: 100, reasoningTokens: 12 });
  });
});
