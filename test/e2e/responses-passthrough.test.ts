/* eslint-disable @typescript-eslint/no-explicit-any -- tests poke into parsed payloads */
/**
 * `type: openresponses` backends against a fake replaying the recorded OpenResponses fixtures
 * (plugins/openresponses/test/fixtures/openresponses/, LM Studio): /v1/responses passes through untouched (the
 * client's request bytes upstream, `store` and `previous_response_id` included; the upstream's
 * bytes back, streamed and not), with the official `openai` SDK and raw HTTP; a virtual model's
 * name written into the stream; chat and Anthropic clients translated to the Responses API and
 * back; the model list read from GET /v1/models.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type OpenAI from 'openai';
import {
  destroyMidStream,
  fixtureEvents,
  fixturePath,
  json,
  replayFixture,
  startFakeUpstream,
  type FakeUpstream,
} from '../helpers/fake-upstream.js';
import { parseSse, readSse } from '../helpers/sse.js';
import { startGateway, type RunningGateway } from '../helpers/start-gateway.js';
import { byRequestId, get, post, receivedWithId, rid, waitFor } from '../helpers/e2e.js';
import { anthropicClient, openaiClient } from '../helpers/anthropic-e2e.js';
import { assertResponsesEventOrder, responsesEvents, type ResponsesEvent } from '../helpers/responses-events.js';

const BACKEND_KEY = 'sk-lmstudio-e2e-0123456789';
const MODELS = ['gemma-7b-it', 'zai-org/glm-4.7-flash', 'mistralai/ministral-3-14b-reasoning'];

describe('type: openresponses (fake replaying the LM Studio fixtures)', () => {
  let upstream: FakeUpstream;
  let gw: RunningGateway;
  let oa: OpenAI;
  const script = byRequestId(json(200, { object: 'list', data: MODELS.map((id) => ({ id, object: 'model', owned_by: 'lmstudio' })) }));

  before(async () => {
    upstream = await startFakeUpstream(script);
    gw = await startGateway({
      config: {
        logging: { level: 'warn' },
        backends: [
          {
            id: 'lmstudio',
            type: 'openresponses',
            base_url: upstream.url,
            api_key: BACKEND_KEY,
            models: ['gemma-*', 'zai-org/*', 'mistralai/*'],
          },
        ],
        routes: [
          { virtual_model: 'local', backend: 'lmstudio', real_model: 'gemma-7b-it', defaults: { max_tokens: 333, temperature: 0.1 } },
        ],
      },
    });
    oa = openaiClient(gw.url);
  });

  after(async () => {
    await gw?.stop();
    await upstream?.close();
  });

  it('streamed passthrough: the fixture’s bytes exactly; the request bytes exactly, store and previous_response_id untouched', async () => {
    const id = rid('or-pass-sse');
    script.on(id, replayFixture('openresponses/lmstudio-basic.1.chunks.txt'));
    const sent = `{"model":"gemma-7b-it","input":"Tell me about a festival","stream":true,"store":true,"previous_response_id":"resp_prev_1","tools":[{"type":"web_search"}]}`;
    const res = await fetch(`${gw.url}/v1/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': id, authorization: 'Bearer client-key' },
      body: sent,
    });
    assert.equal(res.status, 200);
    const bytes = Buffer.from(await res.arrayBuffer());
    assert.equal(bytes.toString('utf8'), fixtureEvents('openresponses/lmstudio-basic.1.chunks.txt').join(''));
    assert.equal(res.headers.get('x-switchyard-dropped-tools'), null, 'hosted tools go to a Responses backend as they are');
    const got = await receivedWithId(upstream, id);
    assert.equal(got.path, '/v1/responses');
    assert.equal(got.rawBody.toString('utf8'), sent);
    assert.equal(got.headers.authorization, `Bearer ${BACKEND_KEY}`);
  });

  it('the upstream connection dies mid-stream: the stream ends with error and response.failed (same response id, next sequence numbers); the SDK throws', async () => {
    const events = fixtureEvents('openresponses/lmstudio-basic.1.chunks.txt');
    const cutAfter = 6;
    const raw = async (id: string) => {
      script.on(id, destroyMidStream(cutAfter, { fixture: 'openresponses/lmstudio-basic.1.chunks.txt' }));
      const res = await fetch(`${gw.url}/v1/responses`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': id },
        body: JSON.stringify({ model: 'gemma-7b-it', input: 'Tell me about a festival', stream: true }),
      });
      assert.equal(res.status, 200);
      return res.text();
    };
    const text = await raw(rid('or-pass-cut'));
    assert.ok(text.startsWith(events.slice(0, cutAfter).join('')), 'what the upstream sent comes through untouched');
    const got = responsesEvents(parseSse(text));
    const created = got.find((e) => e.type === 'response.created')!;
    const tail = got.slice(-2);
    assert.deepEqual(
      tail.map((e) => e.type),
      ['error', 'response.failed'],
    );
    const lastSeq = (got[got.length - 3] as any).sequence_number as number;
    assert.equal((tail[0] as any).sequence_number, lastSeq + 1);
    assert.equal((tail[1] as any).sequence_number, lastSeq + 2);
    assert.equal((tail[1] as any).response.id, (created as any).response.id);
    assert.equal((tail[1] as any).response.status, 'failed');
    assert.equal(typeof (tail[1] as any).response.error.message, 'string');
    assertResponsesEventOrder(got);

    script.on('or-pass-cut-sdk', destroyMidStream(cutAfter, { fixture: 'openresponses/lmstudio-basic.1.chunks.txt' }));
    const stream = await oa.responses.create(
      { model: 'gemma-7b-it', input: 'Tell me about a festival', stream: true },
      { headers: { 'x-request-id': 'or-pass-cut-sdk' }, maxRetries: 0 },
    );
    await assert.rejects(async () => {
      for await (const _event of stream) void _event;
    }, /closed the connection|connection|upstream|backend/i);
  });

  it('non-streamed passthrough: the fixture’s JSON bytes exactly', async () => {
    const id = rid('or-pass-json');
    script.on(id, replayFixture('openresponses/lmstudio-tool-call.1.json'));
    const reply = await post(
      `${gw.url}/v1/responses`,
      { model: 'mistralai/ministral-3-14b-reasoning', input: 'Weather in SF?', tool_choice: 'required' },
      { 'x-request-id': id },
    );
    assert.equal(reply.status, 200);
    assert.ok(reply.bytes.equals(readFileSync(fixturePath('openresponses/lmstudio-tool-call.1.json'))));
  });

  it('the openai SDK: responses.create streamed and not, and the responses.stream helper, on the passed-through bytes', async () => {
    const id1 = rid('or-sdk-json');
    script.on(id1, replayFixture('openresponses/lmstudio-basic.1.json'));
    const response = await oa.responses.create(
      { model: 'mistralai/ministral-3-14b-reasoning', input: 'Hi' },
      { headers: { 'x-request-id': id1 } },
    );
    assert.equal(response.output_text, 'text content');
    assert.equal(response.usage?.output_tokens_details.reasoning_tokens, 2456);

    const id2 = rid('or-sdk-sse');
    script.on(id2, replayFixture('openresponses/lmstudio-tool-call.1.chunks.txt'));
    const events: ResponsesEvent[] = [];
    for await (const e of await oa.responses.create(
      { model: 'zai-org/glm-4.7-flash', input: 'Weather?', stream: true },
      { headers: { 'x-request-id': id2 } },
    )) {
      events.push(e as ResponsesEvent);
    }
    const terminal = assertResponsesEventOrder(events);
    assert.equal(terminal.response.output[2].arguments, '{"location":"San Francisco"}');

    const id3 = rid('or-sdk-helper');
    script.on(id3, replayFixture('openresponses/lmstudio-tool-call.1.chunks.txt'));
    const final = await oa.responses
      .stream({ model: 'zai-org/glm-4.7-flash', input: 'Weather?' }, { headers: { 'x-request-id': id3 } })
      .finalResponse();
    assert.equal(final.output_text, "I'll get the current weather information for San Francisco for you.");
    assert.equal(final.output.at(-1)!.type, 'function_call');
  });

  it('a virtual model: the profile in Responses terms upstream; the client’s model name in every event', async () => {
    const id = rid('or-virtual');
    script.on(id, replayFixture('openresponses/lmstudio-basic.1.chunks.txt'));
    const res = await fetch(`${gw.url}/v1/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': id },
      body: JSON.stringify({ model: 'local', input: 'x', stream: true }),
    });
    const events = responsesEvents(await readSse(res));
    assert.equal(events[0]!.response.model, 'local');
    assert.equal(events.at(-1)!.response.model, 'local');
    assert.equal(res.headers.get('x-switchyard-real-model'), 'gemma-7b-it');
    const got = await receivedWithId(upstream, id);
    assert.deepEqual(got.body, { model: 'gemma-7b-it', input: 'x', stream: true, max_output_tokens: 333, temperature: 0.1 });
  });

  it('a chat client → the Responses API and back, streamed: reasoning_content, content, tool_calls, usage', async () => {
    const id = rid('or-chat-sse');
    script.on(id, replayFixture('openresponses/lmstudio-tool-call.1.chunks.txt'));
    const stream = await oa.chat.completions.create(
      {
        model: 'zai-org/glm-4.7-flash',
        messages: [
          { role: 'system', content: 'Use tools.' },
          { role: 'user', content: 'Weather in SF?' },
        ],
        tools: [
          { type: 'function', function: { name: 'weather', parameters: { type: 'object', properties: { location: { type: 'string' } } } } },
        ],
        tool_choice: 'required',
        max_tokens: 200,
        stream: true,
        stream_options: { include_usage: true },
      },
      { headers: { 'x-request-id': id } },
    );
    let reasoning = '';
    let content = '';
    let args = '';
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta as any;
      reasoning += delta?.reasoning_content ?? '';
      content += delta?.content ?? '';
      args += delta?.tool_calls?.[0]?.function?.arguments ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    assert.match(reasoning, /^The user is asking for the weather in San Francisco/);
    assert.equal(content, "I'll get the current weather information for San Francisco for you.");
    assert.equal(args, '{"location":"San Francisco"}');
    assert.equal(finish, 'tool_calls');
    assert.equal(usage?.prompt_tokens, 182);
    assert.equal(usage?.completion_tokens_details?.reasoning_tokens, 48);
    const got = await receivedWithId(upstream, id);
    assert.equal(got.path, '/v1/responses');
    assert.deepEqual(got.body, {
      model: 'zai-org/glm-4.7-flash',
      instructions: 'Use tools.',
      input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Weather in SF?' }] }],
      tools: [
        { type: 'function', name: 'weather', parameters: { type: 'object', properties: { location: { type: 'string' } } }, strict: false },
      ],
      tool_choice: 'required',
      max_output_tokens: 200,
      store: false,
      stream: true,
    });
  });

  it('a chat client, not streamed, and an Anthropic client: translated from the fixture’s JSON', async () => {
    const id = rid('or-chat-json');
    script.on(id, replayFixture('openresponses/lmstudio-basic.1.json'));
    const completion = await oa.chat.completions.create(
      { model: 'mistralai/ministral-3-14b-reasoning', messages: [{ role: 'user', content: 'Hi' }] },
      { headers: { 'x-request-id': id } },
    );
    assert.equal(completion.choices[0]!.message.content, 'text content');
    assert.equal((completion.choices[0]!.message as any).reasoning_content, 'reasoning content');
    assert.equal(completion.model, 'mistralai/ministral-3-14b-reasoning');
    assert.equal(completion.usage?.completion_tokens, 3677);

    const id2 = rid('or-ant-json');
    script.on(id2, replayFixture('openresponses/lmstudio-tool-call.1.json'));
    const message = await anthropicClient(gw.url).messages.create(
      {
        model: 'mistralai/ministral-3-14b-reasoning',
        max_tokens: 512,
        messages: [{ role: 'user', content: 'Weather in SF?' }],
        tools: [{ name: 'weather', input_schema: { type: 'object', properties: { location: { type: 'string' } } } }],
      },
      { headers: { 'x-request-id': id2 } },
    );
    assert.equal(message.stop_reason, 'tool_use');
    assert.deepEqual(message.content, [
      { type: 'tool_use', id: 'call_2866856768160095', name: 'weather', input: { location: 'San Francisco' } },
    ]);
    const got = await receivedWithId(upstream, id2);
    assert.equal(got.body.max_output_tokens, 512);
  });

  it('a chat client’s thinking tool loop → the Responses API: store false, encrypted reasoning asked for and replayed, tools strict: false (issue #15)', async () => {
    const model = 'zai-org/glm-4.7-flash';
    const tools = [
      {
        type: 'function' as const,
        function: { name: 'weather', parameters: { type: 'object', properties: { location: { type: 'string' } } } },
      },
    ];
    const id1 = rid('or-think-1');
    script.on(
      id1,
      json(200, {
        id: 'resp_up_1',
        object: 'response',
        created_at: 1,
        status: 'completed',
        model,
        output: [
          {
            id: 'rs_up_1',
            type: 'reasoning',
            summary: [{ type: 'summary_text', text: 'Need the weather tool.' }],
            encrypted_content: 'enc-upstream-reasoning-1',
          },
          {
            id: 'fc_up_1',
            type: 'function_call',
            status: 'completed',
            call_id: 'call_w1',
            name: 'weather',
            arguments: '{"location":"SF"}',
          },
        ],
        usage: { input_tokens: 10, output_tokens: 5, total_tokens: 15 },
      }),
    );
    const first = await oa.chat.completions.create(
      { model, messages: [{ role: 'user', content: 'Weather in SF?' }], tools, reasoning_effort: 'high' },
      { headers: { 'x-request-id': id1 } },
    );
    const got1 = await receivedWithId(upstream, id1);
    assert.equal(got1.body.store, false);
    assert.deepEqual(got1.body.include, ['reasoning.encrypted_content']);
    assert.deepEqual(got1.body.reasoning, { effort: 'high', summary: 'auto' });
    assert.equal(got1.body.tools[0].strict, false);
    const assistant = first.choices[0]!.message as any;
    assert.equal(assistant.tool_calls[0].id, 'call_w1');
    assert.equal(assistant.reasoning_content, 'Need the weather tool.');

    const id2 = rid('or-think-2');
    script.on(id2, replayFixture('openresponses/lmstudio-basic.1.json'));
    await oa.chat.completions.create(
      {
        model,
        messages: [{ role: 'user', content: 'Weather in SF?' }, assistant, { role: 'tool', tool_call_id: 'call_w1', content: 'sunny' }],
        tools,
        reasoning_effort: 'high',
      },
      { headers: { 'x-request-id': id2 } },
    );
    const got2 = await receivedWithId(upstream, id2);
    assert.equal(got2.body.store, false);
    assert.deepEqual(
      got2.body.input.map((item: any) => item.type ?? item.role),
      ['message', 'reasoning', 'function_call', 'function_call_output'],
    );
    assert.equal(got2.body.input[1].encrypted_content, 'enc-upstream-reasoning-1', 'the backend’s encrypted reasoning is replayed');
    assert.equal(got2.body.input[1].id, undefined, 'no item id: nothing is stored upstream');
  });

  it('logprobs from a chat client → top_logprobs and include message.output_text.logprobs; the tokens come back as choice logprobs (issue #15)', async () => {
    const id = rid('or-logprobs');
    script.on(
      id,
      json(200, {
        id: 'resp_lp',
        object: 'response',
        created_at: 1,
        status: 'completed',
        model: 'gemma-7b-it',
        output: [
          {
            id: 'msg_lp',
            type: 'message',
            role: 'assistant',
            status: 'completed',
            content: [
              {
                type: 'output_text',
                text: 'Hi',
                annotations: [],
                logprobs: [
                  { token: 'Hi', logprob: -0.1, bytes: [72, 105], top_logprobs: [{ token: 'Hi', logprob: -0.1, bytes: [72, 105] }] },
                ],
              },
            ],
          },
        ],
        usage: { input_tokens: 3, output_tokens: 1, total_tokens: 4 },
      }),
    );
    const completion = await oa.chat.completions.create(
      { model: 'gemma-7b-it', logprobs: true, top_logprobs: 1, messages: [{ role: 'user', content: 'greet' }] },
      { headers: { 'x-request-id': id } },
    );
    assert.deepEqual(completion.choices[0]!.logprobs?.content, [
      { token: 'Hi', logprob: -0.1, bytes: [72, 105], top_logprobs: [{ token: 'Hi', logprob: -0.1, bytes: [72, 105] }] },
    ]);
    const got = await receivedWithId(upstream, id);
    assert.equal(got.body.top_logprobs, 1);
    assert.deepEqual(got.body.include, ['message.output_text.logprobs']);
    const many = await oa.chat.completions.create({ model: 'gemma-7b-it', n: 2, messages: [{ role: 'user', content: 'x' }] }).then(
      () => null,
      (err: unknown) => err,
    );
    assert.match(String((many as Error | null)?.message), /400 n: 2 choices are not available/, 'the Responses API has no n');
  });

  it('GET /v1/models lists what the backend reports on its /v1/models', async () => {
    const ids = await waitFor(
      async () => {
        const listed = ((await get(`${gw.url}/v1/models`)).json().data as Array<{ id: string }>).map((m) => m.id);
        return MODELS.every((m) => listed.includes(m)) ? listed : null;
      },
      10_000,
      'the backend’s models in /v1/models',
    );
    assert.ok(ids.includes('local'));
    assert.ok(upstream.requests.some((r) => r.method === 'GET' && r.path === '/v1/models'));
  });
});
