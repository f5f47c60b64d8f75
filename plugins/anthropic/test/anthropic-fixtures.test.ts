/**
 * Every recorded Anthropic fixture (plugins/anthropic/test/fixtures/anthropic/) through the anthropic.messages
 * codec's backend side: `*.chunks.txt` replayed event by event through the stream decoder (the IR
 * event sequence asserted in full), `*.json` through decodeResponse.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { createSseParser, type IrResponse, type IrStreamEvent } from '@switchyard/kernel';
import { anthropicMessagesCodec } from '@switchyard/plugin-anthropic';
import { fixtureFolder, readFixtureJson } from '../../../test/dist/helpers/fake-upstream.js';
import { anthropicFixtureSse, codecContext, decodeAnthropicSse, plain } from '../../../test/dist/helpers/anthropic-codec.js';

const CLEAR_THINKING_SIGNATURE =
  'EvQBCkYICxgCKkAxhD4NUKFzudtZ6NzbZdEiBACIScTzqjPViM596iWLZIk4EFKYYBj3B6Ptl3b0dcQv/VeJBNbejNWIWRBn+KPNEgz6HWtKx7p+QRgKsEoaDGjsiqfht7gTRFYHiyIwD1VSmNqHxv3wy8KEMP+LYb/TC4UH3H97tuoaADARFFcA0phdfxnzKQxFnc9lwY+dKlzUsaKSUAFeu1bDL5ikZJ1vL0Fkz6JjoFke0L/wOJRIUDUlDUOFJ1tZ3ea7g6LGE/5hwuvWgLwewdcm64d+43l7F57XrOmqNd6flI2K/oPr/4yzNgvi/EhT6Ca17BgB';

/** The IR each streamed fixture decodes to, event by event. */
export const EXPECTED_STREAMS: Record<string, IrStreamEvent[]> = {
  'anthropic-text.chunks.txt': [
    { type: 'start', id: 'msg_01QC4g3HwBThD4BaNtBckFDJ', model: 'claude-sonnet-4-5-20250929' },
    { type: 'text_delta', text: 'Hello' },
    { type: 'text_delta', text: '! I' },
    { type: 'text_delta', text: "'m doing well, thank you for asking" },
    { type: 'text_delta', text: '. How are you doing today?' },
    { type: 'text_delta', text: ' Is' },
    { type: 'text_delta', text: ' there anything I can help you with?' },
    { type: 'usage', usage: { inputTokens: 12, outputTokens: 30, cachedInputTokens: 0, cacheCreationInputTokens: 0 } },
    { type: 'finish', reason: 'stop', rawReason: 'end_turn' },
  ],
  'anthropic-clear-thinking.1.chunks.txt': [
    { type: 'start', id: 'msg_01Y6V41gqPaKWEw7iPouH7iW', model: 'claude-sonnet-4-5-20250929' },
    ...['The previous', ' result', ' was', ' 925.', ' Now', ' I need to divide that', ' by 5.\n\n925', ' ÷ 5 ', '= 185'].map(
      (text): IrStreamEvent => ({ type: 'reasoning_delta', text }),
    ),
    { type: 'reasoning_delta', signature: CLEAR_THINKING_SIGNATURE },
    { type: 'reasoning_end' },
    { type: 'text_delta', text: '925' },
    { type: 'text_delta', text: ' ÷ 5 ' },
    { type: 'text_delta', text: '= 185' },
    { type: 'usage', usage: { inputTokens: 69, outputTokens: 53, cachedInputTokens: 0, cacheCreationInputTokens: 0 } },
    { type: 'finish', reason: 'stop', rawReason: 'end_turn' },
  ],
  'anthropic-json-tool.1.chunks.txt': [
    { type: 'start', id: 'msg_01K2JbSUMYhez5RHoK9ZCj9U', model: 'claude-haiku-4-5-20251001' },
    { type: 'tool_call_start', index: 0, id: 'toolu_01KFbKqPYSuAKujiL6mTfzYA', name: 'json' },
    {
      type: 'tool_call_delta',
      index: 0,
      argumentsDelta: '{"elements": [{"location": "San Francisco", "temperature": 58, "condition": "sunny"}]',
    },
    { type: 'tool_call_delta', index: 0, argumentsDelta: '}' },
    { type: 'tool_call_end', index: 0 },
    { type: 'usage', usage: { inputTokens: 849, outputTokens: 47, cachedInputTokens: 0, cacheCreationInputTokens: 0 } },
    { type: 'finish', reason: 'tool_calls', rawReason: 'tool_use' },
  ],
  // message_delta's usage is cumulative and wins over message_start's (61 input tokens, not 43 or 104).
  'anthropic-message-delta-input-tokens.chunks.txt': [
    { type: 'start', id: 'msg_3196a1cc08de4d76b85b8f5777c0d42b', model: 'claude-opus-4-5-20251101' },
    { type: 'text_delta', text: 'p' },
    { type: 'text_delta', text: 'ong' },
    { type: 'usage', usage: { inputTokens: 61, outputTokens: 2 } },
    { type: 'finish', reason: 'stop', rawReason: 'end_turn' },
  ],
  'anthropic-refusal.chunks.txt': [
    { type: 'start', id: 'msg_01RefusalStreamAbcdefghijk', model: 'claude-fable-5' },
    { type: 'usage', usage: { inputTokens: 18, outputTokens: 5, cachedInputTokens: 0, cacheCreationInputTokens: 0 } },
    { type: 'finish', reason: 'content_filter', rawReason: 'refusal' },
  ],
  // A tool called without arguments streams only an empty input_json_delta: its arguments are `{}`.
  'anthropic-tool-no-args.chunks.txt': [
    { type: 'start', id: 'msg_01GE2RKp1VYsPzdFs3sS9z5S', model: 'claude-sonnet-4-5-20250929' },
    { type: 'text_delta', text: "I'll update the issue list for" },
    { type: 'text_delta', text: ' you.' },
    { type: 'tool_call_start', index: 0, id: 'toolu_01QE1WLsSVp5hy5Q3GmGTmjP', name: 'updateIssueList' },
    { type: 'tool_call_delta', index: 0, argumentsDelta: '{}' },
    { type: 'tool_call_end', index: 0 },
    { type: 'usage', usage: { inputTokens: 565, outputTokens: 48, cachedInputTokens: 0, cacheCreationInputTokens: 0 } },
    { type: 'finish', reason: 'tool_calls', rawReason: 'tool_use' },
  ],
};

