/**
 * Byte equality of the translated non-streamed lanes (issue #19), as translated-stream-bytes does
 * for streams: a client's request and the upstream's complete reply through the kernel's
 * Translation give the same upstream request and the same client reply, byte for byte. Each
 * case's output (the upstream request's JSON, then the client's reply) is committed in
 * test/fixtures/translated-replies/ (`<lane>.<case>.out.txt`, written by the code before the
 * Responses lane's speed-ups), so a change to the codecs that alters a single byte fails here.
 * Cases: the bench's body with its profile applied and the bench upstream's reply; a request that
 * uses every field a Response object echoes (tools of every kind, instructions, explicit nulls)
 * answered with reasoning, text and tool calls; a reply cut at the token limit.
 *
 * SWITCHYARD_WRITE_FIXTURES=1 writes the expected files instead of comparing (only for a deliberate
 * change of the output; review the diff).
 */
import 'reflect-metadata';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it, mock } from 'node:test';
import { fileURLToPath } from 'node:url';
import { PluginRegistry, Translation, type Protocol, type WireProtocol } from '@switchyard/kernel';
import { plugin as anthropic } from '@switchyard/plugin-anthropic';
import { plugin as openai } from '@switchyard/plugin-openai';
import { plugin as openresponses } from '@switchyard/plugin-openresponses';
import { maskRandomIds } from '../helpers/mask-random-ids.js';

const DIR = fileURLToPath(new URL('../../fixtures/translated-replies/', import.meta.url));
const WRITE = process.env.SWITCHYARD_WRITE_FIXTURES === '1';
const NOW = Date.UTC(2026, 11, 7, 12, 0, 0);
const PROMPT = 'Write a short reply for the Switchyard benchmark.';

/** The bench upstream's reply to the bench's chat request (plugin-mock, 20 output tokens). */
const BENCH_CHAT_REPLY = {
  id: 'chatcmpl-mockhgdw70z41',
  object: 'chat.completion',
  created: 1796690079,
  model: 'bench',
  choices: [
    {
      index: 0,
      message: {
        role: 'assistant',
        content: 'This is a deterministic reply from the Switchyard mock backend. It produces one word per token, always in the same',
        refusal: null,
      },
      logprobs: null,
      finish_reason: 'stop',
    },
  ],
  usage: { prompt_tokens: 8, completion_tokens: 20, total_tokens: 28 },
};

/** Reasoning, text with escapes and non-ASCII, a custom tool's call, a namespaced call, a call without arguments. */
const TOOL_CALL_REPLY = {
  id: 'chatcmpl-tools-1',
  object: 'chat.completion',
  created: 1796690080,
  model: 'real-model',
  choices: [
    {
      index: 0,
      message: {
        role: 'assistant',
        reasoning_content: 'The user wants a patch; "quoted" plan.',
        content: 'Patching now — naïve "fix"\nnext line',
        tool_calls: [
          { id: 'call_p', type: 'function', function: { name: 'apply_patch', arguments: '{"input":"*** Begin Patch\\n*** End Patch"}' } },
          { id: 'call_f', type: 'function', function: { name: 'crm__find', arguments: '{"q":"x"}' } },
          { id: 'call_s', type: 'function', function: { name: 'shell', arguments: '' } },
        ],
      },
      finish_reason: 'tool_calls',
    },
  ],
  usage: {
    prompt_tokens: 30,
    completion_tokens: 12,
    total_tokens: 42,
    prompt_tokens_details: { cached_tokens: 10 },
    completion_tokens_details: { reasoning_tokens: 3 },
  },
};

const LENGTH_REPLY = {
  id: 'chatcmpl-len-1',
  object: 'chat.completion',
  created: 1796690081,
  model: 'real-model',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Cut sho' }, finish_reason: 'length' }],
  usage: { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 },
};

