/* eslint-disable @typescript-eslint/no-explicit-any -- tests poke into parsed JSON chunks */
import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSseParser, type CodecContext, type IrStreamEvent, type SseEvent } from '@switchyard/kernel';
import { createOpenAIChatStreamDecoder, createOpenAIChatStreamEncoder } from '@switchyard/plugin-openai';
import { readFixtureLines } from '../../../test/dist/helpers/fake-upstream.js';
import { parseSse } from '../../../test/dist/helpers/sse.js';

const ctx = (includeUsage?: boolean): CodecContext => ({ clientModel: 'virtual-x', requestId: 'req-s', includeUsage, dropped: () => {} });

/** All IR events from SSE events, end() included. */
function decodeAll(events: SseEvent[]): IrStreamEvent[] {
  const decoder = createOpenAIChatStreamDecoder(ctx());
  return [...events.flatMap((e) => decoder.push(e)), ...decoder.end()];
}

/** A fixture replayed as OpenAI sends it: one data event per line, then [DONE]. */
const fixtureEvents = (name: string): SseEvent[] => [
  ...readFixtureLines(`openai-chat/${name}`).map((data) => ({ data })),
  { data: '[DONE]' },
];

/** What the fixture's lines say, read independently of the decoder. */
function fixtureContent(name: string): { text: string; reasoning: string; args: string } {
  const out = { text: '', reasoning: '', args: '' };
  for (const line of readFixtureLines(`openai-chat/${name}`)) {
    for (const c of JSON.parse(line).choices) {
      out.text += c.delta.content ?? '';
      out.reasoning += c.delta.reasoning_content ?? '';
      for (const tc of c.delta.tool_calls ?? []) out.args += tc.function?.arguments ?? '';
    }
  }
  return out;
}

const ofType = <T extends IrStreamEvent['type']>(events: IrStreamEvent[], type: T) =>
  events.filter((e): e is Extract<IrStreamEvent, { type: T }> => e.type === type);
const joined = (events: IrStreamEvent[], type: 'text_delta' | 'reasoning_delta') =>
  events.map((e) => (e.type === type ? (e.text ?? '') : '')).join('');
/** The event types with runs of the same type collapsed: the shape of the stream. */
const shape = (events: IrStreamEvent[]) => events.map((e) => e.type).filter((t, i, all) => t !== all[i - 1]);