/** What each complete fixture decodes to. */
const EXPECTED_RESPONSES: Record<string, IrResponse> = {
  'anthropic-text.json': {
    id: 'msg_01VdEjxAP5ahtHKrrRdNBteQ',
    model: 'claude-sonnet-4-5-20250929',
    parts: [
      { type: 'text', text: "Hello! I'm doing well, thanks for asking. How are you doing today? Is there anything I can help you with?" },
    ],
    finishReason: 'stop',
    rawFinishReason: 'end_turn',
    usage: { inputTokens: 12, outputTokens: 29, cachedInputTokens: 0, cacheCreationInputTokens: 0 },
  },
  'anthropic-clear-thinking.1.json': {
    id: 'msg_01XrsJCi8CQoLcnnWdY8RsJz',
    model: 'claude-sonnet-4-5-20250929',
    parts: [
      {
        type: 'reasoning',
        text: '925 divided by 5 = 185',
        signature:
          'Er4BCkYICxgCKkCoxqLHLrx4mFL9Ox7/aHKht87WDzXfvZ7qbZKSnHV8imA5b3LXxuVqcXQ9z5sXwDx20JIW/+6DJehOSNK72L83Egx0T9s7VzB6QUK9g5kaDO9lGaWN5CPEDJU0lyIw4+Ed3q4N9w+16h3cfQ+9stJXHCl+1nYDxjIOLcyJT8Ug/LTmtlp4bbxWmmfNicayKiasdReHiOnqz1sKEF0pR4kcnF5mQGdLxk8q3A3NY+wGsH8MtUIqxRgB',
      },
      { type: 'text', text: '925 ÷ 5 = 185' },
    ],
    finishReason: 'stop',
    rawFinishReason: 'end_turn',
    usage: { inputTokens: 69, outputTokens: 33, cachedInputTokens: 0, cacheCreationInputTokens: 0 },
  },
  'anthropic-json-tool.1.json': {
    id: 'msg_0191iYfpERYfS27xLsdW2nbb',
    model: 'claude-haiku-4-5-20251001',
    parts: [
      {
        type: 'tool_call',
        id: 'toolu_01Q9ExVZnzZj7E2QQYHYtNUa',
        name: 'json',
        arguments: JSON.stringify({
          elements: [
            { location: 'San Francisco', temperature: -5, condition: 'snowy' },
            { location: 'London', temperature: 0, condition: 'snowy' },
            { location: 'Paris', temperature: 23, condition: 'cloudy' },
            { location: 'Berlin', temperature: -9, condition: 'snowy' },
          ],
        }),
      },
    ],
    finishReason: 'tool_calls',
    rawFinishReason: 'tool_use',
    usage: { inputTokens: 1151, outputTokens: 87, cachedInputTokens: 0, cacheCreationInputTokens: 0 },
  },
  'anthropic-refusal.json': {
    id: 'msg_01RefusalExampleAbcdefghijk',
    model: 'claude-fable-5',
    parts: [],
    finishReason: 'content_filter',
    rawFinishReason: 'refusal',
    usage: { inputTokens: 18, outputTokens: 5, cachedInputTokens: 0, cacheCreationInputTokens: 0 },
  },
  'anthropic-tool-no-args.json': {
    id: 'msg_01GCBaV8gyWAYgMVggRqZbuQ',
    model: 'claude-3-opus-20240229',
    parts: [
      {
        type: 'text',
        text: '<thinking>\nThe updateIssueList tool was provided in the list of available functions. The tool has no required parameters, so it can be called without any additional information needed from the user.\n</thinking>\n\nOkay, I will update the current issue list:',
      },
      { type: 'tool_call', id: 'toolu_01LRmxn9vGM1d2DZSDBowdZ1', name: 'updateIssueList', arguments: '{}' },
    ],
    finishReason: 'tool_calls',
    rawFinishReason: 'tool_use',
    usage: { inputTokens: 602, outputTokens: 93, cachedInputTokens: 0, cacheCreationInputTokens: 0 },
  },
};

