/**
 * The anthropic.messages stream state machines: the encoder's exact event sequence (IR →
 * Anthropic SSE), round trips through the decoder for every recorded fixture, the official
 * @anthropic-ai/sdk MessageStream reading the encoder's output, and the decoder on streams the
 * fixtures do not cover (several tools in one turn, redacted thinking, errors, unknown events).
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import type { IrStreamEvent } from '@switchyard/kernel';
import { fixtureFolder } from '../../../test/dist/helpers/fake-upstream.js';
import {
  anthropicFixtureSse,
  codecContext,
  decodeAnthropicSse,
  encodeAnthropicSse,
  plain,
  sseEventsOf,
} from '../../../test/dist/helpers/anthropic-codec.js';

const streamFixtures = readdirSync(fixtureFolder('anthropic'))
  .filter((f) => f.endsWith('.chunks.txt'))
  .sort();

/** The official SDK's MessageStream reading `sse` as if Anthropic had sent it. */
async function sdkFinalMessage(sse: string): Promise<{ message: Anthropic.Message; events: string[] }> {
  const client = new Anthropic({
    apiKey: 'sk-ant-test',
    maxRetries: 0,
    fetch: async () => new Response(sse, { status: 200, headers: { 'content-type': 'text/event-stream' } }),
  });
  const events: string[] = [];
  const stream = client.messages.stream({ model: 'client-model', max_tokens: 1024, messages: [{ role: 'user', content: 'hi' }] });
  stream.on('streamEvent', (e) => events.push(e.type));
  return { message: await stream.finalMessage(), events };
}

function modelOf(sse: string): string {
  const start = sseEventsOf(sse)[0]!.data as { message: { model: string } };
  return start.message.model;
}

