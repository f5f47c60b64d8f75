/**
 * The official `openai` SDK against the built gateway, with a backend `type: openai` pointed at
 * a fake upstream: chat (streamed and not, tool calls), FIM completions, embeddings, the models
 * list, and what the upstream receives (exact bytes, credentials, ids, trace context).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import { json, openAiCompatible, sse, startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { startGateway, type RunningGateway } from '../helpers/start-gateway.js';
import { byModel, chatChunk, chatCompletion, post, receivedWithId, rid, textChunks, TRACEPARENT, waitFor } from '../helpers/e2e.js';

const BACKEND_KEY = 'sk-e2e-backend-key-0123456789abcdef';
const CLIENT_KEY = 'client-key-never-forwarded';
const REPORTED = ['gpt-fake', 'text-fim', 'embed-small', 'org/model-a', 'llama-unlisted', 'whisper-x'];
const ADMITTED = ['gpt-fake', 'text-fim', 'embed-small', 'org/model-a'];

const TOOL_CALL = { id: 'call_e2e_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris","unit":"c"}' } };
const TOOLS = [
  {
    type: 'function' as const,
    function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' }, unit: { type: 'string' } } } },
  },
];

/** Embedding vectors exactly representable as float32, and their base64 (little-endian float32). */
const VECTOR = [0.5, -0.25, 0.125, 1];
const VECTOR_B64 = Buffer.from(new Float32Array(VECTOR).buffer).toString('base64');

function embeddingsReply(embedding: unknown): Record<string, unknown> {
  return {
    object: 'list',
    data: [{ object: 'embedding', index: 0, embedding }],
    model: 'embed-small',
    usage: { prompt_tokens: 2, total_tokens: 2 },
  };
}

