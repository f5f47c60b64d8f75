/* eslint-disable @typescript-eslint/no-explicit-any -- tests read fields the SDK types do not declare (reasoning_content) */
/**
 * type: ollama end to end, against the built gateway: a fake Ollama (test/helpers/fake-ollama.ts)
 * that refuses what Ollama refuses ({"error"} with Ollama's status) and streams /api/chat as
 * NDJSON. Clients are the official `openai` and `@anthropic-ai/sdk` SDKs: streaming and not,
 * tools (a round trip), thinking, images, errors, a mid-stream error line, a connection cut
 * mid-stream, and /v1/models from /api/tags.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type Anthropic from '@anthropic-ai/sdk';
import type OpenAI from 'openai';
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { assertAnthropicError, assertOpenAIError, get, post, receivedWithId, rid, waitForJournalLine } from '../helpers/e2e.js';
import { startGateway, type RunningGateway } from '../helpers/start-gateway.js';
import { anthropicClient, openaiClient } from '../helpers/anthropic-e2e.js';
import { fakeEmbedding, fakeOllama } from '../helpers/fake-ollama.js';

const LLAMA = 'llama3.2';
const QWEN = 'qwen3:8b';
/** Routed to Ollama by the backend's `models`, but not pulled there: Ollama's 404. */
const GHOST = 'ghost-model';
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8/5+hHgAHggJ/PchI7wAAAABJRU5ErkJggg==';

const WEATHER_TOOL = {
  type: 'function' as const,
  function: {
    name: 'weather',
    description: 'Current weather',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};

async function drain(stream: AsyncIterable<unknown>): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const e of stream) out.push(e);
  return out;
}