/** A request with every field a Response object echoes (and tools of every kind the codec restores). */
const RICH_RESPONSES_REQUEST = {
  model: 'coder',
  instructions: 'Be brief.',
  input: [
    { role: 'developer', content: 'Use the tools.' },
    { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Fix the bug' }] },
  ],
  tools: [
    { type: 'custom', name: 'apply_patch', description: 'Applies a patch' },
    { type: 'namespace', name: 'crm', description: 'CRM', tools: [{ type: 'function', name: 'find', parameters: { type: 'object' } }] },
    { type: 'function', name: 'shell', parameters: { type: 'object', properties: { cmd: { type: 'string' } } }, strict: true },
  ],
  tool_choice: 'auto',
  parallel_tool_calls: false,
  temperature: 0.5,
  top_p: null,
  max_output_tokens: 300,
  reasoning: { effort: 'low' },
  text: { format: { type: 'text' } },
  metadata: { team: 'a' },
  user: 'user-1',
  safety_identifier: 'safe-1',
  prompt_cache_key: 'cache-1',
  truncation: 'auto',
  store: true,
};

interface Case {
  id: string;
  client: Protocol;
  wire: WireProtocol;
  /** The client's request as the kernel hands it to the translation (profile applied). */
  body: Record<string, unknown>;
  reply: object;
}

const CASES: Case[] = [
  {
    id: 'responses.bench',
    client: 'openai.responses',
    wire: 'openai.chat',
    body: { model: 'bench', input: PROMPT, temperature: 0.2, top_p: 0.9, max_output_tokens: 64 },
    reply: BENCH_CHAT_REPLY,
  },
  { id: 'responses.tool-calls', client: 'openai.responses', wire: 'openai.chat', body: RICH_RESPONSES_REQUEST, reply: TOOL_CALL_REPLY },
  {
    id: 'responses.nulls-length',
    client: 'openai.responses',
    wire: 'openai.chat',
    body: {
      model: 'm',
      input: 'hi',
      instructions: null,
      tools: null,
      tool_choice: null,
      reasoning: null,
      text: null,
      metadata: null,
      truncation: null,
    },
    reply: LENGTH_REPLY,
  },
  {
    id: 'anthropic.bench',
    client: 'anthropic.messages',
    wire: 'openai.chat',
    body: { model: 'bench', max_tokens: 64, messages: [{ role: 'user', content: PROMPT }], temperature: 0.2, top_p: 0.9 },
    reply: BENCH_CHAT_REPLY,
  },
];

const registry = new PluginRegistry().register(openai).register(anthropic).register(openresponses);

/** The upstream request's JSON and the client's reply, one per line (the response ids' random part masked). */
function translate(c: Case): string {
  const ctx = { clientModel: String(c.body.model), requestId: 'req-bytes-1', dropped: () => undefined };
  const translation = Translation.between(registry, c.client, c.wire, ctx);
  const upstream = translation.request(structuredClone(c.body), 'bench-mock', false);
  const reply = translation.response(Buffer.from(JSON.stringify(c.reply)));
  return maskRandomIds(`${JSON.stringify(upstream)}\n${reply.toString('utf8')}\n`);
}

describe('translated complete replies: the same request and reply give the same bytes (issue #19)', () => {
  before(() => mock.timers.enable({ apis: ['Date'], now: NOW }));
  after(() => mock.timers.reset());

  for (const c of CASES) {
    it(`${c.id} (${c.client} client ← ${c.wire} upstream)`, () => {
      const file = path.join(DIR, `${c.id}.out.txt`);
      const actual = translate(c);
      if (WRITE) writeFileSync(file, actual);
      assert.ok(existsSync(file), `missing ${file} (SWITCHYARD_WRITE_FIXTURES=1 writes it)`);
      assert.equal(actual, readFileSync(file, 'utf8'));
      assert.equal(translate(c), actual, 'a second translation gives the same bytes');
    });
  }

  it('the Responses encoder without a decoded request (no echo): the defaults', () => {
    const file = path.join(DIR, 'responses.no-request.out.txt');
    const ir = registry.codec('openai.chat')!.decodeResponse!(TOOL_CALL_REPLY, {
      clientModel: 'c',
      requestId: 'r-1',
      dropped: () => undefined,
    });
    const ctx = { clientModel: 'c', requestId: 'r-1', dropped: () => undefined };
    const actual = maskRandomIds(JSON.stringify(registry.codec('openai.responses')!.encodeResponse!(ir, ctx)) + '\n');
    if (WRITE) writeFileSync(file, actual);
    assert.equal(actual, readFileSync(file, 'utf8'));
  });
});