describe('Anthropic stream encoder (IR → SSE)', () => {
  it('writes the exact event sequence: message_start, blocks with indexes from 0, message_delta, message_stop', () => {
    const ir: IrStreamEvent[] = [
      { type: 'start', id: 'msg_1', model: 'real-model' },
      { type: 'reasoning_delta', text: 'Let me think' },
      { type: 'reasoning_delta', text: ' hard.' },
      { type: 'reasoning_delta', signature: 'sig-1' },
      { type: 'reasoning_end' },
      { type: 'reasoning_delta', redactedData: 'REDACTED==' },
      { type: 'text_delta', text: 'Calling two tools.' },
      { type: 'tool_call_start', index: 0, id: 'toolu_a', name: 'get_weather' },
      { type: 'tool_call_delta', index: 0, argumentsDelta: '{"city":' },
      { type: 'tool_call_delta', index: 0, argumentsDelta: '"Paris"}' },
      { type: 'tool_call_end', index: 0 },
      { type: 'tool_call_start', index: 1, id: 'toolu_b', name: 'get_time' },
      { type: 'tool_call_delta', index: 1, argumentsDelta: '{}' },
      { type: 'tool_call_end', index: 1 },
      { type: 'usage', usage: { inputTokens: 120, outputTokens: 42, cachedInputTokens: 100, cacheCreationInputTokens: 5 } },
      { type: 'finish', reason: 'tool_calls', rawReason: 'tool_calls' },
    ];
    const ctx = codecContext('claude-virtual');
    const out = encodeAnthropicSse(ir, ctx);
    assert.ok(out.endsWith('\n\n'));
    for (const raw of out.split('\n\n').filter(Boolean)) assert.match(raw, /^event: [a-z_]+\ndata: \{.*\}$/s);
    assert.deepEqual(sseEventsOf(out), [
      {
        event: 'message_start',
        data: {
          type: 'message_start',
          message: {
            id: 'msg_1',
            type: 'message',
            role: 'assistant',
            model: 'claude-virtual',
            content: [],
            stop_reason: null,
            stop_sequence: null,
            usage: { input_tokens: 0, output_tokens: 0 },
          },
        },
      },
      {
        event: 'content_block_start',
        data: { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '', signature: '' } },
      },
      {
        event: 'content_block_delta',
        data: { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'Let me think' } },
      },
      {
        event: 'content_block_delta',
        data: { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: ' hard.' } },
      },
      {
        event: 'content_block_delta',
        data: { type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'sig-1' } },
      },
      { event: 'content_block_stop', data: { type: 'content_block_stop', index: 0 } },
      {
        event: 'content_block_start',
        data: { type: 'content_block_start', index: 1, content_block: { type: 'redacted_thinking', data: 'REDACTED==' } },
      },
      { event: 'content_block_stop', data: { type: 'content_block_stop', index: 1 } },
      { event: 'content_block_start', data: { type: 'content_block_start', index: 2, content_block: { type: 'text', text: '' } } },
      {
        event: 'content_block_delta',
        data: { type: 'content_block_delta', index: 2, delta: { type: 'text_delta', text: 'Calling two tools.' } },
      },
      { event: 'content_block_stop', data: { type: 'content_block_stop', index: 2 } },
      {
        event: 'content_block_start',
        data: { type: 'content_block_start', index: 3, content_block: { type: 'tool_use', id: 'toolu_a', name: 'get_weather', input: {} } },
      },
      {
        event: 'content_block_delta',
        data: { type: 'content_block_delta', index: 3, delta: { type: 'input_json_delta', partial_json: '{"city":' } },
      },
      {
        event: 'content_block_delta',
        data: { type: 'content_block_delta', index: 3, delta: { type: 'input_json_delta', partial_json: '"Paris"}' } },
      },
      { event: 'content_block_stop', data: { type: 'content_block_stop', index: 3 } },
      {
        event: 'content_block_start',
        data: { type: 'content_block_start', index: 4, content_block: { type: 'tool_use', id: 'toolu_b', name: 'get_time', input: {} } },
      },
      {
        event: 'content_block_delta',
        data: { type: 'content_block_delta', index: 4, delta: { type: 'input_json_delta', partial_json: '{}' } },
      },
      { event: 'content_block_stop', data: { type: 'content_block_stop', index: 4 } },
      {
        event: 'message_delta',
        data: {
          type: 'message_delta',
          delta: { stop_reason: 'tool_use', stop_sequence: null },
          usage: { input_tokens: 15, cache_creation_input_tokens: 5, cache_read_input_tokens: 100, output_tokens: 42 },
        },
      },
      { event: 'message_stop', data: { type: 'message_stop' } },
    ]);
    assert.deepEqual(ctx.droppedFields, []);
  });

  it('usage that arrives after the finish (OpenAI order) still reaches message_delta', () => {
    const out = encodeAnthropicSse([
      { type: 'start', id: 'chatcmpl-9', model: 'gpt' },
      { type: 'text_delta', text: 'hi' },
      { type: 'finish', reason: 'length' },
      { type: 'usage', usage: { inputTokens: 7, outputTokens: 1, reasoningTokens: 0 } },
    ]);
    const events = sseEventsOf(out);
    assert.deepEqual(
      events.map((e) => e.event),
      ['message_start', 'content_block_start', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop'],
    );
    assert.equal((events[0]!.data.message as { id: string }).id, 'msg_chatcmpl-9');
    assert.deepEqual(events[4]!.data, {
      type: 'message_delta',
      delta: { stop_reason: 'max_tokens', stop_sequence: null },
      usage: {
        input_tokens: 7,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
        output_tokens: 1,
        output_tokens_details: { thinking_tokens: 0 },
      },
    });
  });

  it('finish reasons back to Anthropic stop reasons', () => {
    const cases: Array<[IrStreamEvent & { type: 'finish' }, string]> = [
      [{ type: 'finish', reason: 'stop' }, 'end_turn'],
      [{ type: 'finish', reason: 'stop', rawReason: 'stop_sequence' }, 'stop_sequence'],
      [{ type: 'finish', reason: 'stop', rawReason: 'pause_turn' }, 'pause_turn'],
      [{ type: 'finish', reason: 'stop', rawReason: 'stop' }, 'end_turn'],
      [{ type: 'finish', reason: 'length' }, 'max_tokens'],
      [{ type: 'finish', reason: 'tool_calls' }, 'tool_use'],
      [{ type: 'finish', reason: 'content_filter' }, 'refusal'],
      [{ type: 'finish', reason: 'other' }, 'end_turn'],
    ];
    for (const [finish, expected] of cases) {
      const events = sseEventsOf(encodeAnthropicSse([{ type: 'start', id: 'x', model: 'm' }, finish]));
      const delta = events.find((e) => e.event === 'message_delta')!.data.delta as { stop_reason: string };
      assert.equal(delta.stop_reason, expected, JSON.stringify(finish));
    }
  });

  it('an error mid-stream is `event: error` with the Anthropic envelope, and nothing follows it', () => {
    const out = encodeAnthropicSse([
      { type: 'start', id: 'msg_e', model: 'm' },
      { type: 'text_delta', text: 'partial' },
      { type: 'error', status: 529, errorType: 'server_error', message: 'Overloaded' },
      { type: 'text_delta', text: 'ignored' },
      { type: 'finish', reason: 'stop' },
    ]);
    const events = sseEventsOf(out);
    assert.deepEqual(
      events.map((e) => e.event),
      ['message_start', 'content_block_start', 'content_block_delta', 'error'],
    );
    assert.deepEqual(events.at(-1)!.data, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
    // An Anthropic error type is kept as it is.
    const kept = sseEventsOf(encodeAnthropicSse([{ type: 'error', status: 500, errorType: 'api_error', message: 'boom' }]));
    assert.deepEqual(kept, [{ event: 'error', data: { type: 'error', error: { type: 'api_error', message: 'boom' } } }]);
  });

  it('events before `start` still open the message first; an empty stream is a complete empty message', () => {
    const events = sseEventsOf(
      encodeAnthropicSse([
        { type: 'text_delta', text: 'x' },
        { type: 'finish', reason: 'stop' },
      ]),
    );
    assert.deepEqual(
      events.map((e) => e.event),
      ['message_start', 'content_block_start', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop'],
    );
    const empty = sseEventsOf(
      encodeAnthropicSse([
        { type: 'start', id: 'msg_0', model: 'm' },
        { type: 'finish', reason: 'stop' },
      ]),
    );
    assert.deepEqual(
      empty.map((e) => e.event),
      ['message_start', 'message_delta', 'message_stop'],
    );
  });

  it('a signature-only thinking block (no visible text) is a thinking block with only its signature', () => {
    const events = sseEventsOf(
      encodeAnthropicSse([
        { type: 'start', id: 'msg_s', model: 'm' },
        { type: 'reasoning_delta', signature: 'only-sig' },
        { type: 'reasoning_end' },
        { type: 'text_delta', text: 'ok' },
        { type: 'finish', reason: 'stop' },
      ]),
    );
    assert.deepEqual(
      events.slice(1, 4).map((e) => e.data),
      [
        { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '', signature: '' } },
        { type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'only-sig' } },
        { type: 'content_block_stop', index: 0 },
      ],
    );
  });

  it('arguments of a tool call whose block already closed cannot follow (dropped and reported)', () => {
    const ctx = codecContext();
    const out = encodeAnthropicSse(
      [
        { type: 'start', id: 'msg_i', model: 'm' },
        { type: 'tool_call_start', index: 0, id: 'a', name: 'f' },
        { type: 'tool_call_start', index: 1, id: 'b', name: 'g' },
        { type: 'tool_call_delta', index: 0, argumentsDelta: '{"late":1}' },
        { type: 'finish', reason: 'tool_calls' },
      ],
      ctx,
    );
    assert.ok(!out.includes('late'));
    assert.equal(ctx.droppedFields.length, 1);
  });
});

