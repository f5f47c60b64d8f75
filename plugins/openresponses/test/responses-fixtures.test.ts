/**
 * The recorded OpenResponses fixtures (plugins/openresponses/test/fixtures/openresponses/, LM Studio) through the
 * openai.responses codec's backend side: `*.chunks.txt` replayed event by event through the
 * stream decoder (the IR sequence asserted), `*.json` through decodeResponse; and the fixtures'
 * own event streams checked against the ordering rules the gateway's encoder is held to.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CodecContext, IrStreamEvent } from '@switchyard/kernel';
import { openaiResponsesCodec } from '@switchyard/plugin-openresponses';
import { fixtureEvents, readFixtureJson } from '../../../test/dist/helpers/fake-upstream.js';
import { parseSse } from '../../../test/dist/helpers/sse.js';
import { assertResponsesEventOrder, responsesEvents } from '../../../test/dist/helpers/responses-events.js';

function ctx(): CodecContext & { droppedFields: string[] } {
  const droppedFields: string[] = [];
  return { clientModel: 'client-model', requestId: 'req-test', droppedFields, dropped: (f: string) => void droppedFields.push(f) };
}

/** A fixture's SSE through the backend-side stream decoder (end() included). */
function decodeFixture(name: string): IrStreamEvent[] {
  const decoder = openaiResponsesCodec.createStreamDecoder!(ctx());
  const out: IrStreamEvent[] = [];
  for (const e of parseSse(fixtureEvents(`openresponses/${name}`).join(''))) out.push(...decoder.push({ event: e.event, data: e.data }));
  out.push(...decoder.end());
  return out;
}

/** Consecutive deltas of one kind merged, so the sequence reads as blocks. */
function compact(events: readonly IrStreamEvent[]): IrStreamEvent[] {
  const out: IrStreamEvent[] = [];
  for (const e of events) {
    const last = out.at(-1);
    if (e.type === 'text_delta' && last?.type === 'text_delta') last.text += e.text;
    else if (e.type === 'reasoning_delta' && e.text && last?.type === 'reasoning_delta' && last.text && !last.signature)
      last.text += e.text;
    else if (e.type === 'tool_call_delta' && last?.type === 'tool_call_delta' && last.index === e.index)
      last.argumentsDelta += e.argumentsDelta;
    else out.push({ ...e });
  }
  return out;
}

const REASONING =
  'The user is asking for the weather in San Francisco. I have a weather function available that takes a location parameter. The user has provided "San Francisco" as the location, so I have all the required information to make the function call.';

describe('openresponses fixtures → IR (backend side of the openai.responses codec)', () => {
  it('lmstudio-basic stream: start, text deltas, usage, finish stop', () => {
    const events = decodeFixture('lmstudio-basic.1.chunks.txt');
    const lines = fixtureEvents('openresponses/lmstudio-basic.1.chunks.txt').map((l) => JSON.parse(l.split('data: ')[1]!));
    const text = lines
      .filter((l) => l.type === 'response.output_text.delta')
      .map((l) => l.delta as string)
      .join('');
    assert.equal(events.filter((e) => e.type === 'text_delta').length, 282, 'one IR delta per upstream delta');
    assert.deepEqual(compact(events), [
      { type: 'start', id: 'resp_604f426346767f2cd7f98c793d9cfd27cba9ef834509019c', model: 'gemma-7b-it', created: 1768906211 },
      { type: 'text_delta', text },
      { type: 'usage', usage: { inputTokens: 31, outputTokens: 282, cachedInputTokens: 30, reasoningTokens: 0 } },
      { type: 'finish', reason: 'stop', rawReason: 'completed' },
    ]);
  });

  it('lmstudio-tool-call stream: reasoning, text, a call whose arguments come only in .done, finish tool_calls', () => {
    assert.deepEqual(compact(decodeFixture('lmstudio-tool-call.1.chunks.txt')), [
      { type: 'start', id: 'resp_cc7bfe18e2f2eca93006515c0fd19cfed16e46a93a60444a', model: 'zai-org/glm-4.7-flash', created: 1769008929 },
      { type: 'reasoning_delta', text: REASONING },
      { type: 'reasoning_end' },
      { type: 'text_delta', text: "I'll get the current weather information for San Francisco for you." },
      { type: 'tool_call_start', index: 0, id: 'call_2025306790300011', name: 'weather' },
      { type: 'tool_call_delta', index: 0, argumentsDelta: '{"location":"San Francisco"}' },
      { type: 'tool_call_end', index: 0 },
      { type: 'usage', usage: { inputTokens: 182, outputTokens: 61, cachedInputTokens: 2, reasoningTokens: 48 } },
      { type: 'finish', reason: 'tool_calls', rawReason: 'completed' },
    ]);
  });

  it('lmstudio-basic.json: reasoning and text parts, usage, finish stop', () => {
    const ir = openaiResponsesCodec.decodeResponse!(readFixtureJson('openresponses/lmstudio-basic.1.json'), ctx());
    assert.deepEqual(ir, {
      id: 'resp_551daeb1a02e4fcaf9ab76ed29f821a6db2df1883e55652c',
      model: 'mistralai/ministral-3-14b-reasoning',
      created: 1768900049,
      parts: [
        { type: 'reasoning', text: 'reasoning content' },
        { type: 'text', text: 'text content' },
      ],
      finishReason: 'stop',
      rawFinishReason: 'completed',
      usage: { inputTokens: 136, outputTokens: 3677, cachedInputTokens: 0, reasoningTokens: 2456 },
    });
  });

  it('lmstudio-tool-call.json: the function call with its call_id, finish tool_calls', () => {
    const ir = openaiResponsesCodec.decodeResponse!(readFixtureJson('openresponses/lmstudio-tool-call.1.json'), ctx());
    assert.deepEqual(ir.parts, [
      { type: 'tool_call', id: 'call_2866856768160095', name: 'weather', arguments: '{"location":"San Francisco"}' },
    ]);
    assert.equal(ir.finishReason, 'tool_calls');
    assert.deepEqual(ir.usage, { inputTokens: 1189, outputTokens: 11, cachedInputTokens: 891, reasoningTokens: 0 });
  });

  it('a stream that stops before its terminal event, or fails, is an IR error', () => {
    const decoder = openaiResponsesCodec.createStreamDecoder!(ctx());
    const cut = fixtureEvents('openresponses/lmstudio-basic.1.chunks.txt').slice(0, 10).join('');
    const events: IrStreamEvent[] = [];
    for (const e of parseSse(cut)) events.push(...decoder.push({ event: e.event, data: e.data }));
    events.push(...decoder.end());
    assert.deepEqual(events.at(-1), {
      type: 'error',
      status: 502,
      errorType: 'upstream',
      message: 'the backend ended the stream before the response completed',
    });

    const failing = openaiResponsesCodec.createStreamDecoder!(ctx());
    const failed = failing.push({
      event: 'response.failed',
      data: JSON.stringify({
        type: 'response.failed',
        response: { id: 'r', status: 'failed', error: { code: 'server_error', message: 'boom' } },
      }),
    });
    assert.deepEqual(failed, [{ type: 'error', status: 502, errorType: 'server_error', message: 'boom' }]);
  });

  for (const name of ['lmstudio-basic.1.chunks.txt', 'lmstudio-tool-call.1.chunks.txt']) {
    it(`${name} itself follows the event ordering rules the tests hold the gateway to`, () => {
      const terminal = assertResponsesEventOrder(responsesEvents(parseSse(fixtureEvents(`openresponses/${name}`).join(''))));
      assert.equal(terminal.type, 'response.completed');
    });
  }
});
