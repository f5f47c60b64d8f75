/**
 * Every recorded Gemini fixture (plugins/vertex/test/fixtures/gemini/) through the google.generate-content
 * codec's backend side: `*.chunks.txt` replayed through the stream decoder (the IR event
 * sequence asserted in full, whole and in 7-byte slices through the kernel's SSE parser),
 * `*.json` through decodeResponse, and the recorded 429 error body through the kernel's upstream
 * error mapping (RetryInfo → retry-after).
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { mapUpstreamHttpError, SecretRedactor, type IrResponse, type IrStreamEvent } from '@switchyard/kernel';
import { decodeGoogleError, googleGenerateContentCodec } from '@switchyard/plugin-vertex';
import { fixtureFolder, fixturePath, readFixtureJson, readFixtureLines } from '../../../test/dist/helpers/fake-upstream.js';
import { codecContext, plain } from '../../../test/dist/helpers/anthropic-codec.js';
import { decodeGeminiSse, geminiFixtureSse } from '../../../test/dist/helpers/gemini-codec.js';
import { readFileSync } from 'node:fs';

/** The thoughtSignature of part `p` of chunk `line` of a streamed fixture. */
function streamSignature(file: string, line: number, p = 0): string {
  const chunk = JSON.parse(readFixtureLines(`gemini/${file}`)[line]!) as {
    candidates: Array<{ content: { parts: Array<{ thoughtSignature: string }> } }>;
  };
  return chunk.candidates[0]!.content.parts[p]!.thoughtSignature;
}

function jsonSignature(file: string): string {
  return readFixtureJson<{ candidates: Array<{ content: { parts: Array<{ thoughtSignature: string }> } }> }>(`gemini/${file}`)
    .candidates[0]!.content.parts[0]!.thoughtSignature;
}

const google = (thoughtSignature: string) => ({ google: { thoughtSignature } });
const created = (iso: string) => Math.floor(Date.parse(iso) / 1000);

const EXPECTED_STREAMS: Record<string, IrStreamEvent[]> = {
  // Gemini 3 puts the answer's signature on a last, empty text part: it becomes the reasoning's signature.
  'google-text.chunks.txt': [
    { type: 'start', id: 'bH6LaZW8Fp_3nsEPqtaSwQ4', model: 'gemini-3-pro-preview' },
    { type: 'text_delta', text: 'There are **3**' },
    { type: 'text_delta', text: ' "r"s in strawberry.\n\nst**r**awbe**rr**y' },
    { type: 'reasoning_delta', signature: streamSignature('google-text.chunks.txt', 2) },
    { type: 'usage', usage: { inputTokens: 9, outputTokens: 23 + 185, reasoningTokens: 185 } },
    { type: 'finish', reason: 'stop', rawReason: 'STOP' },
  ],
  // Output tokens = candidates + thoughts (Gemini bills thinking as output).
  'google-reasoning.chunks.txt': [
    { type: 'start', id: 'dX6LadKVC7SZ28oPr9yJoQs', model: 'gemini-3-pro-preview' },
    { type: 'text_delta', text: 'There are **3** "r"s in' },
    { type: 'text_delta', text: ' strawberry.\n\nHere is the breakdown: st**r**awbe**rr**y.' },
    { type: 'reasoning_delta', signature: streamSignature('google-reasoning.chunks.txt', 2) },
    { type: 'usage', usage: { inputTokens: 9, outputTokens: 29 + 256, reasoningTokens: 256 } },
    { type: 'finish', reason: 'stop', rawReason: 'STOP' },
  ],
  // A function call has no id: a stable one from the responseId; its thoughtSignature rides on the call.
  'google-tool-call.chunks.txt': [
    { type: 'start', id: 'b36LacjwM668nsEP2tbsgQQ', model: 'gemini-3-pro-preview' },
    {
      type: 'tool_call_start',
      index: 0,
      id: 'call_b36LacjwM668nsEP2tbsgQQ_0',
      name: 'weather',
      providerMetadata: google(streamSignature('google-tool-call.chunks.txt', 0)),
    },
    { type: 'tool_call_delta', index: 0, argumentsDelta: '{"location":"San Francisco"}' },
    { type: 'tool_call_end', index: 0 },
    { type: 'usage', usage: { inputTokens: 29, outputTokens: 15 + 45, reasoningTokens: 45 } },
    { type: 'finish', reason: 'tool_calls', rawReason: 'STOP' },
  ],
  // Gemini 3.1 streams a call's arguments as partialArgs (JSON paths, willContinue); `functionCall: {}` closes the call.
  'google-stream-tool-call-arguments.chunks.txt': [
    { type: 'start', id: 'dqHOab6xGLzWodAPkPuViA4', model: 'gemini-3.1-pro-preview', created: created('2026-04-02T17:03:50.399550Z') },
    {
      type: 'tool_call_start',
      index: 0,
      id: 'call_dqHOab6xGLzWodAPkPuViA4_0',
      name: 'getWeather',
      providerMetadata: google(streamSignature('google-stream-tool-call-arguments.chunks.txt', 0)),
    },
    { type: 'tool_call_delta', index: 0, argumentsDelta: '{"location":"Boston"}' },
    { type: 'tool_call_end', index: 0 },
    { type: 'tool_call_start', index: 1, id: 'call_dqHOab6xGLzWodAPkPuViA4_1', name: 'getWeather' },
    { type: 'tool_call_delta', index: 1, argumentsDelta: '{"location":"San Francisco"}' },
    { type: 'tool_call_end', index: 1 },
    { type: 'usage', usage: { inputTokens: 26, outputTokens: 23 + 132, reasoningTokens: 132 } },
    { type: 'finish', reason: 'tool_calls', rawReason: 'STOP' },
  ],
};