describe('openai.chat codec: stream decoder on recorded fixtures', () => {
  it('openai-text: start, text deltas, finish, then the usage chunk', () => {
    const events = decodeAll(fixtureEvents('openai-text.chunks.txt'));
    assert.deepEqual(shape(events), ['start', 'text_delta', 'finish', 'usage']);
    assert.deepEqual(events[0], {
      type: 'start',
      id: 'chatcmpl-D8Z5oo6uDh67AD85p73ksdT1KxhE0',
      model: 'gpt-4.1-nano-2025-04-14',
      created: 1770933892,
    });
    const text = joined(events, 'text_delta');
    // The streamed recording is a different generation from openai-text.json: compare with its own lines.
    assert.equal(text, fixtureContent('openai-text.chunks.txt').text);
    assert.ok(text.startsWith('**Holiday Name:** Harmony Day'));
    assert.deepEqual(ofType(events, 'finish'), [{ type: 'finish', reason: 'stop', rawReason: 'stop' }]);
    assert.deepEqual(ofType(events, 'usage'), [
      { type: 'usage', usage: { inputTokens: 16, outputTokens: 300, cachedInputTokens: 0, reasoningTokens: 0 } },
    ]);
  });

  it('deepseek-reasoning: reasoning deltas, reasoning_end, then text; usage with reasoning tokens', () => {
    const events = decodeAll(fixtureEvents('deepseek-reasoning.chunks.txt'));
    assert.deepEqual(shape(events), ['start', 'reasoning_delta', 'reasoning_end', 'text_delta', 'finish', 'usage']);
    const { text, reasoning } = fixtureContent('deepseek-reasoning.chunks.txt');
    assert.equal(joined(events, 'reasoning_delta'), reasoning);
    assert.ok(reasoning.startsWith('We need to count the number of the letter "r"'));
    assert.equal(joined(events, 'text_delta'), text);
    assert.equal(text, 'The word "strawberry" contains three "r"s.');
    assert.ok(
      events.every((e) => (e.type !== 'text_delta' && e.type !== 'reasoning_delta') || (e.text ?? '') !== ''),
      'no empty deltas',
    );
    assert.deepEqual(ofType(events, 'usage')[0]!.usage, { inputTokens: 18, outputTokens: 219, cachedInputTokens: 0, reasoningTokens: 205 });
    assert.deepEqual(events.at(-2), { type: 'finish', reason: 'stop', rawReason: 'stop' });
  });

  it('deepseek-tool-call: reasoning, then tool_call_start / deltas / end with the id, name and whole arguments', () => {
    const events = decodeAll(fixtureEvents('deepseek-tool-call.chunks.txt'));
    assert.deepEqual(shape(events), [
      'start',
      'reasoning_delta',
      'reasoning_end',
      'tool_call_start',
      'tool_call_delta',
      'tool_call_end',
      'finish',
      'usage',
    ]);
    assert.deepEqual(ofType(events, 'tool_call_start'), [
      { type: 'tool_call_start', index: 0, id: 'call_00_ioIn7yN9p1ZOMNpDLwd4MgAF', name: 'weather' },
    ]);
    const args = ofType(events, 'tool_call_delta')
      .map((e) => e.argumentsDelta)
      .join('');
    assert.equal(args, fixtureContent('deepseek-tool-call.chunks.txt').args);
    assert.deepEqual(JSON.parse(args), { location: 'San Francisco' });
    assert.deepEqual(ofType(events, 'tool_call_end'), [{ type: 'tool_call_end', index: 0 }]);
    assert.deepEqual(ofType(events, 'usage')[0]!.usage, {
      inputTokens: 339,
      outputTokens: 83,
      cachedInputTokens: 320,
      reasoningTokens: 39,
    });
    assert.deepEqual(events.at(-2), { type: 'finish', reason: 'tool_calls', rawReason: 'tool_calls' });
  });

  it('decodes the same events from the wire bytes split at arbitrary points (kernel SSE parser)', () => {
    const lines = readFixtureLines('openai-chat/deepseek-tool-call.chunks.txt');
    const wire = Buffer.from(lines.map((l) => `data: ${l}\n\n`).join('') + 'data: [DONE]\n\n');
    const decoder = createOpenAIChatStreamDecoder(ctx());
    const events: IrStreamEvent[] = [];
    const parser = createSseParser((e) => events.push(...decoder.push(e)));
    for (let i = 0; i < wire.length; i += 37) parser.feed(wire.subarray(i, i + 37));
    parser.end();
    events.push(...decoder.end());
    assert.deepEqual(events, decodeAll(fixtureEvents('deepseek-tool-call.chunks.txt')));
  });
});

const chunk = (delta: unknown, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    id: 'c1',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'm',
    choices: [{ index: 0, delta, finish_reason: null }],
    ...extra,
  });

