import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { IrUsage } from '@switchyard/kernel';
import { anthropicMessagesCodec } from '@switchyard/plugin-anthropic';
import { openaiChatCodec } from '@switchyard/plugin-openai';
import { openaiResponsesCodec } from '@switchyard/plugin-openresponses';

/** Issue #16: usage is read by the hook of the client protocol's codec (ProtocolCodec.usage), owned by its plugin. */
const CODECS = { 'openai.chat': openaiChatCodec, 'anthropic.messages': anthropicMessagesCodec, 'openai.responses': openaiResponsesCodec };
const readResponseUsage = (protocol: keyof typeof CODECS, reply: Buffer): IrUsage | null => CODECS[protocol].usage!.readBody(reply);

const body = (v: unknown): Buffer => Buffer.from(JSON.stringify(v));

describe('readResponseUsage (usage of a complete reply, read from its last usage object)', () => {
  it('reads OpenAI usage with details, wherever the key sits', () => {
    const reply = {
      id: 'c',
      usage: {
        prompt_tokens: 7,
        completion_tokens: 3,
        prompt_tokens_details: { cached_tokens: 2 },
        completion_tokens_details: { reasoning_tokens: 1 },
      },
      choices: [{ message: { content: 'x' } }],
    };
    assert.deepEqual(readResponseUsage('openai.chat', body(reply)), {
      inputTokens: 7,
      outputTokens: 3,
      cachedInputTokens: 2,
      reasoningTokens: 1,
    });
  });

  it('is not fooled by "usage" inside content text, braces in strings, or spaces around the colon', () => {
    const text = Buffer.from(
      '{"choices":[{"message":{"content":"the \\"usage\\": {\\"prompt_tokens\\": 999} } {"}}], "usage" : {"prompt_tokens":4,"completion_tokens":5,"note":"}{"}}',
    );
    assert.deepEqual(readResponseUsage('openai.chat', text), {
      inputTokens: 4,
      outputTokens: 5,
      cachedInputTokens: undefined,
      reasoningTokens: undefined,
    });
  });

  it('reads Anthropic and Responses shapes', () => {
    assert.equal(
      readResponseUsage(
        'anthropic.messages',
        body({ content: [], usage: { input_tokens: 5, output_tokens: 6, cache_read_input_tokens: 1 } }),
      )?.inputTokens,
      6,
    );
    assert.equal(
      readResponseUsage('openai.responses', body({ output: [], usage: { input_tokens: 2, output_tokens: 9 } }))?.outputTokens,
      9,
    );
  });

  it("Responses: the reply's own usage, not an echoed tool's `usage` parameter after it", () => {
    // A Response object echoes the request's tools after its usage (what the gateway's encoder writes).
    const reply = {
      output: [],
      usage: { input_tokens: 8, output_tokens: 2, input_tokens_details: { cached_tokens: 1 } },
      tools: [{ type: 'function', name: 'report', parameters: { type: 'object', properties: { usage: { type: 'object' } } } }],
    };
    assert.deepEqual(readResponseUsage('openai.responses', body(reply)), {
      inputTokens: 8,
      outputTokens: 2,
      cachedInputTokens: 1,
      reasoningTokens: undefined,
    });
    assert.equal(readResponseUsage('openai.responses', body({ ...reply, usage: null })), null);
  });

  it('null without usage, with "usage": null, or for a body that is not JSON', () => {
    assert.equal(readResponseUsage('openai.chat', body({ choices: [] })), null);
    assert.equal(readResponseUsage('openai.chat', body({ choices: [], usage: null })), null);
    assert.equal(readResponseUsage('openai.chat', Buffer.from('not json "usage": {')), null);
  });
});

describe('the Responses stream meter (usage on the terminal event, read from its last usage object)', () => {
  const meterOf = (events: Array<{ event: string; data: unknown }>) => {
    const m = openaiResponsesCodec.usage!.meterStream();
    for (const e of events) m.event({ event: e.event, data: JSON.stringify(e.data) } as never, 1);
    return m;
  };
  const delta = { event: 'response.output_text.delta', data: { type: 'response.output_text.delta', delta: 'Hi' } };
  const report = { type: 'function', name: 'report', parameters: { type: 'object', properties: { usage: { type: 'object' } } } };

  it('reads response.usage on response.completed, also when the echoed tools after it name a `usage` parameter', () => {
    for (const tools of [[], [report]]) {
      const m = meterOf([
        delta,
        {
          event: 'response.completed',
          data: {
            type: 'response.completed',
            response: { output: [], usage: { input_tokens: 8, output_tokens: 2, output_tokens_details: { reasoning_tokens: 1 } }, tools },
          },
        },
      ]);
      assert.deepEqual(m.usage, { inputTokens: 8, outputTokens: 2, cachedInputTokens: undefined, reasoningTokens: 1 });
    }
  });

  it('no usage from a failed response whose usage is null, and the failure is seen', () => {
    const m = meterOf([delta, { event: 'response.failed', data: { type: 'response.failed', response: { usage: null, tools: [report] } } }]);
    assert.equal(m.usage, null);
    assert.equal(m.errored, true);
  });
});
