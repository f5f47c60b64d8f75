/**
 * The openai.chat codec inside the kernel's Translation (openai.chat on both sides, through the
 * IR): the plugin registers it, Translation.request records the client's include_usage on the
 * codec context, and recorded upstream bytes come out as OpenAI chunks.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- tests poke into parsed JSON */
import 'reflect-metadata';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { PluginRegistry, Translation, type CodecContext } from '@switchyard/kernel';
import { plugin } from '@switchyard/plugin-openai';
import { readFixtureJson, readFixtureLines } from '../../../test/dist/helpers/fake-upstream.js';
import { collectText, parseSse } from '../../../test/dist/helpers/sse.js';

function translation(): Translation {
  const ctx: CodecContext = { clientModel: 'virtual-x', requestId: 'req-t', dropped: () => {} };
  return Translation.between(new PluginRegistry().register(plugin), 'openai.chat', 'openai.chat', ctx);
}

const wire = (name: string) =>
  Buffer.from(
    readFixtureLines(`openai-chat/${name}`)
      .map((l) => `data: ${l}\n\n`)
      .join('') + 'data: [DONE]\n\n',
  );

async function translateStream(t: Translation, bytes: Buffer): Promise<any[]> {
  const text = await collectText(t.stream().attach(Readable.from([bytes.subarray(0, 1000), bytes.subarray(1000)])));
  const events = parseSse(text);
  assert.equal(events.at(-1)!.data, '[DONE]');
  return events.slice(0, -1).map((e) => JSON.parse(e.data));
}

describe('openai.chat codec in the kernel Translation', () => {
  it('the plugin registers the codec with both sides', () => {
    const codec = new PluginRegistry().register(plugin).codec('openai.chat');
    for (const m of [
      'decodeRequest',
      'encodeResponse',
      'createStreamEncoder',
      'encodeRequest',
      'decodeResponse',
      'createStreamDecoder',
    ] as const) {
      assert.equal(typeof codec?.[m], 'function', m);
    }
  });

  it('request(): include_usage reaches the codec context; the backend is always asked for usage', () => {
    const t = translation();
    const body = t.request(
      { model: 'virtual-x', messages: [{ role: 'user', content: 'hi' }], stream: true, stream_options: { include_usage: true } },
      'real-y',
      true,
    );
    assert.equal(t.ctx.includeUsage, true);
    assert.deepEqual(body, {
      model: 'real-y',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const quiet = translation();
    quiet.request({ model: 'virtual-x', messages: [{ role: 'user', content: 'hi' }], stream: true }, 'real-y', true);
    assert.equal(quiet.ctx.includeUsage, false);
  });

  it('stream(): a recorded DeepSeek tool-call stream comes out as OpenAI chunks, usage chunk only when asked', async () => {
    const t = translation();
    t.request({ model: 'v', messages: [], stream: true, stream_options: { include_usage: true } }, 'r', true);
    const chunks = await translateStream(t, wire('deepseek-tool-call.chunks.txt'));
    assert.ok(chunks.every((c) => c.model === 'virtual-x' && c.id === 'cca85624-4056-401f-b220-d77601d1f70d'));
    const calls = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
    assert.deepEqual(calls[0], {
      index: 0,
      id: 'call_00_ioIn7yN9p1ZOMNpDLwd4MgAF',
      type: 'function',
      function: { name: 'weather', arguments: '' },
    });
    assert.equal(calls.map((c: any) => c.function.arguments).join(''), '{"location": "San Francisco"}');
    assert.equal(chunks.at(-2).choices[0].finish_reason, 'tool_calls');
    assert.deepEqual(chunks.at(-1).usage, {
      prompt_tokens: 339,
      completion_tokens: 83,
      total_tokens: 422,
      prompt_tokens_details: { cached_tokens: 320 },
      completion_tokens_details: { reasoning_tokens: 39 },
    });

    const quiet = translation();
    quiet.request({ model: 'v', messages: [], stream: true }, 'r', true);
    const noUsage = await translateStream(quiet, wire('openai-text.chunks.txt'));
    assert.ok(noUsage.every((c) => c.usage === undefined && c.choices.length === 1));
  });

  it('response(): a recorded completion comes back in the client model name', () => {
    const out = JSON.parse(
      translation()
        .response(Buffer.from(JSON.stringify(readFixtureJson('openai-chat/deepseek-reasoning.json'))))
        .toString(),
    );
    assert.equal(out.model, 'virtual-x');
    assert.match(out.choices[0].message.reasoning_content, /^We are asked/);
    assert.equal(out.usage.completion_tokens_details.reasoning_tokens, 315);
  });
});