describe('openai.chat codec: stream decoder edge cases', () => {
  it('several tool calls: a new index ends the previous call; arguments before the name wait for it', () => {
    const events = decodeAll([
      { data: chunk({ role: 'assistant', content: null }) },
      { data: chunk({ tool_calls: [{ index: 0, id: 'a', type: 'function', function: { name: 'f', arguments: '{"x":' } }] }) },
      { data: chunk({ tool_calls: [{ index: 0, function: { arguments: '1}' } }] }) },
      { data: chunk({ tool_calls: [{ index: 1, id: 'b', function: { arguments: '{' } }] }) },
      { data: chunk({ tool_calls: [{ index: 1, function: { name: 'g', arguments: '}' } }] }) },
      {
        data: JSON.stringify({
          id: 'c1',
          choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }],
          usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 },
        }),
      },
      { data: '[DONE]' },
    ]);
    assert.deepEqual(events.slice(1), [
      { type: 'tool_call_start', index: 0, id: 'a', name: 'f' },
      { type: 'tool_call_delta', index: 0, argumentsDelta: '{"x":' },
      { type: 'tool_call_delta', index: 0, argumentsDelta: '1}' },
      { type: 'tool_call_end', index: 0 },
      { type: 'tool_call_start', index: 1, id: 'b', name: 'g' },
      { type: 'tool_call_delta', index: 1, argumentsDelta: '{}' },
      { type: 'tool_call_end', index: 1 },
      { type: 'finish', reason: 'tool_calls', rawReason: 'tool_calls' },
      { type: 'usage', usage: { inputTokens: 3, outputTokens: 4, cachedInputTokens: undefined, reasoningTokens: undefined } },
    ]);
  });

  it('reads vLLM `reasoning` deltas and thinking_blocks signatures / redacted blocks', () => {
    const events = decodeAll([
      { data: chunk({ reasoning: 'a' }) },
      { data: chunk({ reasoning_content: 'b', thinking_blocks: [{ type: 'thinking', thinking: 'ab', signature: 'S' }] }) },
      { data: chunk({ thinking_blocks: [{ type: 'redacted_thinking', data: 'R' }] }) },
      { data: chunk({ content: 'hi' }) },
      { data: JSON.stringify({ id: 'c1', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }) },
      { data: '[DONE]' },
    ]);
    assert.deepEqual(events.slice(1), [
      { type: 'reasoning_delta', text: 'a' },
      { type: 'reasoning_delta', text: 'b' },
      { type: 'reasoning_delta', signature: 'S' },
      { type: 'reasoning_end' },
      { type: 'reasoning_delta', redactedData: 'R' },
      { type: 'reasoning_end' },
      { type: 'text_delta', text: 'hi' },
      { type: 'finish', reason: 'stop', rawReason: 'stop' },
    ]);
  });

  it('an error chunk becomes an error event and ends decoding', () => {
    const events = decodeAll([
      { data: chunk({ content: 'x' }) },
      { data: JSON.stringify({ error: { message: 'rate limited', type: 'rate_limit_error', code: null } }) },
      { data: chunk({ content: 'ignored' }) },
    ]);
    assert.deepEqual(events.slice(1), [
      { type: 'text_delta', text: 'x' },
      { type: 'error', status: 429, errorType: 'rate_limit_error', message: 'rate limited' },
    ]);
    const vllm = decodeAll([{ data: JSON.stringify({ error: { message: 'bad', type: 'BadRequestError', code: 400 } }) }]);
    assert.deepEqual(vllm, [{ type: 'error', status: 400, errorType: 'BadRequestError', message: 'bad' }]);
  });

  it('a stream that ends without a finish or [DONE] is an error; [DONE] without a finish is finish "other"', () => {
    const truncated = decodeAll([{ data: chunk({ content: 'x' }) }]);
    assert.equal(truncated.at(-1)!.type, 'error');
    assert.equal((truncated.at(-1) as any).status, 502);
    const noReason = decodeAll([{ data: chunk({ content: 'x' }) }, { data: '[DONE]' }]);
    assert.deepEqual(noReason.at(-1), { type: 'finish', reason: 'other' });
    const garbage = decodeAll([{ data: '{not json' }]);
    assert.deepEqual(
      garbage.map((e) => e.type),
      ['error'],
    );
  });

  it('a usage-only chunk with choices: [] starts the stream and reports usage', () => {
    const events = decodeAll([
      { data: JSON.stringify({ id: 'u', model: 'm', choices: [], usage: { prompt_tokens: 1, completion_tokens: 2 } }) },
      { data: '[DONE]' },
    ]);
    assert.deepEqual(
      events.map((e) => e.type),
      ['start', 'usage', 'finish'],
    );
  });
});