const EXPECTED_RESPONSES: Record<string, IrResponse> = {
  'google-text.json': {
    id: 'Un6LacrVMcjUxs0PmJfWoQc',
    model: 'gemini-3-pro-preview',
    parts: [
      {
        type: 'reasoning',
        text: '',
        signature: jsonSignature('google-text.json'),
        providerMetadata: google(jsonSignature('google-text.json')),
      },
      { type: 'text', text: "There are **3** r's in strawberry.\n\nHere is the breakdown: st**r**awbe**rr**y." },
    ],
    finishReason: 'stop',
    rawFinishReason: 'STOP',
    usage: { inputTokens: 9, outputTokens: 28 + 244, reasoningTokens: 244 },
  },
  'google-reasoning.json': {
    id: 'YH6LaZT7ENmPxN8P-r2J8Aw',
    model: 'gemini-3-pro-preview',
    parts: [
      {
        type: 'reasoning',
        text: '',
        signature: jsonSignature('google-reasoning.json'),
        providerMetadata: google(jsonSignature('google-reasoning.json')),
      },
      { type: 'text', text: 'There are **3** "r"s in strawberry.\n\nHere is the breakdown: st**r**awbe**rr**y.' },
    ],
    finishReason: 'stop',
    rawFinishReason: 'STOP',
    usage: { inputTokens: 9, outputTokens: 29 + 282, reasoningTokens: 282 },
  },
  'google-tool-call.json': {
    id: 'm36LaZGyCLz1xs0PtNSB-QU',
    model: 'gemini-3-pro-preview',
    parts: [
      {
        type: 'tool_call',
        id: 'call_m36LaZGyCLz1xs0PtNSB-QU_0',
        name: 'weather',
        arguments: '{"location":"San Francisco"}',
        providerMetadata: google(jsonSignature('google-tool-call.json')),
      },
    ],
    finishReason: 'tool_calls',
    rawFinishReason: 'STOP',
    usage: { inputTokens: 29, outputTokens: 15 + 893, reasoningTokens: 893 },
  },
};

const ERROR_FIXTURES = new Set(['google-429-retry-info.json']);

const files = readdirSync(fixtureFolder('gemini')).sort();

describe('gemini fixtures → IR', () => {
  it('every fixture in the folder has an expectation here', () => {
    assert.ok(files.length >= 8, `expected the recorded fixtures, found ${files.join(', ')}`);
    for (const f of files)
      assert.ok(f in EXPECTED_STREAMS || f in EXPECTED_RESPONSES || ERROR_FIXTURES.has(f), `no expectation for fixture ${f}`);
  });

  for (const file of files.filter((f) => f.endsWith('.chunks.txt'))) {
    it(`stream decoder: ${file}`, () => {
      const ctx = codecContext();
      assert.deepEqual(plain(decodeGeminiSse(geminiFixtureSse(file), ctx)), EXPECTED_STREAMS[file]);
      assert.deepEqual(ctx.droppedFields, []);
    });

    it(`stream decoder, bytes in 7-byte slices through the kernel's SSE parser: ${file}`, () => {
      assert.deepEqual(plain(decodeGeminiSse(geminiFixtureSse(file), codecContext(), 7)), EXPECTED_STREAMS[file]);
    });

    it(`stream decoder, LF framing instead of CRLF: ${file}`, () => {
      const lf = geminiFixtureSse(file).replaceAll('\r\n', '\n');
      assert.deepEqual(plain(decodeGeminiSse(lf, codecContext(), 5)), EXPECTED_STREAMS[file]);
    });
  }

  for (const file of files.filter((f) => f.endsWith('.json') && !ERROR_FIXTURES.has(f))) {
    it(`decodeResponse: ${file}`, () => {
      const ctx = codecContext();
      const ir = googleGenerateContentCodec.decodeResponse!(readFixtureJson(`gemini/${file}`), ctx);
      assert.deepEqual(plain(ir), EXPECTED_RESPONSES[file]);
      assert.deepEqual(ctx.droppedFields, []);
    });
  }

  it('google-429-retry-info.json: RESOURCE_EXHAUSTED with RetryInfo → 429, retry-after in whole seconds, the message kept', () => {
    const text = readFileSync(fixturePath('gemini/google-429-retry-info.json'), 'utf8');
    const parsed = decodeGoogleError(429, {}, text);
    assert.deepEqual(parsed, {
      message: 'You exceeded your current quota, please check your plan.',
      type: undefined,
      code: 'RESOURCE_EXHAUSTED',
      param: null,
      retryAfterSeconds: 35,
    });
    const err = mapUpstreamHttpError(429, text, {}, 'vertex', new SecretRedactor(), false, [decodeGoogleError]);
    assert.equal(err.status, 429);
    assert.equal(err.kind, 'rate_limit');
    assert.equal(err.headers['retry-after'], '35');
    assert.equal(err.code, 'RESOURCE_EXHAUSTED');
    assert.equal(err.message, 'You exceeded your current quota, please check your plan.');
    // An upstream retry-after header wins over the body's delay.
    assert.equal(
      mapUpstreamHttpError(429, text, { 'retry-after': '3' }, 'vertex', new SecretRedactor(), false, [decodeGoogleError]).headers[
        'retry-after'
      ],
      '3',
    );
  });
});
