/**
 * The anthropic.messages codec paired with the openai.chat codec inside the kernel's Translation,
 * over every recorded stream and reply in the openai-chat/ and anthropic/ recordings (plugins/openai/test/fixtures, plugins/anthropic/test/fixtures):
 * OpenAI-compatible upstreams become Anthropic SSE the official SDK assembles (text, DeepSeek
 * reasoning as thinking, streamed tool calls as tool_use), and Anthropic upstreams become
 * OpenAI chunks and completions.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- tests poke into parsed JSON */
import 'reflect-metadata';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import { PluginRegistry, Translation, type Protocol } from '@switchyard/kernel';
import anthropic from '@switchyard/plugin-anthropic';
import openai from '@switchyard/plugin-openai';
import { checkAnthropicMessagesRequest } from '@switchyard/testing';
import { fixtureEvents, fixtureFolder, readFixtureJson, readFixtureLines } from '../../../test/dist/helpers/fake-upstream.js';
import { collectText, parseSse } from '../../../test/dist/helpers/sse.js';
import { codecContext, sseEventsOf } from '../../../test/dist/helpers/anthropic-codec.js';

const registry = new PluginRegistry().register(openai).register(anthropic);

function translation(ingress: Protocol, wire: string, clientModel = 'client-model'): Translation {
  return Translation.between(registry, ingress, wire, codecContext(clientModel));
}

async function throughStream(t: Translation, bytes: Buffer): Promise<string> {
  // Uneven slices: events and UTF-8 characters split across reads.
  const slices: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += 97) slices.push(bytes.subarray(at, at + 97));
  return collectText(t.stream().attach(Readable.from(slices)));
}

async function sdkFinalMessage(sse: string): Promise<Anthropic.Message> {
  const client = new Anthropic({
    apiKey: 'k',
    maxRetries: 0,
    fetch: async () => new Response(sse, { headers: { 'content-type': 'text/event-stream' } }),
  });
  return client.messages.stream({ model: 'client-model', max_tokens: 100, messages: [{ role: 'user', content: 'x' }] }).finalMessage();
}

/** What an OpenAI chunk stream says: text, reasoning, tool calls, finish reason, usage. */
function readOpenAIChunks(chunks: any[]): {
  text: string;
  reasoning: string;
  calls: Array<{ id: string; name: string; args: string }>;
  finish: string | null;
  usage: any;
} {
  let text = '';
  let reasoning = '';
  let finish: string | null = null;
  let usage: any = null;
  const calls: Array<{ id: string; name: string; args: string }> = [];
  for (const chunk of chunks) {
    if (chunk.usage) usage = chunk.usage;
    const choice = chunk.choices?.[0];
    if (!choice) continue;
    text += choice.delta?.content ?? '';
    reasoning += choice.delta?.reasoning_content ?? '';
    for (const tc of choice.delta?.tool_calls ?? []) {
      calls[tc.index] ??= { id: '', name: '', args: '' };
      if (tc.id) calls[tc.index]!.id = tc.id;
      if (tc.function?.name) calls[tc.index]!.name = tc.function.name;
      calls[tc.index]!.args += tc.function?.arguments ?? '';
    }
    finish = choice.finish_reason ?? finish;
  }
  return { text, reasoning, calls, finish, usage };
}

const ANTHROPIC_STOP: Record<string, string> = {
  stop: 'end_turn',
  length: 'max_tokens',
  tool_calls: 'tool_use',
  content_filter: 'refusal',
};
const OPENAI_FINISH: Record<string, string> = { end_turn: 'stop', max_tokens: 'length', tool_use: 'tool_calls', refusal: 'content_filter' };

const names = (folder: string, suffix: string) =>
  readdirSync(fixtureFolder(folder))
    .filter((f) => f.endsWith(suffix))
    .sort();