/** The scripted IR sequence of a Claude turn: signed and redacted thinking, text, two tool calls. */
const SCRIPT: IrStreamEvent[] = [
  { type: 'start', id: 'msg_1', model: 'claude-real', created: 1700000000 },
  { type: 'reasoning_delta', text: 'Let me ' },
  { type: 'reasoning_delta', text: 'think.' },
  { type: 'reasoning_delta', signature: 'SIG1' },
  { type: 'reasoning_end' },
  { type: 'reasoning_delta', redactedData: 'RD' },
  { type: 'reasoning_end' },
  { type: 'text_delta', text: 'Calling "tools".' },
  { type: 'tool_call_start', index: 3, id: 'toolu_A', name: 'weather' },
  { type: 'tool_call_delta', index: 3, argumentsDelta: '{"city":' },
  { type: 'tool_call_delta', index: 3, argumentsDelta: '"Paris"}' },
  { type: 'tool_call_end', index: 3 },
  { type: 'tool_call_start', index: 4, id: 'toolu_B', name: 'time' },
  { type: 'tool_call_delta', index: 4, argumentsDelta: '{}' },
  { type: 'tool_call_end', index: 4 },
  { type: 'usage', usage: { inputTokens: 50, outputTokens: 20, cachedInputTokens: 10, reasoningTokens: 5 } },
  { type: 'finish', reason: 'tool_calls', rawReason: 'tool_use' },
];

function encodeAll(events: IrStreamEvent[], includeUsage?: boolean): string {
  const encoder = createOpenAIChatStreamEncoder(ctx(includeUsage));
  return events.map((e) => encoder.push(e)).join('') + encoder.end();
}

/** The exact bytes OpenAI would send for SCRIPT. */
function expected(includeUsage: boolean): string {
  const head = '{"id":"msg_1","object":"chat.completion.chunk","created":1700000000,"model":"virtual-x","choices":[{"index":0,"delta":';
  const tail = (finish = 'null') => `,"logprobs":null,"finish_reason":${finish}}]${includeUsage ? ',"usage":null' : ''}}`;
  const deltas = [
    '{"role":"assistant","content":""}',
    '{"reasoning_content":"Let me "}',
    '{"reasoning_content":"think."}',
    '{"thinking_blocks":[{"type":"thinking","thinking":"Let me think.","signature":"SIG1"}]}',
    '{"thinking_blocks":[{"type":"redacted_thinking","data":"RD"}]}',
    '{"content":"Calling \\"tools\\"."}',
    '{"tool_calls":[{"index":0,"id":"toolu_A","type":"function","function":{"name":"weather","arguments":""}}]}',
    '{"tool_calls":[{"index":0,"function":{"arguments":"{\\"city\\":"}}]}',
    '{"tool_calls":[{"index":0,"function":{"arguments":"\\"Paris\\"}"}}]}',
    '{"tool_calls":[{"index":1,"id":"toolu_B","type":"function","function":{"name":"time","arguments":""}}]}',
    '{"tool_calls":[{"index":1,"function":{"arguments":"{}"}}]}',
  ];
  let out = deltas.map((d) => `data: ${head}${d}${tail()}\n\n`).join('');
  out += `data: ${head}{}${tail('"tool_calls"')}\n\n`;
  if (includeUsage) {
    out +=
      'data: {"id":"msg_1","object":"chat.completion.chunk","created":1700000000,"model":"virtual-x","choices":[],' +
      '"usage":{"prompt_tokens":50,"completion_tokens":20,"total_tokens":70,"prompt_tokens_details":{"cached_tokens":10},' +
      '"completion_tokens_details":{"reasoning_tokens":5}}}\n\n';
  }
  return out + 'data: [DONE]\n\n';
}