describe('round trips: fixture → decoder → encoder → decoder', () => {
  for (const file of streamFixtures) {
    it(file, () => {
      const original = anthropicFixtureSse(file);
      const ir = plain(decodeAnthropicSse(original));
      const again = plain(decodeAnthropicSse(encodeAnthropicSse(ir, codecContext(modelOf(original)))));
      // The encoder always writes the cache counters (0 where the upstream left them out).
      const expected = ir.map((e) =>
        e.type === 'usage'
          ? {
              ...e,
              usage: {
                ...e.usage,
                cachedInputTokens: e.usage.cachedInputTokens ?? 0,
                cacheCreationInputTokens: e.usage.cacheCreationInputTokens ?? 0,
              },
            }
          : e,
      );
      assert.deepEqual(again, expected);
    });
  }
});

/** Anthropic's events minus keep-alive pings and deltas that carry nothing (the gateway does not forward either). */
function meaningfulEvents(sse: string): string[] {
  return sseEventsOf(sse)
    .filter((e) => {
      if (e.event === 'ping') return false;
      if (e.event !== 'content_block_delta') return true;
      const d = e.data.delta as Record<string, unknown>;
      return [d.text, d.thinking, d.partial_json, d.signature].some((v) => typeof v === 'string' && v.length > 0);
    })
    .map((e) => e.event!);
}