describe('Anthropic client ← OpenAI-compatible upstream (recorded openai-chat fixtures)', () => {
  for (const file of names('openai-chat', '.chunks.txt')) {
    it(`${file}: Anthropic SSE with the exact event order, read by the official SDK`, async () => {
      const upstream = readOpenAIChunks(readFixtureLines(`openai-chat/${file}`).map((l) => JSON.parse(l)));
      const sse = await throughStream(
        translation('anthropic.messages', 'openai.chat'),
        Buffer.from(fixtureEvents(`openai-chat/${file}`).join('')),
      );
      const events = sseEventsOf(sse);
      assert.equal(events[0]!.event, 'message_start');
      assert.deepEqual(
        events.slice(-2).map((e) => e.event),
        ['message_delta', 'message_stop'],
      );
      // Blocks are sequential: each start is followed by its own deltas and stop, indexes from 0.
      let open: number | null = null;
      let next = 0;
      for (const e of events.slice(1, -2)) {
        const index = e.data.index as number;
        if (e.event === 'content_block_start') {
          assert.equal(open, null);
          assert.equal(index, next++);
          open = index;
        } else {
          assert.equal(index, open, `${e.event} for the open block`);
          if (e.event === 'content_block_stop') open = null;
        }
      }
      assert.equal(open, null);

      const message = await sdkFinalMessage(sse);
      const text = message.content
        .filter((b) => b.type === 'text')
        .map((b) => (b as Anthropic.TextBlock).text)
        .join('');
      const thinking = message.content
        .filter((b) => b.type === 'thinking')
        .map((b) => (b as Anthropic.ThinkingBlock).thinking)
        .join('');
      const uses = message.content.filter((b) => b.type === 'tool_use') as Anthropic.ToolUseBlock[];
      assert.equal(text, upstream.text);
      assert.equal(thinking, upstream.reasoning);
      assert.deepEqual(
        uses.map((u) => ({ id: u.id, name: u.name, input: u.input })),
        upstream.calls.map((c) => ({ id: c.id, name: c.name, input: JSON.parse(c.args) })),
      );
      assert.equal(message.stop_reason, ANTHROPIC_STOP[upstream.finish!]);
      assert.equal(message.model, 'client-model');
      if (upstream.usage) {
        const cached = upstream.usage.prompt_tokens_details?.cached_tokens ?? 0;
        assert.equal(message.usage.input_tokens, upstream.usage.prompt_tokens - cached);
        assert.equal(message.usage.cache_read_input_tokens, cached);
        assert.equal(message.usage.output_tokens, upstream.usage.completion_tokens);
      }
    });
  }

  for (const file of names('openai-chat', '.json')) {
    it(`${file}: an Anthropic message`, () => {
      const upstream = readFixtureJson<any>(`openai-chat/${file}`);
      const body = JSON.parse(
        translation('anthropic.messages', 'openai.chat')
          .response(Buffer.from(JSON.stringify(upstream)))
          .toString(),
      );
      const choice = upstream.choices[0];
      assert.equal(body.type, 'message');
      assert.equal(body.role, 'assistant');
      assert.equal(body.model, 'client-model');
      const expected: any[] = [];
      if (choice.message.reasoning_content) expected.push({ type: 'thinking', thinking: choice.message.reasoning_content, signature: '' });
      if (choice.message.content) expected.push({ type: 'text', text: choice.message.content });
      for (const tc of choice.message.tool_calls ?? [])
        expected.push({ type: 'tool_use', id: tc.id, name: tc.function.name, input: JSON.parse(tc.function.arguments) });
      assert.deepEqual(body.content, expected);
      assert.equal(body.stop_reason, ANTHROPIC_STOP[choice.finish_reason]);
      assert.equal(body.usage.output_tokens, upstream.usage.completion_tokens);
    });
  }
});