describe('openai.chat codec: stream encoder', () => {
  it('writes exactly the chunks OpenAI would, with the usage chunk when the client asked for it', () => {
    assert.equal(encodeAll(SCRIPT, true), expected(true));
  });

  it('leaves out the usage chunk (and usage: null) when the client did not ask', () => {
    assert.equal(encodeAll(SCRIPT), expected(false));
    assert.ok(!encodeAll(SCRIPT, false).includes('"usage"'));
  });

  it('every chunk is valid JSON with the same id, created and the client model', () => {
    const chunks = parseSse(encodeAll(SCRIPT, true))
      .map((e) => e.data)
      .filter((d) => d !== '[DONE]')
      .map((d) => JSON.parse(d));
    assert.equal(chunks.length, 13);
    for (const c of chunks) {
      assert.equal(c.id, 'msg_1');
      assert.equal(c.created, 1700000000);
      assert.equal(c.model, 'virtual-x');
      assert.equal(c.object, 'chat.completion.chunk');
    }
  });

  it('an error event ends the stream with an OpenAI error event and no [DONE]', () => {
    const out = encodeAll([
      { type: 'start', id: 'm', model: 'x', created: 5 },
      { type: 'text_delta', text: 'partial' },
      { type: 'error', status: 529, errorType: 'overloaded_error', message: 'Overloaded' },
      { type: 'text_delta', text: 'after' },
      { type: 'finish', reason: 'stop' },
    ]);
    const events = parseSse(out);
    assert.equal(events.length, 3);
    assert.deepEqual(JSON.parse(events[2]!.data), { error: { message: 'Overloaded', type: 'server_error', param: null, code: null } });
    assert.ok(!out.includes('[DONE]'));
    assert.ok(out.endsWith('}}\n\n'));
  });

  it('maps error kinds and statuses to OpenAI error types', () => {
    const typeOf = (e: IrStreamEvent) => JSON.parse(parseSse(encodeAll([e]))[0]!.data).error.type;
    assert.equal(typeOf({ type: 'error', status: 429, errorType: 'rate_limit_error', message: 'slow down' }), 'rate_limit_error');
    assert.equal(typeOf({ type: 'error', status: 400, errorType: 'invalid_request', message: 'bad' }), 'invalid_request_error');
    assert.equal(typeOf({ type: 'error', status: 500, errorType: 'api_error', message: 'oops' }), 'server_error');
  });

  it('starts with a generated id when events arrive before start; an empty stream is just [DONE]', () => {
    const out = encodeAll([
      { type: 'text_delta', text: 'hi' },
      { type: 'finish', reason: 'stop' },
    ]);
    const first = JSON.parse(parseSse(out)[0]!.data);
    assert.equal(first.id, 'chatcmpl-req-s');
    assert.deepEqual(first.choices[0].delta, { role: 'assistant', content: '' });
    assert.equal(encodeAll([]), 'data: [DONE]\n\n');
  });

  it('round trip: the encoded stream decodes back to the scripted events (tool indexes renumbered from 0)', () => {
    const decoded = decodeAll(parseSse(encodeAll(SCRIPT, true)));
    assert.deepEqual(decoded, [
      { type: 'start', id: 'msg_1', model: 'virtual-x', created: 1700000000 },
      { type: 'reasoning_delta', text: 'Let me ' },
      { type: 'reasoning_delta', text: 'think.' },
      { type: 'reasoning_delta', signature: 'SIG1' },
      { type: 'reasoning_end' },
      { type: 'reasoning_delta', redactedData: 'RD' },
      { type: 'reasoning_end' },
      { type: 'text_delta', text: 'Calling "tools".' },
      { type: 'tool_call_start', index: 0, id: 'toolu_A', name: 'weather' },
      { type: 'tool_call_delta', index: 0, argumentsDelta: '{"city":' },
      { type: 'tool_call_delta', index: 0, argumentsDelta: '"Paris"}' },
      { type: 'tool_call_end', index: 0 },
      { type: 'tool_call_start', index: 1, id: 'toolu_B', name: 'time' },
      { type: 'tool_call_delta', index: 1, argumentsDelta: '{}' },
      { type: 'tool_call_end', index: 1 },
      { type: 'finish', reason: 'tool_calls', rawReason: 'tool_calls' },
      { type: 'usage', usage: { inputTokens: 50, outputTokens: 20, cachedInputTokens: 10, reasoningTokens: 5 } },
    ]);
  });

  it('round trip: a recorded DeepSeek stream decoded, encoded and decoded again keeps every delta', () => {
    const first = decodeAll(fixtureEvents('deepseek-tool-call.chunks.txt'));
    const again = decodeAll(parseSse(encodeAll(first, true)));
    const content = (events: IrStreamEvent[]) => events.filter((e) => e.type !== 'start');
    assert.deepEqual(content(again), content(first));
  });
});