describe('ollama backend (fake Ollama, native /api/chat with NDJSON streams)', () => {
  let upstream: FakeUpstream;
  let gw: RunningGateway;
  let oa: OpenAI;
  let ant: Anthropic;
  let dir: string;
  const script = fakeOllama([LLAMA, QWEN, 'nomic-embed-text']);

  const journal = (id: string): Promise<any> => waitForJournalLine(path.join(dir, 'journal.jsonl'), id);

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'switchyard-ollama-'));
    upstream = await startFakeUpstream(script);
    gw = await startGateway({
      config: {
        logging: { level: 'debug' },
        journal: { enabled: true, path: path.join(dir, 'journal.jsonl') },
        backends: [{ id: 'ollama', type: 'ollama', base_url: upstream.url, models: ['llama*', 'qwen3*', 'nomic-*', GHOST] }],
        routes: [
          { virtual_model: 'embedder', backend: 'ollama', real_model: 'nomic-embed-text' },
          {
            virtual_model: 'thinker',
            backend: 'ollama',
            real_model: QWEN,
            defaults: { temperature: 0.6, top_p: 0.95, top_k: 20, max_tokens: 512, stop: ['<end>'], seed: 7, enable_thinking: true },
          },
        ],
      },
    });
    oa = openaiClient(gw.url);
    ant = anthropicClient(gw.url);
  });

  after(async () => {
    await gw?.stop();
    await upstream?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  describe('/api/chat, not streamed', () => {
    it('OpenAI client: system and user turns, sampling fields in options, the answer with usage', async () => {
      const id = rid('ol-oa-json');
      const completion = await oa.chat.completions.create(
        {
          model: LLAMA,
          messages: [
            { role: 'system', content: 'Be brief.' },
            { role: 'user', content: 'Hello?' },
          ],
          temperature: 0.3,
          top_p: 0.9,
          max_tokens: 300,
          stop: ['END'],
          seed: 42,
        },
        { headers: { 'x-request-id': id } },
      );
      assert.equal(completion.choices[0]!.message.content, 'Hello from the fake Ollama.');
      assert.equal(completion.choices[0]!.finish_reason, 'stop');
      assert.equal(completion.usage!.prompt_tokens, 12);
      assert.equal(completion.usage!.completion_tokens, 7);
      assert.equal(completion.model, LLAMA);
      const got = await receivedWithId(upstream, id);
      assert.equal(got.path, '/api/chat');
      assert.deepEqual(got.body, {
        model: LLAMA,
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Hello?' },
        ],
        stream: false,
        options: { temperature: 0.3, top_p: 0.9, num_predict: 300, stop: ['END'], seed: 42 },
      });
      assert.equal(script.refused.length, 0, JSON.stringify(script.refused));
    });

    it('Anthropic client: top_k in options, the answer as a text block', async () => {
      const id = rid('ol-ant-json');
      const message = await ant.messages.create(
        { model: LLAMA, max_tokens: 100, top_k: 20, messages: [{ role: 'user', content: 'Hi' }] } as any,
        { headers: { 'x-request-id': id } },
      );
      assert.equal(message.stop_reason, 'end_turn');
      assert.deepEqual(message.content, [{ type: 'text', text: 'Hello from the fake Ollama.' }]);
      assert.equal(message.usage.input_tokens, 12);
      const got = await receivedWithId(upstream, id);
      assert.deepEqual(got.body.options, { num_predict: 100, top_k: 20 });
    });

    it("an image (data URL) goes as base64 in the message's images; an http URL is a 400 in the client's envelope", async () => {
      const id = rid('ol-img');
      await oa.chat.completions.create(
        {
          model: LLAMA,
          messages: [
            {
              role: 'user',
              content: [
                { type: 'text', text: 'What is this?' },
                { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } },
              ],
            },
          ],
        },
        { headers: { 'x-request-id': id } },
      );
      const got = await receivedWithId(upstream, id);
      assert.deepEqual(got.body.messages, [{ role: 'user', content: 'What is this?', images: [PNG] }]);
      const reply = await post(`${gw.url}/v1/chat/completions`, {
        model: LLAMA,
        messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/cat.png' } }] }],
      });
      assertOpenAIError(reply, 400, /base64/);
    });
  });

  describe('/api/chat, streamed (NDJSON)', () => {
    it('OpenAI client: the pieces in order, finish and usage', async () => {
      const id = rid('ol-oa-stream');
      const stream = await oa.chat.completions.create(
        { model: LLAMA, messages: [{ role: 'user', content: 'Hi' }], stream: true, stream_options: { include_usage: true } },
        { headers: { 'x-request-id': id } },
      );
      const chunks = (await drain(stream)) as OpenAI.ChatCompletionChunk[];
      assert.equal(chunks.map((c) => c.choices[0]?.delta.content ?? '').join(''), 'Hello from the fake Ollama.');
      assert.equal(chunks.find((c) => c.choices[0]?.finish_reason)?.choices[0]!.finish_reason, 'stop');
      assert.equal(chunks.at(-1)!.usage!.completion_tokens, 7);
      const got = await receivedWithId(upstream, id);
      assert.equal(got.body.stream, true);
      assert.match(String(got.headers.accept), /application\/x-ndjson/);
    });

    it('Anthropic client: a text block streamed, message_stop', async () => {
      const id = rid('ol-ant-stream');
      const stream = ant.messages.stream(
        { model: LLAMA, max_tokens: 50, messages: [{ role: 'user', content: 'Hi' }] },
        { headers: { 'x-request-id': id } },
      );
      const final = await stream.finalMessage();
      assert.deepEqual(final.content, [{ type: 'text', text: 'Hello from the fake Ollama.' }]);
      assert.equal(final.stop_reason, 'end_turn');
      assert.equal(final.usage.output_tokens, 7);
    });
  });

  describe('profiles', () => {
    for (const client of ['openai', 'anthropic'] as const) {
      it(`${client} client: a route's defaults (sampling vocabulary, enable_thinking) reach Ollama as options and think`, async () => {
        const id = rid(`ol-profile-${client}`);
        script.on(id, { reply: { thinking: 'Profiled thought.', content: 'Done.' } });
        if (client === 'openai') {
          const c = await oa.chat.completions.create(
            { model: 'thinker', messages: [{ role: 'user', content: 'Hi' }] },
            { headers: { 'x-request-id': id } },
          );
          assert.equal((c.choices[0]!.message as any).reasoning_content, 'Profiled thought.');
          assert.equal(c.model, 'thinker');
        } else {
          const m = await ant.messages.create(
            { model: 'thinker', max_tokens: 512, messages: [{ role: 'user', content: 'Hi' }] },
            { headers: { 'x-request-id': id } },
          );
          assert.deepEqual(
            m.content.map((b) => b.type),
            ['thinking', 'text'],
          );
        }
        const got = await receivedWithId(upstream, id);
        assert.equal(got.body.model, QWEN);
        // enable_thinking reaches the IR with the kernel's default effort; Ollama takes any level as thinking on (ThinkValue.Bool, api/types.go).
        assert.equal(got.body.think, 'medium');
        // Anthropic's Messages has no seed: the profile's seed is dropped for that ingress (map-profile-vocabulary).
        const seed = client === 'openai' ? { seed: 7 } : {};
        assert.deepEqual(got.body.options, { temperature: 0.6, top_p: 0.95, top_k: 20, num_predict: 512, stop: ['<end>'], ...seed });
      });
    }
  });

  describe('tools', () => {
    it('OpenAI client: a tool call comes back with an id and JSON arguments; the result goes back as a tool message', async () => {
      const id = rid('ol-tools-1');
      script.on(id, { reply: { tool_calls: [{ function: { name: 'weather', arguments: { city: 'Tokyo' } } }] } });
      const first = await oa.chat.completions.create(
        { model: LLAMA, messages: [{ role: 'user', content: 'Weather in Tokyo?' }], tools: [WEATHER_TOOL] },
        { headers: { 'x-request-id': id } },
      );
      const choice = first.choices[0]!;
      assert.equal(choice.finish_reason, 'tool_calls');
      const call = choice.message.tool_calls![0]! as OpenAI.ChatCompletionMessageFunctionToolCall;
      assert.equal(call.function.name, 'weather');
      assert.deepEqual(JSON.parse(call.function.arguments), { city: 'Tokyo' });
      assert.ok(call.id.length > 0);
      const sent = await receivedWithId(upstream, id);
      assert.deepEqual(sent.body.tools, [{ type: 'function', function: WEATHER_TOOL.function }]);

      const id2 = rid('ol-tools-2');
      const second = await oa.chat.completions.create(
        {
          model: LLAMA,
          messages: [
            { role: 'user', content: 'Weather in Tokyo?' },
            choice.message as OpenAI.ChatCompletionMessageParam,
            { role: 'tool', tool_call_id: call.id, content: '{"temp_c":21}' },
          ],
          tools: [WEATHER_TOOL],
        },
        { headers: { 'x-request-id': id2 } },
      );
      assert.equal(second.choices[0]!.message.content, 'Hello from the fake Ollama.');
      const got = await receivedWithId(upstream, id2);
      const [, assistant, tool] = got.body.messages;
      assert.deepEqual(assistant.tool_calls, [{ id: call.id, function: { name: 'weather', arguments: { city: 'Tokyo' } } }]);
      assert.equal(tool.role, 'tool');
      assert.equal(tool.content, '{"temp_c":21}');
      assert.equal(tool.tool_call_id, call.id);
      assert.equal(tool.tool_name, 'weather');
    });

    it('Anthropic client, streamed: the tool call as a tool_use block, stop_reason tool_use', async () => {
      const id = rid('ol-tools-ant');
      script.on(id, {
        reply: { content: 'Checking.', tool_calls: [{ id: 'call_7', function: { name: 'weather', arguments: { city: 'Oslo' } } }] },
      });
      const stream = ant.messages.stream(
        {
          model: LLAMA,
          max_tokens: 200,
          tools: [{ name: 'weather', description: 'Current weather', input_schema: WEATHER_TOOL.function.parameters as any }],
          messages: [{ role: 'user', content: 'Weather in Oslo?' }],
        },
        { headers: { 'x-request-id': id } },
      );
      const final = await stream.finalMessage();
      assert.equal(final.stop_reason, 'tool_use');
      assert.deepEqual(final.content, [
        { type: 'text', text: 'Checking.' },
        { type: 'tool_use', id: 'call_7', name: 'weather', input: { city: 'Oslo' } },
      ]);
    });
  });

  describe('thinking', () => {
    it("Anthropic thinking → think: true; Ollama's thinking comes back as a thinking block before the text", async () => {
      const id = rid('ol-think-ant');
      script.on(id, { reply: { thinking: 'The user greets me.', content: 'Hello!' } });
      const message = await ant.messages.create(
        {
          model: QWEN,
          max_tokens: 4000,
          thinking: { type: 'enabled', budget_tokens: 2048 },
          messages: [{ role: 'user', content: 'Hi' }],
        },
        { headers: { 'x-request-id': id } },
      );
      assert.deepEqual(
        message.content.map((b) => b.type),
        ['thinking', 'text'],
      );
      assert.equal((message.content[0] as any).thinking, 'The user greets me.');
      const got = await receivedWithId(upstream, id);
      assert.equal(got.body.think, true);
    });

    it('OpenAI reasoning_effort → think level; streamed thinking as reasoning_content deltas', async () => {
      const id = rid('ol-think-oa');
      script.on(id, { reply: { thinking: 'Short thought here.', content: 'Answer.' } });
      const stream = await oa.chat.completions.create(
        { model: QWEN, reasoning_effort: 'high', messages: [{ role: 'user', content: 'Hi' }], stream: true },
        { headers: { 'x-request-id': id } },
      );
      const chunks = (await drain(stream)) as any[];
      assert.equal(chunks.map((c) => c.choices[0]?.delta.reasoning_content ?? '').join(''), 'Short thought here.');
      assert.equal(chunks.map((c) => c.choices[0]?.delta.content ?? '').join(''), 'Answer.');
      const got = await receivedWithId(upstream, id);
      assert.equal(got.body.think, 'high');
    });
  });

  describe('errors', () => {
    it("a model Ollama does not have: Ollama's 404 and text in each client's envelope, journaled", async () => {
      const id = rid('ol-404');
      const oaReply = await post(
        `${gw.url}/v1/chat/completions`,
        { model: GHOST, messages: [{ role: 'user', content: 'x' }] },
        { 'x-request-id': id },
      );
      assertOpenAIError(oaReply, 404, /^model 'ghost-model' not found$/);
      const antReply = await post(
        `${gw.url}/v1/messages`,
        { model: GHOST, max_tokens: 10, messages: [{ role: 'user', content: 'x' }] },
        { 'anthropic-version': '2023-06-01' },
      );
      const error = assertAnthropicError(antReply, 404, 'not_found_error');
      assert.equal(error.message, "model 'ghost-model' not found");
      const line = await journal(id);
      assert.equal(line.status, 404);
      assert.match(line.error, /model 'ghost-model' not found/);
    });

    it('a mid-stream {"error"} line: the client\'s error event, the exchange journaled as failed', async () => {
      const id = rid('ol-midstream');
      script.on(id, {
        reply: { content: 'A long answer that fails' },
        streamError: { afterLines: 2, error: 'an error was encountered while running the model' },
      });
      const stream = await oa.chat.completions.create(
        { model: LLAMA, messages: [{ role: 'user', content: 'x' }], stream: true },
        { headers: { 'x-request-id': id } },
      );
      await assert.rejects(drain(stream), /an error was encountered while running the model/);
      const line = await journal(id);
      assert.equal(line.status, 502);
      assert.match(line.error, /an error was encountered while running the model/);

      const aid = rid('ol-midstream-ant');
      script.on(aid, {
        reply: { content: 'A long answer that fails' },
        streamError: { afterLines: 1, error: 'an error was encountered while running the model' },
      });
      const reply = await post(
        `${gw.url}/v1/messages`,
        { model: LLAMA, max_tokens: 10, stream: true, messages: [{ role: 'user', content: 'x' }] },
        { 'anthropic-version': '2023-06-01', 'x-request-id': aid },
      );
      assert.equal(reply.status, 200);
      assert.match(reply.text, /event: error\ndata: .*an error was encountered while running the model/);
      assert.ok(!reply.text.includes('message_stop'));
    });

    it('a connection cut mid-stream: an error event for the client, journaled as failed, the gateway still serving', async () => {
      const id = rid('ol-cut');
      script.on(id, { reply: { content: 'This answer will be cut short.' }, cutAfterLines: 2 });
      const stream = await oa.chat.completions.create(
        { model: LLAMA, messages: [{ role: 'user', content: 'x' }], stream: true },
        { headers: { 'x-request-id': id } },
      );
      await assert.rejects(drain(stream));
      const line = await journal(id);
      assert.ok(line.status >= 500, `journaled status ${line.status}`);
      const after = await oa.chat.completions.create({ model: LLAMA, messages: [{ role: 'user', content: 'still there?' }] });
      assert.equal(after.choices[0]!.message.content, 'Hello from the fake Ollama.');
    });
  });

  it('/v1/embeddings through /api/embed: floats and base64 as the client asks, usage, the model name the client sent', async () => {
    const id = rid('ol-embed');
    const floats = await oa.embeddings.create(
      { model: 'nomic-embed-text', input: ['Why is the sky blue?', 'hi'], encoding_format: 'float' },
      { headers: { 'x-request-id': id } },
    );
    assert.deepEqual(
      floats.data.map((d) => d.embedding),
      [fakeEmbedding('Why is the sky blue?'), fakeEmbedding('hi')],
    );
    assert.equal(floats.usage.prompt_tokens, 6);
    assert.equal(floats.model, 'nomic-embed-text');
    const got = await receivedWithId(upstream, id);
    assert.equal(got.path, '/api/embed');
    assert.deepEqual(got.body, { model: 'nomic-embed-text', input: ['Why is the sky blue?', 'hi'] });
    // The SDK asks for base64 by default and decodes it: the same float32 values come back.
    const b64 = await oa.embeddings.create({ model: 'nomic-embed-text', input: 'abc', dimensions: 3 });
    const expected = fakeEmbedding('abc', 3).map((v) => Math.fround(v));
    assert.deepEqual(b64.data[0]!.embedding, expected);
    const raw = await post(`${gw.url}/v1/embeddings`, {
      model: 'nomic-embed-text',
      input: 'abc',
      encoding_format: 'base64',
      dimensions: 3,
    });
    assert.equal(typeof (raw.json() as any).data[0].embedding, 'string');
    const routed = await oa.embeddings.create({ model: 'embedder', input: 'abc', encoding_format: 'float' });
    assert.equal(routed.model, 'embedder');
    assert.deepEqual(routed.data[0]!.embedding, fakeEmbedding('abc'));
    assertOpenAIError(await post(`${gw.url}/v1/embeddings`, { model: 'nomic-embed-text', input: [1, 2, 3] }), 400, /text only/);
    assertOpenAIError(await post(`${gw.url}/v1/embeddings`, { model: GHOST, input: 'x' }), 404, /^model 'ghost-model' not found$/);
  });

  it("a Responses client is translated too; count_tokens is a 400 in the client's envelope", async () => {
    const id = rid('ol-responses');
    const reply = await post(`${gw.url}/v1/responses`, { model: LLAMA, input: 'Hi' }, { 'x-request-id': id });
    assert.equal(reply.status, 200, reply.text);
    const out = reply.json() as { output: { type: string; content?: { text: string }[] }[] };
    assert.equal(out.output.find((o) => o.type === 'message')!.content![0]!.text, 'Hello from the fake Ollama.');
    assert.equal((await receivedWithId(upstream, id)).path, '/api/chat');
    assertAnthropicError(
      await post(
        `${gw.url}/v1/messages/count_tokens`,
        { model: LLAMA, messages: [{ role: 'user', content: 'x' }] },
        { 'anthropic-version': '2023-06-01' },
      ),
      400,
    );
  });

  it('/v1/models lists the models /api/tags reports that the backend admits', async () => {
    const reply = await get(`${gw.url}/v1/models`);
    assert.equal(reply.status, 200);
    const ids = (reply.json() as { data: { id: string }[] }).data.map((m) => m.id).sort();
    assert.deepEqual(ids, ['embedder', GHOST, LLAMA, 'nomic-embed-text', QWEN, 'thinker'].sort());
    assert.ok(upstream.requests.some((r) => r.method === 'GET' && r.path === '/api/tags'));
  });
});
