/**
 * The google.generate-content codec's response side beyond the recorded fixtures: thought parts
 * as reasoning, finishReason and usage tables, a blocked prompt, mid-stream errors, a stream cut
 * before its finish, arguments streamed as partialArgs with nested JSON paths.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GatewayError, type IrStreamEvent } from '@switchyard/kernel';
import {
  applyGeminiPartialArg,
  decodeGeminiFinishReason,
  decodeGeminiUsage,
  googleGenerateContentCodec,
  parseGeminiJsonPath,
} from '@switchyard/plugin-vertex';
import { codecContext, plain } from '../../../test/dist/helpers/anthropic-codec.js';
import { decodeGeminiSse, geminiSse } from '../../../test/dist/helpers/gemini-codec.js';

const decode = (body: unknown) => plain(googleGenerateContentCodec.decodeResponse!(body, codecContext()));
const chunk = (parts: object[], extra: object = {}) => ({
  candidates: [{ content: { role: 'model', parts }, index: 0, ...extra }],
  responseId: 'r1',
  modelVersion: 'gemini-2.5-pro',
});

describe('google.generate-content decodeResponse / stream decoder', () => {
  it('thought parts → reasoning (their signature kept); text; the answer signature joins the reasoning', () => {
    const ir = decode({
      candidates: [
        {
          content: {
            role: 'model',
            parts: [
              { text: 'Let me count.', thought: true },
              { text: 'Three.', thoughtSignature: 'sig-1' },
            ],
          },
          finishReason: 'STOP',
        },
      ],
      usageMetadata: {
        promptTokenCount: 10,
        candidatesTokenCount: 2,
        thoughtsTokenCount: 30,
        cachedContentTokenCount: 4,
        totalTokenCount: 42,
      },
      responseId: 'r1',
      modelVersion: 'gemini-2.5-pro',
      createTime: '2025-10-01T00:00:00Z',
    });
    assert.deepEqual(ir, {
      id: 'r1',
      model: 'gemini-2.5-pro',
      created: Math.floor(Date.parse('2025-10-01T00:00:00Z') / 1000),
      parts: [
        { type: 'reasoning', text: 'Let me count.', signature: 'sig-1', providerMetadata: { google: { thoughtSignature: 'sig-1' } } },
        { type: 'text', text: 'Three.' },
      ],
      finishReason: 'stop',
      rawFinishReason: 'STOP',
      usage: { inputTokens: 10, outputTokens: 32, cachedInputTokens: 4, reasoningTokens: 30 },
    });
  });

  it('streamed thought parts → reasoning deltas before the text', () => {
    const events = decodeGeminiSse(
      geminiSse([
        chunk([{ text: 'Hmm', thought: true }]),
        chunk([{ text: ', three.', thought: true }]),
        chunk([{ text: 'Three.' }]),
        chunk([{ text: '', thoughtSignature: 'sig-2' }], { finishReason: 'MAX_TOKENS' }),
      ]),
    );
    assert.deepEqual(plain(events), [
      { type: 'start', id: 'r1', model: 'gemini-2.5-pro' },
      { type: 'reasoning_delta', text: 'Hmm' },
      { type: 'reasoning_delta', text: ', three.' },
      { type: 'text_delta', text: 'Three.' },
      { type: 'reasoning_delta', signature: 'sig-2' },
      { type: 'finish', reason: 'length', rawReason: 'MAX_TOKENS' },
    ]);
  });

  it('finishReason table', () => {
    const table: Array<[string | undefined, boolean, string]> = [
      ['STOP', false, 'stop'],
      ['STOP', true, 'tool_calls'],
      [undefined, true, 'tool_calls'],
      ['MAX_TOKENS', false, 'length'],
      ['MAX_TOKENS', true, 'length'],
      ['SAFETY', false, 'content_filter'],
      ['RECITATION', false, 'content_filter'],
      ['BLOCKLIST', false, 'content_filter'],
      ['PROHIBITED_CONTENT', false, 'content_filter'],
      ['SPII', false, 'content_filter'],
      ['IMAGE_SAFETY', false, 'content_filter'],
      ['MALFORMED_FUNCTION_CALL', false, 'error'],
      ['OTHER', false, 'other'],
      ['FINISH_REASON_UNSPECIFIED', false, 'other'],
    ];
    for (const [raw, calls, expected] of table) assert.equal(decodeGeminiFinishReason(raw, calls), expected, `${raw} ${calls}`);
  });

  it('usage: output = candidates + thoughts; cached and tool-use prompt tokens reported', () => {
    assert.deepEqual(
      decodeGeminiUsage({
        promptTokenCount: 100,
        candidatesTokenCount: 20,
        thoughtsTokenCount: 5,
        cachedContentTokenCount: 60,
        toolUsePromptTokenCount: 7,
      }),
      {
        inputTokens: 107,
        outputTokens: 25,
        cachedInputTokens: 60,
        reasoningTokens: 5,
      },
    );
    assert.deepEqual(decodeGeminiUsage({ promptTokenCount: 3, candidatesTokenCount: 1 }), { inputTokens: 3, outputTokens: 1 });
  });

  it('a blocked prompt (promptFeedback.blockReason) is a clear 400, streamed or not', () => {
    const blocked = {
      promptFeedback: { blockReason: 'PROHIBITED_CONTENT', blockReasonMessage: 'The prompt was blocked.' },
      usageMetadata: { promptTokenCount: 5 },
      responseId: 'rb',
    };
    assert.throws(
      () => googleGenerateContentCodec.decodeResponse!(blocked, codecContext()),
      (err: unknown) =>
        err instanceof GatewayError &&
        err.status === 400 &&
        err.code === 'content_filter' &&
        /blocked the prompt \(blockReason PROHIBITED_CONTENT\): The prompt was blocked/.test(err.message),
    );
    const events = decodeGeminiSse(geminiSse([blocked]));
    assert.equal(events.length, 2);
    assert.deepEqual(events[0], { type: 'start', id: 'rb', model: '' });
    const error = events[1] as Extract<IrStreamEvent, { type: 'error' }>;
    assert.equal(error.type, 'error');
    assert.equal(error.status, 400);
    assert.match(error.message, /blockReason PROHIBITED_CONTENT/);
  });

  it("an error event mid-stream ends decoding with Google's status and message", () => {
    const events = decodeGeminiSse(
      geminiSse([
        chunk([{ text: 'Hel' }]),
        { error: { code: 503, message: 'The model is overloaded.', status: 'UNAVAILABLE' } },
        chunk([{ text: 'lo' }]),
      ]),
    );
    assert.deepEqual(plain(events), [
      { type: 'start', id: 'r1', model: 'gemini-2.5-pro' },
      { type: 'text_delta', text: 'Hel' },
      { type: 'error', status: 503, errorType: 'UNAVAILABLE', message: 'UNAVAILABLE: The model is overloaded.' },
    ]);
  });

  it('a stream that ends without a finishReason is an error; a closed call is still completed first', () => {
    const events = decodeGeminiSse(geminiSse([chunk([{ functionCall: { name: 'f', willContinue: true } }])]));
    assert.deepEqual(plain(events).slice(1), [
      { type: 'tool_call_start', index: 0, id: 'call_r1_0', name: 'f' },
      { type: 'tool_call_delta', index: 0, argumentsDelta: '{}' },
      { type: 'tool_call_end', index: 0 },
      { type: 'error', status: 502, errorType: 'upstream', message: 'the backend ended the stream before it finished' },
    ]);
  });

  it('parts the IR cannot carry (inline images, code execution) are dropped and reported', () => {
    const ctx = codecContext();
    const ir = googleGenerateContentCodec.decodeResponse!(
      chunk([{ text: 'Here:' }, { inlineData: { mimeType: 'image/png', data: 'AAAA' } }, { executableCode: { code: 'print(1)' } }], {
        finishReason: 'STOP',
      }),
      ctx,
    );
    assert.deepEqual(plain(ir.parts), [{ type: 'text', text: 'Here:' }]);
    assert.deepEqual(ctx.droppedFields, ['response part inlineData', 'response part executableCode']);
  });

  it('functionCall.id from Vertex is used as the call id; several calls get distinct ids', () => {
    const ir = decode(
      chunk([{ functionCall: { id: 'fc-7', name: 'a', args: {} } }, { functionCall: { name: 'b', args: { x: 1 } } }], {
        finishReason: 'STOP',
      }),
    );
    assert.deepEqual(
      ir.parts.map((p) => (p.type === 'tool_call' ? [p.id, p.name, p.arguments] : null)),
      [
        ['fc-7', 'a', '{}'],
        ['call_r1_1', 'b', '{"x":1}'],
      ],
    );
    assert.equal(ir.finishReason, 'tool_calls');
  });
});

describe('streamed function-call arguments (partialArgs)', () => {
  it('JSON paths: dotted keys, indexes, quoted keys', () => {
    assert.deepEqual(parseGeminiJsonPath('$.a.b'), ['a', 'b']);
    assert.deepEqual(parseGeminiJsonPath('$.items[2].name'), ['items', 2, 'name']);
    assert.deepEqual(parseGeminiJsonPath("$['odd key'].x"), ['odd key', 'x']);
    assert.equal(parseGeminiJsonPath('a.b'), null);
  });

  it('values of every kind land at their path; strings continue across chunks', () => {
    const args = {};
    for (const p of [
      { jsonPath: '$.query', stringValue: 'weather in ', willContinue: true },
      { jsonPath: '$.query', stringValue: 'Boston' },
      { jsonPath: '$.limit', numberValue: 3 },
      { jsonPath: '$.filters.metric', boolValue: true },
      { jsonPath: '$.cities[0]', stringValue: 'Boston' },
      { jsonPath: '$.cities[1]', stringValue: 'Paris' },
      { jsonPath: '$.cursor', nullValue: 'NULL_VALUE' },
    ]) {
      assert.ok(applyGeminiPartialArg(args, p));
    }
    assert.deepEqual(args, { query: 'weather in Boston', limit: 3, filters: { metric: true }, cities: ['Boston', 'Paris'], cursor: null });
  });

  it('a streamed call: start at its name, arguments assembled, one delta when it closes', () => {
    const events = decodeGeminiSse(
      geminiSse([
        chunk([{ functionCall: { name: 'search', willContinue: true }, thoughtSignature: 's' }]),
        chunk([{ functionCall: { partialArgs: [{ jsonPath: '$.q', stringValue: 'a', willContinue: true }], willContinue: true } }]),
        chunk([
          {
            functionCall: {
              partialArgs: [
                { jsonPath: '$.q', stringValue: 'b' },
                { jsonPath: '$.n', numberValue: 2 },
              ],
              willContinue: true,
            },
          },
        ]),
        chunk([{ functionCall: {} }], { finishReason: 'STOP' }),
      ]),
      codecContext(),
      3,
    );
    assert.deepEqual(plain(events).slice(1), [
      { type: 'tool_call_start', index: 0, id: 'call_r1_0', name: 'search', providerMetadata: { google: { thoughtSignature: 's' } } },
      { type: 'tool_call_delta', index: 0, argumentsDelta: '{"q":"ab","n":2}' },
      { type: 'tool_call_end', index: 0 },
      { type: 'finish', reason: 'tool_calls', rawReason: 'STOP' },
    ]);
  });
});