describe('openai SDK through the gateway (backend type openai → fake upstream)', () => {
  let upstream: FakeUpstream;
  let gw: RunningGateway;
  let client: OpenAI;

  before(async () => {
    upstream = await startFakeUpstream(
      byModel(
        {
          'gpt-text': json(200, chatCompletion('gpt-text', { content: 'Hello from the fake' }), { 'x-request-id': 'up-req-1' }),
          'gpt-stream': sse([
            ...textChunks('gpt-stream', ['Hel', 'lo', ', str', 'eam']),
            { ...chatChunk('gpt-stream', {}), choices: [], usage: { prompt_tokens: 1, completion_tokens: 4, total_tokens: 5 } },
          ]),
          'gpt-tool': json(200, chatCompletion('gpt-tool', { content: null, tool_calls: [TOOL_CALL] }, 'tool_calls')),
          'gpt-tool-stream': sse([
            chatChunk('gpt-tool-stream', { role: 'assistant', content: null }),
            chatChunk('gpt-tool-stream', {
              tool_calls: [{ index: 0, id: TOOL_CALL.id, type: 'function', function: { name: 'get_weather', arguments: '' } }],
            }),
            chatChunk('gpt-tool-stream', { tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }),
            chatChunk('gpt-tool-stream', { tool_calls: [{ index: 0, function: { arguments: '"Paris","unit"' } }] }),
            chatChunk('gpt-tool-stream', { tool_calls: [{ index: 0, function: { arguments: ':"c"}' } }] }),
            chatChunk('gpt-tool-stream', {}, 'tool_calls'),
          ]),
          'text-fim': json(200, {
            id: 'cmpl-e2e',
            object: 'text_completion',
            created: 1_700_000_000,
            model: 'text-fim',
            choices: [{ text: '  return a + b\n', index: 0, logprobs: null, finish_reason: 'stop' }],
            usage: { prompt_tokens: 9, completion_tokens: 6, total_tokens: 15 },
          }),
          'embed-float': json(200, embeddingsReply(VECTOR)),
          'embed-b64': json(200, embeddingsReply(VECTOR_B64)),
        },
        openAiCompatible({ mock_models: REPORTED }),
      ),
    );
    gw = await startGateway({
      config: {
        logging: { level: 'warn' },
        backends: [
          {
            id: 'fake',
            type: 'openai',
            base_url: upstream.url,
            api_key: BACKEND_KEY,
            models: ['gpt-*', 'text-*', 'embed-*', 'org/*'],
          },
        ],
      },
    });
    client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: CLIENT_KEY, maxRetries: 0, timeout: 10_000 });
  });

  after(async () => {
    await gw?.stop();
    await upstream?.close();
  });

  it('chat, not streamed: content and usage reach the SDK; the upstream gets the backend key and the ids', async () => {
    const id = rid('chat');
    const { data, response } = await client.chat.completions
      .create({ model: 'gpt-text', messages: [{ role: 'user', content: 'hi' }] }, { headers: { 'x-request-id': id } })
      .withResponse();
    assert.equal(data.choices[0]!.message.content, 'Hello from the fake');
    assert.equal(data.usage?.total_tokens, 8);
    assert.equal(data.model, 'gpt-text');
    assert.equal(response.headers.get('x-request-id'), id);
    assert.equal(response.headers.get('x-upstream-request-id'), 'up-req-1');
    assert.equal(response.headers.get('x-switchyard-real-model'), 'gpt-text');

    const got = await receivedWithId(upstream, id);
    assert.equal(got.method, 'POST');
    assert.equal(got.path, '/v1/chat/completions');
    assert.equal(got.headers.authorization, `Bearer ${BACKEND_KEY}`);
    assert.ok(!JSON.stringify(got.headers).includes(CLIENT_KEY), 'the client key must not be forwarded');
    assert.equal(got.headers['accept-encoding'], 'identity');
    assert.match(String(got.headers.traceparent), TRACEPARENT);
    assert.deepEqual(got.body.messages, [{ role: 'user', content: 'hi' }]);
    assert.equal(got.body.model, 'gpt-text');
  });

  it('chat, streamed: the SDK assembles the content', async () => {
    const id = rid('stream');
    const stream = await client.chat.completions.create(
      { model: 'gpt-stream', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'hi' }] },
      { headers: { 'x-request-id': id } },
    );
    let content = '';
    let usage: OpenAI.CompletionUsage | undefined | null;
    let finish: string | null = null;
    for await (const chunk of stream) {
      content += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    assert.equal(content, 'Hello, stream');
    assert.equal(finish, 'stop');
    assert.equal(usage?.completion_tokens, 4);
    const got = await receivedWithId(upstream, id);
    assert.equal(got.body.stream, true);
    assert.deepEqual(got.body.stream_options, { include_usage: true });
    assert.equal(got.headers.authorization, `Bearer ${BACKEND_KEY}`);
  });

  it('tool call, not streamed: the SDK sees id, name and arguments', async () => {
    const id = rid('tool');
    const res = await client.chat.completions.create(
      { model: 'gpt-tool', messages: [{ role: 'user', content: 'weather in Paris?' }], tools: TOOLS, tool_choice: 'auto' },
      { headers: { 'x-request-id': id } },
    );
    assert.equal(res.choices[0]!.finish_reason, 'tool_calls');
    const call = res.choices[0]!.message.tool_calls?.[0];
    assert.ok(call && call.type === 'function');
    assert.equal(call.id, 'call_e2e_1');
    assert.equal(call.function.name, 'get_weather');
    assert.deepEqual(JSON.parse(call.function.arguments), { city: 'Paris', unit: 'c' });
    const got = await receivedWithId(upstream, id);
    assert.deepEqual(got.body.tools, TOOLS);
    assert.equal(got.body.tool_choice, 'auto');
  });

  it('tool call, streamed: the SDK stream helper assembles id, name and arguments', async () => {
    const id = rid('toolstream');
    const stream = client.chat.completions.stream(
      { model: 'gpt-tool-stream', messages: [{ role: 'user', content: 'weather in Paris?' }], tools: TOOLS },
      { headers: { 'x-request-id': id } },
    );
    const final = await stream.finalChatCompletion();
    const call = final.choices[0]!.message.tool_calls?.[0];
    assert.ok(call && call.type === 'function');
    assert.equal(call.id, 'call_e2e_1');
    assert.equal(call.function.name, 'get_weather');
    assert.equal(call.function.arguments, '{"city":"Paris","unit":"c"}');
    assert.equal(final.choices[0]!.finish_reason, 'tool_calls');
    const got = await receivedWithId(upstream, id);
    assert.equal(got.body.stream, true);
  });

  it('completions with suffix (FIM): the upstream receives prompt and suffix unchanged', async () => {
    const id = rid('fim');
    const prompt = 'def add(a, b):\n';
    const suffix = '\n\nprint(add(1, 2))\n';
    const res = await client.completions.create(
      { model: 'text-fim', prompt, suffix, max_tokens: 16, temperature: 0 },
      { headers: { 'x-request-id': id } },
    );
    assert.equal(res.choices[0]!.text, '  return a + b\n');
    const got = await receivedWithId(upstream, id);
    assert.equal(got.path, '/v1/completions');
    assert.equal(got.body.prompt, prompt);
    assert.equal(got.body.suffix, suffix);
    assert.equal(got.body.max_tokens, 16);
  });

  it('embeddings with encoding_format float', async () => {
    const id = rid('embf');
    const res = await client.embeddings.create(
      { model: 'embed-float', input: 'hello', encoding_format: 'float' },
      { headers: { 'x-request-id': id } },
    );
    assert.deepEqual(res.data[0]!.embedding, VECTOR);
    const got = await receivedWithId(upstream, id);
    assert.equal(got.path, '/v1/embeddings');
    assert.equal(got.body.encoding_format, 'float');
    assert.equal(got.body.input, 'hello');
  });

  it('embeddings in base64 (the SDK default) decode to the same floats', async () => {
    const id = rid('embb');
    const res = await client.embeddings.create({ model: 'embed-b64', input: ['hello', 'world'] }, { headers: { 'x-request-id': id } });
    assert.deepEqual(Array.from(res.data[0]!.embedding), VECTOR);
    const got = await receivedWithId(upstream, id);
    assert.equal(got.body.encoding_format, 'base64');
    assert.deepEqual(got.body.input, ['hello', 'world']);
  });

  it('models.list(): what the fake reports that the backend globs admit', async () => {
    const ids = await waitFor(
      async () => {
        const out: string[] = [];
        for await (const m of client.models.list()) out.push(m.id);
        return out.length > 0 ? out : null;
      },
      5000,
      'the catalog to list the fake backend models',
    );
    assert.deepEqual(ids, ADMITTED);
    const listing = upstream.requests.find((r) => r.method === 'GET' && r.path === '/v1/models');
    assert.ok(listing, 'the gateway asked the fake for its models');
    assert.equal(listing.headers.authorization, `Bearer ${BACKEND_KEY}`);
    const one = await client.models.retrieve('org/model-a');
    assert.equal(one.id, 'org/model-a');
  });

  it('passthrough: the upstream receives the exact body bytes of an unchanged request, unknown fields included', async () => {
    const id = rid('bytes');
    // Odd spacing, key order and an unknown vendor field: a re-serialising proxy would change these bytes.
    const raw =
      '{ "messages" : [ {"role":"user","content":"caf\\u00e9 \u00e9t\u00e9"} ],\n  "vendor_x": {"a":1},  "model":"gpt-text", "temperature": 0.70, "top_k": 20 }';
    const reply = await post(`${gw.url}/v1/chat/completions`, raw, {
      authorization: `Bearer ${CLIENT_KEY}`,
      'x-request-id': id,
      'accept-encoding': 'gzip, br',
      cookie: 'session=abc',
      'openai-organization': 'org-e2e',
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    });
    assert.equal(reply.status, 200, reply.text);
    assert.equal(reply.json().choices[0].message.content, 'Hello from the fake');
    const got = await receivedWithId(upstream, id);
    assert.ok(got.rawBody.equals(Buffer.from(raw, 'utf8')), `upstream body differs:\n${got.rawBody.toString('utf8')}\n---\n${raw}`);
    assert.deepEqual(got.body.vendor_x, { a: 1 });
    assert.equal(got.headers.authorization, `Bearer ${BACKEND_KEY}`);
    assert.equal(got.headers['accept-encoding'], 'identity');
    assert.equal(got.headers.cookie, undefined, 'cookie is dropped');
    assert.equal(got.headers['openai-organization'], 'org-e2e', 'provider headers pass on');
    assert.equal(got.headers['x-request-id'], id);
    // The client's trace continues with a new span.
    assert.match(String(got.headers.traceparent), /^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01$/);
    assert.notEqual(got.headers.traceparent, '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
  });

  it('passthrough of a streamed request: exact body bytes upstream', async () => {
    const id = rid('bytes-stream');
    const raw =
      '{"model":"gpt-stream","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"x"}],"vendor_x":{"a":1}}';
    const reply = await post(`${gw.url}/v1/chat/completions`, raw, { 'x-request-id': id });
    assert.equal(reply.status, 200);
    assert.match(reply.headers.get('content-type') ?? '', /^text\/event-stream/);
    assert.match(reply.text, /data: \[DONE\]\n\n$/);
    const got = await receivedWithId(upstream, id);
    assert.equal(got.rawBody.toString('utf8'), raw);
  });
});