const files = readdirSync(fixtureFolder('anthropic')).sort();

describe('anthropic fixtures → IR', () => {
  it('every fixture in the folder has an expectation here', () => {
    assert.ok(files.length >= 11, `expected the recorded fixtures, found ${files.join(', ')}`);
    for (const f of files) assert.ok(f in EXPECTED_STREAMS || f in EXPECTED_RESPONSES, `no expectation for fixture ${f}`);
  });

  for (const file of files.filter((f) => f.endsWith('.chunks.txt'))) {
    it(`stream decoder: ${file}`, () => {
      const ctx = codecContext();
      const events = decodeAnthropicSse(anthropicFixtureSse(file), ctx);
      assert.deepEqual(plain(events), EXPECTED_STREAMS[file]);
    });

    it(`stream decoder, bytes in 7-byte slices through the kernel's SSE parser: ${file}`, () => {
      const decoder = anthropicMessagesCodec.createStreamDecoder!(codecContext());
      const events: IrStreamEvent[] = [];
      const parser = createSseParser((e) => events.push(...decoder.push(e)));
      const bytes = Buffer.from(anthropicFixtureSse(file));
      for (let at = 0; at < bytes.length; at += 7) parser.feed(bytes.subarray(at, at + 7));
      parser.end();
      events.push(...decoder.end());
      assert.deepEqual(plain(events), EXPECTED_STREAMS[file]);
    });
  }

  for (const file of files.filter((f) => f.endsWith('.json'))) {
    it(`decodeResponse: ${file}`, () => {
      const ctx = codecContext();
      const ir = anthropicMessagesCodec.decodeResponse!(readFixtureJson(`anthropic/${file}`), ctx);
      assert.deepEqual(plain(ir), EXPECTED_RESPONSES[file]);
      assert.deepEqual(ctx.droppedFields, []);
    });
  }
});