describe('the official @anthropic-ai/sdk MessageStream reads what the encoder writes', () => {
  for (const file of streamFixtures) {
    it(file, async () => {
      const original = anthropicFixtureSse(file);
      const model = modelOf(original);
      const fromAnthropic = await sdkFinalMessage(original);
      const fromGateway = await sdkFinalMessage(encodeAnthropicSse(decodeAnthropicSse(original), codecContext(model)));
      assert.deepEqual(fromGateway.message.content, fromAnthropic.message.content);
      assert.equal(fromGateway.message.stop_reason, fromAnthropic.message.stop_reason);
      assert.equal(fromGateway.message.id, fromAnthropic.message.id);
      assert.equal(fromGateway.message.model, model);
      assert.equal(fromGateway.message.usage.output_tokens, fromAnthropic.message.usage.output_tokens);
      assert.equal(fromGateway.message.usage.input_tokens, fromAnthropic.message.usage.input_tokens);
      assert.equal(fromGateway.message.usage.cache_read_input_tokens ?? 0, fromAnthropic.message.usage.cache_read_input_tokens ?? 0);
      const expectedEvents = meaningfulEvents(original);
      // A tool called without arguments: the gateway streams its `{}` as one input_json_delta.
      if (file === 'anthropic-tool-no-args.chunks.txt') expectedEvents.splice(6, 0, 'content_block_delta');
      assert.deepEqual(fromGateway.events, expectedEvents);
    });
  }
});