describe('OpenAI client ← Anthropic upstream (recorded anthropic fixtures)', () => {
  for (const file of names('anthropic', '.chunks.txt')) {
    it(`${file}: OpenAI chunks`, async () => {
      const lines = readFixtureLines(`anthropic/${file}`).map((l) => JSON.parse(l));
      const t = translation('openai.chat', 'anthropic.messages', 'virtual-claude');
      t.request(
        { model: 'virtual-claude', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'x' }] },
        'claude-x',
        true,
      );
      const text = await throughStream(t, Buffer.from(fixtureEvents(`anthropic/${file}`).join('')));
      const events = parseSse(text);
      assert.equal(events.at(-1)!.data, '[DONE]');
      const chunks = events.slice(0, -1).map((e) => JSON.parse(e.data));
      for (const c of chunks) assert.equal(c.model, 'virtual-claude');
      const got = readOpenAIChunks(chunks);
      const deltas = lines.filter((l) => l.type === 'content_block_delta').map((l) => l.delta);
      assert.equal(got.text, deltas.map((d) => d.text ?? '').join(''));
      assert.equal(got.reasoning, deltas.map((d) => d.thinking ?? '').join(''));
      const uses = lines.filter((l) => l.type === 'content_block_start' && l.content_block.type === 'tool_use');
      assert.deepEqual(
        got.calls.map((c) => [c.id, c.name]),
        uses.map((u) => [u.content_block.id, u.content_block.name]),
      );
      const stop = lines.find((l) => l.type === 'message_delta').delta.stop_reason;
      assert.equal(got.finish, OPENAI_FINISH[stop]);
      const usage = lines.find((l) => l.type === 'message_delta').usage;
      assert.equal(
        got.usage.prompt_tokens,
        usage.input_tokens + (usage.cache_read_input_tokens ?? 0) + (usage.cache_creation_input_tokens ?? 0),
      );
      assert.equal(got.usage.completion_tokens, usage.output_tokens);
    });
  }

  for (const file of names('anthropic', '.json')) {
    it(`${file}: an OpenAI chat completion`, () => {
      const upstream = readFixtureJson<any>(`anthropic/${file}`);
      const body = JSON.parse(
        translation('openai.chat', 'anthropic.messages', 'virtual-claude')
          .response(Buffer.from(JSON.stringify(upstream)))
          .toString(),
      );
      const message = body.choices[0].message;
      const text = upstream.content
        .filter((b: any) => b.type === 'text')
        .map((b: any) => b.text)
        .join('');
      assert.equal(message.content ?? '', text);
      const uses = upstream.content.filter((b: any) => b.type === 'tool_use');
      assert.deepEqual(
        (message.tool_calls ?? []).map((c: any) => [c.id, c.function.name, JSON.parse(c.function.arguments)]),
        uses.map((u: any) => [u.id, u.name, u.input]),
      );
      assert.equal(body.choices[0].finish_reason, OPENAI_FINISH[upstream.stop_reason]);
      assert.equal(body.usage.prompt_tokens, upstream.usage.input_tokens);
      assert.equal(body.model, 'virtual-claude');
    });
  }

  it('request(): an OpenAI body becomes an Anthropic body (system hoisted, tool results grouped, thinking from reasoning_effort)', () => {
    const t = translation('openai.chat', 'anthropic.messages');
    const body = t.request(
      {
        model: 'x',
        reasoning_effort: 'high',
        max_completion_tokens: 20000,
        temperature: 0.3,
        messages: [
          { role: 'developer', content: 'Be exact.' },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'Look' },
              { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
            ],
          },
          {
            role: 'assistant',
            content: null,
            tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }],
          },
          { role: 'tool', tool_call_id: 'call_1', content: 'done' },
        ],
        tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }],
        tool_choice: { type: 'function', function: { name: 'f' } },
      },
      'claude-sonnet-4-5',
      false,
    );
    assert.deepEqual(body, {
      model: 'claude-sonnet-4-5',
      system: 'Be exact.',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Look' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
          ],
        },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'call_1', name: 'f', input: { a: 1 } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_1', content: 'done' }] },
      ],
      max_tokens: 20000,
      // Turn 2 of a tool loop without the thinking block: thinking is left out for this turn (the API rejects it
      // on), so the temperature and the forced tool choice are sent.
      temperature: 0.3,
      tools: [{ name: 'f', input_schema: { type: 'object' } }],
      tool_choice: { type: 'tool', name: 'f' },
    });
    assert.equal(checkAnthropicMessagesRequest(body), undefined);
  });
});