describe('Anthropic stream decoder beyond the fixtures', () => {
  const frame = (...events: object[]) =>
    events.map((e) => `event: ${(e as { type: string }).type}\ndata: ${JSON.stringify(e)}\n\n`).join('');
  const start = {
    type: 'message_start',
    message: {
      id: 'msg_x',
      model: 'claude-x',
      type: 'message',
      role: 'assistant',
      content: [],
      usage: { input_tokens: 10, output_tokens: 1 },
    },
  };

  it('several tools in one turn: tool calls numbered in order, arguments by index', () => {
    const events = decodeAnthropicSse(
      frame(
        start,
        { type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 'toolu_1', name: 'a', input: {} } },
        { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '{"x":' } },
        { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '1}' } },
        { type: 'content_block_stop', index: 0 },
        { type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 'toolu_2', name: 'b', input: {} } },
        { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"y":2}' } },
        { type: 'content_block_stop', index: 1 },
        { type: 'message_delta', delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 20 } },
        { type: 'message_stop' },
      ),
    );
    assert.deepEqual(plain(events), [
      { type: 'start', id: 'msg_x', model: 'claude-x' },
      { type: 'tool_call_start', index: 0, id: 'toolu_1', name: 'a' },
      { type: 'tool_call_delta', index: 0, argumentsDelta: '{"x":' },
      { type: 'tool_call_delta', index: 0, argumentsDelta: '1}' },
      { type: 'tool_call_end', index: 0 },
      { type: 'tool_call_start', index: 1, id: 'toolu_2', name: 'b' },
      { type: 'tool_call_delta', index: 1, argumentsDelta: '{"y":2}' },
      { type: 'tool_call_end', index: 1 },
      // Cumulative: message_start's input count stays, message_delta's output count wins.
      { type: 'usage', usage: { inputTokens: 10, outputTokens: 20 } },
      { type: 'finish', reason: 'tool_calls', rawReason: 'tool_use' },
    ]);
  });

  it('redacted_thinking → reasoning_delta with redactedData; two signed thinking blocks stay apart', () => {
    const events = decodeAnthropicSse(
      frame(
        start,
        { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '', signature: '' } },
        { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'one' } },
        { type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'S1' } },
        { type: 'content_block_stop', index: 0 },
        { type: 'content_block_start', index: 1, content_block: { type: 'redacted_thinking', data: 'ENCRYPTED' } },
        { type: 'content_block_stop', index: 1 },
        { type: 'content_block_start', index: 2, content_block: { type: 'thinking', thinking: '', signature: '' } },
        { type: 'content_block_delta', index: 2, delta: { type: 'signature_delta', signature: 'S2' } },
        { type: 'content_block_stop', index: 2 },
        {
          type: 'message_delta',
          delta: { stop_reason: 'end_turn' },
          usage: { output_tokens: 9, output_tokens_details: { thinking_tokens: 7 } },
        },
        { type: 'message_stop' },
      ),
    );
    assert.deepEqual(plain(events), [
      { type: 'start', id: 'msg_x', model: 'claude-x' },
      { type: 'reasoning_delta', text: 'one' },
      { type: 'reasoning_delta', signature: 'S1' },
      { type: 'reasoning_end' },
      { type: 'reasoning_delta', redactedData: 'ENCRYPTED' },
      { type: 'reasoning_end' },
      { type: 'reasoning_delta', signature: 'S2' },
      { type: 'reasoning_end' },
      { type: 'usage', usage: { inputTokens: 10, outputTokens: 9, reasoningTokens: 7 } },
      { type: 'finish', reason: 'stop', rawReason: 'end_turn' },
    ]);
  });

  it('ping and unknown event types are ignored; a mid-stream error event becomes an IR error and ends decoding', () => {
    const events = decodeAnthropicSse(
      frame(
        start,
        { type: 'ping' },
        { type: 'future_event', foo: 1 },
        { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
        { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hi' } },
        { type: 'content_block_delta', index: 0, delta: { type: 'future_delta', x: 1 } },
        { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } },
        { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'never' } },
      ),
    );
    assert.deepEqual(plain(events), [
      { type: 'start', id: 'msg_x', model: 'claude-x' },
      { type: 'text_delta', text: 'Hi' },
      { type: 'error', status: 529, errorType: 'overloaded_error', message: 'Overloaded' },
    ]);
  });

  it('a stream that ends before its message is complete ends with an error', () => {
    const events = decodeAnthropicSse(
      frame(
        start,
        { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
        {
          type: 'content_block_delta',
          index: 0,
          delta: { type: 'text_delta', text: 'cut' },
        },
      ),
    );
    assert.equal(events.at(-1)!.type, 'error');
    assert.equal((events.at(-1) as { status: number }).status, 502);
  });

  it('pause_turn, stop_sequence and max_tokens stop reasons', () => {
    for (const [raw, reason] of [
      ['pause_turn', 'stop'],
      ['stop_sequence', 'stop'],
      ['max_tokens', 'length'],
      ['refusal', 'content_filter'],
      ['end_turn', 'stop'],
      ['tool_use', 'tool_calls'],
    ] as const) {
      const events = decodeAnthropicSse(
        frame(start, { type: 'message_delta', delta: { stop_reason: raw }, usage: { output_tokens: 1 } }, { type: 'message_stop' }),
      );
      assert.deepEqual(events.at(-1), { type: 'finish', reason, rawReason: raw });
    }
  });
});
