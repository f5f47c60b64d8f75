/* eslint-disable @typescript-eslint/no-explicit-any -- tests poke into parsed payloads and SDK unions */
/**
 * The /v1/responses ingress for backends that do not speak the Responses API, with the official
 * `openai` SDK (`responses.create`, streamed and not, and the `responses.stream` helper) against
 * the built gateway: an OpenAI-compatible chat backend (a scripted fake upstream), the mock, and
 * an Anthropic backend (a fake replaying the recorded fixtures). Tool-use loops through both,
 * custom and namespaced tools round-tripped, hosted tools dropped (header, exposed to browsers by
 * CORS, and upstream body), Anthropic thinking signatures replayed through encrypted_content, the
 * stateless 400s, failures as error + response.failed, and every stream held to the OpenResponses
 * ordering rules. A Codex request shape is emulated turn by turn here; codex-cli.test.ts runs the
 * real Codex CLI.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import { destroyMidStream, json, replayFixture, sse, startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { readSse } from '../helpers/sse.js';
import { startGateway, type RunningGateway } from '../helpers/start-gateway.js';
import { assertOpenAIError, byRequestId, chatChunk, chatCompletion, post, receivedWithId, rid, textChunks } from '../helpers/e2e.js';
import { anthropicMessage, anthropicStream, fakeAnthropic, openaiClient } from '../helpers/anthropic-e2e.js';
import { assertResponsesEventOrder, responsesEvents, type ResponsesEvent } from '../helpers/responses-events.js';

const SONNET = 'claude-sonnet-4-5-20250929';
const CHAT_MODEL = 'gpt-chat';
const BROWSER_ORIGIN = 'https://app.example';
const CLEAR_THINKING_STREAM_SIGNATURE =
  'EvQBCkYICxgCKkAxhD4NUKFzudtZ6NzbZdEiBACIScTzqjPViM596iWLZIk4EFKYYBj3B6Ptl3b0dcQv/VeJBNbejNWIWRBn+KPNEgz6HWtKx7p+QRgKsEoaDGjsiqfht7gTRFYHiyIwD1VSmNqHxv3wy8KEMP+LYb/TC4UH3H97tuoaADARFFcA0phdfxnzKQxFnc9lwY+dKlzUsaKSUAFeu1bDL5ikZJ1vL0Fkz6JjoFke0L/wOJRIUDUlDUOFJ1tZ3ea7g6LGE/5hwuvWgLwewdcm64d+43l7F57XrOmqNd6flI2K/oPr/4yzNgvi/EhT6Ca17BgB';

const WEATHER = {
  type: 'function' as const,
  name: 'get_weather',
  description: 'Current weather',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
  strict: false,
};

/** Chat chunks streaming one tool call, then the finish and a usage chunk. */
function toolCallChunks(model: string, id: string, name: string, args: string[]): object[] {
  return [
    chatChunk(model, {
      role: 'assistant',
      content: null,
      tool_calls: [{ index: 0, id, type: 'function', function: { name, arguments: '' } }],
    }),
    ...args.map((a) => chatChunk(model, { tool_calls: [{ index: 0, function: { arguments: a } }] })),
    chatChunk(model, {}, 'tool_calls'),
    usageChunk(model, 11, 7),
  ];
}

function usageChunk(model: string, prompt: number, completion: number): object {
  return {
    ...chatChunk(model, {}),
    choices: [],
    usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
  };
}

/** Reads a /v1/responses SSE reply: events checked against the ordering rules, the terminal one returned too. */
async function rawStream(url: string, body: object, headers: Record<string, string> = {}) {
  const res = await fetch(`${url}/v1/responses`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ ...body, stream: true }),
    signal: AbortSignal.timeout(10_000),
  });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
  const events = responsesEvents(await readSse(res));
  const terminal = assertResponsesEventOrder(events);
  return { res, events, terminal };
}

/** Events yielded by the SDK's raw stream (`responses.create({stream: true})`). */
async function sdkEvents(stream: AsyncIterable<any>): Promise<ResponsesEvent[]> {
  const out: ResponsesEvent[] = [];
  for await (const e of stream) out.push(e as ResponsesEvent);
  return out;
}

describe('/v1/responses through the IR (chat backend, mock, Anthropic backend)', () => {
  let vllm: FakeUpstream;
  let claude: FakeUpstream;
  let gw: RunningGateway;
  let oa: OpenAI;
  const chat = byRequestId();
  const anthropic = fakeAnthropic();

  before(async () => {
    vllm = await startFakeUpstream(chat);
    claude = await startFakeUpstream(anthropic);
    gw = await startGateway({
      config: {
        logging: { level: 'warn' },
        server: { cors: { origins: [BROWSER_ORIGIN] } },
        backends: [
          { id: 'vllm', type: 'openai', base_url: vllm.url, models: ['gpt-*'] },
          { id: 'claude', type: 'anthropic', base_url: claude.url, api_key: 'sk-ant-e2e', default_max_tokens: 4000, models: ['claude-*'] },
          { id: 'mock', type: 'mock', models: ['mock'] },
        ],
        routes: [{ virtual_model: 'coder', backend: 'vllm', real_model: CHAT_MODEL, defaults: { max_tokens: 777 } }],
      },
    });
    oa = openaiClient(gw.url);
  });

  after(async () => {
    await gw?.stop();
    await vllm?.close();
    await claude?.close();
  });

  describe('OpenAI-compatible chat backend', () => {
    it('responses.create, not streamed: the chat body upstream; a Response object back', async () => {
      const id = rid('rs-chat-json');
      chat.on(id, json(200, chatCompletion(CHAT_MODEL, { content: 'Paris is sunny.' })));
      const response = await oa.responses.create(
        {
          model: CHAT_MODEL,
          instructions: 'Be brief.',
          input: [{ role: 'user', content: [{ type: 'input_text', text: 'Weather in Paris?' }] }],
          max_output_tokens: 64,
          temperature: 0.2,
          store: true,
        },
        { headers: { 'x-request-id': id } },
      );
      assert.equal(response.object, 'response');
      assert.match(response.id, /^resp_/);
      assert.equal(response.status, 'completed');
      assert.equal(response.model, CHAT_MODEL);
      assert.equal(response.output_text, 'Paris is sunny.');
      assert.deepEqual(response.usage, {
        input_tokens: 5,
        input_tokens_details: { cached_tokens: 0 },
        output_tokens: 3,
        output_tokens_details: { reasoning_tokens: 0 },
        total_tokens: 8,
      });
      const got = await receivedWithId(vllm, id);
      assert.equal(got.path, '/v1/chat/completions');
      assert.deepEqual(got.body, {
        model: CHAT_MODEL,
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Weather in Paris?' },
        ],
        max_tokens: 64,
        temperature: 0.2,
      });
    });

    it('responses.create, streamed: the full event sequence in order, usage in response.completed', async () => {
      const id = rid('rs-chat-sse');
      chat.on(id, sse([...textChunks(CHAT_MODEL, ['Hel', 'lo', '!']), usageChunk(CHAT_MODEL, 9, 3)]));
      const stream = await oa.responses.create({ model: CHAT_MODEL, input: 'Hi', stream: true }, { headers: { 'x-request-id': id } });
      const events = await sdkEvents(stream);
      const terminal = assertResponsesEventOrder(events);
      assert.equal(terminal.type, 'response.completed');
      assert.equal(terminal.response.output[0].content[0].text, 'Hello!');
      assert.equal(terminal.response.usage.input_tokens, 9);
      assert.equal(terminal.response.usage.output_tokens, 3);
      assert.deepEqual(
        events.filter((e) => e.type === 'response.output_text.delta').map((e) => e.delta),
        ['Hel', 'lo', '!'],
      );
      const got = await receivedWithId(vllm, id);
      assert.equal(got.body.stream, true);
      assert.deepEqual(got.body.stream_options, { include_usage: true });
    });

    it('the responses.stream helper: text deltas as they come, finalResponse with output_text', async () => {
      const id = rid('rs-chat-helper');
      chat.on(id, sse([...textChunks(CHAT_MODEL, ['One ', 'two.']), usageChunk(CHAT_MODEL, 4, 2)]));
      const runner = oa.responses.stream({ model: CHAT_MODEL, input: 'Count' }, { headers: { 'x-request-id': id } });
      const deltas: string[] = [];
      runner.on('response.output_text.delta', (e) => deltas.push(e.delta));
      const final = await runner.finalResponse();
      assert.deepEqual(deltas, ['One ', 'two.']);
      assert.equal(final.output_text, 'One two.');
      assert.equal(final.status, 'completed');
    });

    it('a virtual model: the profile applies in Responses terms, responses name the virtual model', async () => {
      const id = rid('rs-virtual');
      chat.on(id, sse([...textChunks(CHAT_MODEL, ['ok']), usageChunk(CHAT_MODEL, 1, 1)]));
      const { terminal, res } = await rawStream(gw.url, { model: 'coder', input: 'x' }, { 'x-request-id': id });
      assert.equal(terminal.response.model, 'coder');
      assert.equal(res.headers.get('x-switchyard-real-model'), CHAT_MODEL);
      const got = await receivedWithId(vllm, id);
      assert.equal(got.body.model, CHAT_MODEL);
      assert.equal(got.body.max_tokens, 777, 'defaults.max_tokens → max_output_tokens → the chat max_tokens');
    });

    it('a tool-use loop: function_call, then function_call_output, then the final answer', async () => {
      const id1 = rid('rs-loop-1');
      chat.on(id1, sse(toolCallChunks(CHAT_MODEL, 'call_w1', 'get_weather', ['{"city":', '"Paris"}'])));
      const input: any[] = [{ role: 'user', content: 'Weather in Paris?' }];
      const first = await oa.responses
        .stream({ model: CHAT_MODEL, input, tools: [WEATHER], tool_choice: 'auto' }, { headers: { 'x-request-id': id1 } })
        .finalResponse();
      const call = first.output.find((o) => o.type === 'function_call') as OpenAI.Responses.ResponseFunctionToolCall;
      assert.ok(call, JSON.stringify(first.output));
      assert.equal(call.call_id, 'call_w1');
      assert.equal(call.name, 'get_weather');
      assert.equal(call.arguments, '{"city":"Paris"}');
      const up1 = await receivedWithId(vllm, id1);
      assert.deepEqual(up1.body.tools, [
        {
          type: 'function',
          function: { name: 'get_weather', description: 'Current weather', parameters: WEATHER.parameters, strict: false },
        },
      ]);
      assert.equal(up1.body.tool_choice, 'auto');

      const id2 = rid('rs-loop-2');
      chat.on(id2, sse([...textChunks(CHAT_MODEL, ['It is ', 'sunny in Paris.']), usageChunk(CHAT_MODEL, 30, 6)]));
      const second = await oa.responses.create(
        {
          model: CHAT_MODEL,
          input: [...input, ...first.output, { type: 'function_call_output', call_id: call.call_id, output: '{"sky":"clear","c":21}' }],
          tools: [WEATHER],
          stream: true,
        },
        { headers: { 'x-request-id': id2 } },
      );
      const terminal = assertResponsesEventOrder(await sdkEvents(second));
      assert.equal(terminal.response.output[0].content[0].text, 'It is sunny in Paris.');
      const up2 = await receivedWithId(vllm, id2);
      assert.deepEqual(up2.body.messages, [
        { role: 'user', content: 'Weather in Paris?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'call_w1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
        },
        { role: 'tool', tool_call_id: 'call_w1', content: '{"sky":"clear","c":21}' },
      ]);
    });

    it('custom (free-form) and namespaced tools: flattened upstream, restored for the client, both ways', async () => {
      const tools: any[] = [
        { type: 'custom', name: 'apply_patch', description: 'Edit files with a patch.' },
        {
          type: 'namespace',
          name: 'crm',
          description: 'CRM',
          tools: [{ type: 'function', name: 'find_contact', parameters: { type: 'object', properties: { q: { type: 'string' } } } }],
        },
      ];
      const patch = '*** Begin Patch\n*** Add File: a.txt\n+hi\n*** End Patch';
      const id1 = rid('rs-custom-1');
      chat.on(
        id1,
        json(
          200,
          chatCompletion(
            CHAT_MODEL,
            {
              content: null,
              tool_calls: [
                { id: 'call_p', type: 'function', function: { name: 'apply_patch', arguments: JSON.stringify({ input: patch }) } },
                { id: 'call_c', type: 'function', function: { name: 'crm__find_contact', arguments: '{"q":"Ada"}' } },
              ],
            },
            'tool_calls',
          ),
        ),
      );
      const first = await oa.responses.create({ model: CHAT_MODEL, input: 'patch and find', tools } as any, {
        headers: { 'x-request-id': id1 },
      });
      const up1 = await receivedWithId(vllm, id1);
      assert.deepEqual(
        up1.body.tools.map((t: any) => [t.type, t.function.name, Object.keys(t.function.parameters.properties)]),
        [
          ['function', 'apply_patch', ['input']],
          ['function', 'crm__find_contact', ['q']],
        ],
      );
      const [custom, fn] = first.output as any[];
      assert.deepEqual(
        { type: custom.type, call_id: custom.call_id, name: custom.name, input: custom.input },
        { type: 'custom_tool_call', call_id: 'call_p', name: 'apply_patch', input: patch },
      );
      assert.deepEqual(
        { type: fn.type, name: fn.name, namespace: fn.namespace, arguments: fn.arguments },
        { type: 'function_call', name: 'find_contact', namespace: 'crm', arguments: '{"q":"Ada"}' },
      );

      const id2 = rid('rs-custom-2');
      chat.on(id2, json(200, chatCompletion(CHAT_MODEL, { content: 'Done.' })));
      const second = await oa.responses.create(
        {
          model: CHAT_MODEL,
          input: [
            { role: 'user', content: 'patch and find' },
            ...first.output,
            { type: 'custom_tool_call_output', call_id: 'call_p', output: 'Success. Updated a.txt' },
            { type: 'function_call_output', call_id: fn.call_id, output: '{"id":7}' },
          ],
          tools,
        } as any,
        { headers: { 'x-request-id': id2 } },
      );
      assert.equal(second.output_text, 'Done.');
      const up2 = await receivedWithId(vllm, id2);
      assert.deepEqual(up2.body.messages.slice(1), [
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_p', type: 'function', function: { name: 'apply_patch', arguments: JSON.stringify({ input: patch }) } },
            { id: 'call_c', type: 'function', function: { name: 'crm__find_contact', arguments: '{"q":"Ada"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_p', content: 'Success. Updated a.txt' },
        { role: 'tool', tool_call_id: 'call_c', content: '{"id":7}' },
      ]);
    });

    it('hosted tools: dropped upstream, named in x-switchyard-dropped-tools, the request still served', async () => {
      const id = rid('rs-hosted');
      chat.on(id, json(200, chatCompletion(CHAT_MODEL, { content: 'No search needed.' })));
      const { data, response } = await oa.responses
        .create(
          {
            model: CHAT_MODEL,
            input: 'What is new?',
            tools: [
              { type: 'web_search' },
              WEATHER,
              { type: 'file_search', vector_store_ids: ['vs_1'] },
              { type: 'code_interpreter', container: { type: 'auto' } },
              { type: 'mcp', server_label: 'deepwiki', server_url: 'https://mcp.deepwiki.com/mcp', require_approval: 'never' },
            ],
          } as any,
          { headers: { 'x-request-id': id } },
        )
        .withResponse();
      assert.equal(data.output_text, 'No search needed.');
      assert.equal(response.headers.get('x-switchyard-dropped-tools'), 'web_search, file_search, code_interpreter, mcp:deepwiki');
      const got = await receivedWithId(vllm, id);
      assert.deepEqual(
        got.body.tools.map((t: any) => t.function.name),
        ['get_weather'],
      );
      await gw.waitForOutput(
        /tools dropped from the request: backend vllm cannot run web_search, file_search, code_interpreter, mcp:deepwiki/,
      );

      // A browser app may read the header too (CORS exposes it), streamed or not.
      for (const stream of [false, true]) {
        const corsId = rid('rs-hosted-cors');
        chat.on(corsId, stream ? sse(textChunks(CHAT_MODEL, ['ok'])) : json(200, chatCompletion(CHAT_MODEL, { content: 'ok' })));
        const reply = await post(
          `${gw.url}/v1/responses`,
          { model: CHAT_MODEL, input: 'x', stream, tools: [{ type: 'web_search' }] },
          { origin: BROWSER_ORIGIN, 'x-request-id': corsId },
        );
        assert.equal(reply.status, 200, reply.text);
        assert.equal(reply.headers.get('access-control-allow-origin'), BROWSER_ORIGIN);
        assert.equal(reply.headers.get('x-switchyard-dropped-tools'), 'web_search');
        assert.deepEqual(
          reply.headers
            .get('access-control-expose-headers')
            ?.split(',')
            .map((h) => h.trim()),
          ['x-request-id', 'x-switchyard-real-model', 'x-switchyard-dropped-tools'],
        );
      }
    });

    it('previous_response_id and item_reference: a 400 in the OpenAI envelope naming the limitation (upstream never called)', async () => {
      const id = rid('rs-prev');
      const reply = await post(
        `${gw.url}/v1/responses`,
        { model: CHAT_MODEL, input: 'and then?', previous_response_id: 'resp_abc' },
        { 'x-request-id': id },
      );
      const error = assertOpenAIError(reply, 400, /previous_response_id is not supported for model 'gpt-chat'.*stateless/);
      assert.equal(error.param, 'previous_response_id');
      assert.equal(error.type, 'invalid_request_error');
      const ref = await post(`${gw.url}/v1/responses`, { model: CHAT_MODEL, input: [{ type: 'item_reference', id: 'msg_1' }] });
      assertOpenAIError(ref, 400, /item_reference is not supported/);
      await assert.rejects(
        oa.responses.create({ model: CHAT_MODEL, input: 'x', previous_response_id: 'resp_abc' }),
        (err: unknown) => err instanceof OpenAI.BadRequestError && /stateless/.test(err.message),
      );
      assert.equal(vllm.requests.filter((r) => r.headers['x-request-id'] === id).length, 0);
    });

    it('an upstream error before the stream: its status in the OpenAI envelope', async () => {
      const id = rid('rs-429');
      chat.on(
        id,
        json(429, { error: { message: 'Too many requests', type: 'rate_limit_error', param: null, code: null } }, { 'retry-after': '3' }),
      );
      const reply = await post(`${gw.url}/v1/responses`, { model: CHAT_MODEL, input: 'x', stream: true }, { 'x-request-id': id });
      assertOpenAIError(reply, 429, /Too many requests/);
      assert.equal(reply.headers.get('retry-after'), '3');
    });

    it('the upstream connection dropping mid-stream: error then response.failed, with sequence numbers (no [DONE])', async () => {
      const id = rid('rs-cut');
      chat.on(id, destroyMidStream(3, { lines: textChunks(CHAT_MODEL, ['a', 'b', 'c', 'd', 'e']) }));
      const { events, terminal } = await rawStream(gw.url, { model: CHAT_MODEL, input: 'x' }, { 'x-request-id': id });
      assert.equal(terminal.type, 'response.failed');
      const error = events.at(-2)!;
      assert.equal(error.type, 'error');
      assert.equal(error.code, 'server_error');
      assert.equal(terminal.response.error.code, 'server_error');
      assert.equal(terminal.response.output[0].status, 'incomplete');
    });

    it('Codex CLI’s default request (emulated): a shell tool call, then its output, completes through the chat backend', async () => {
      // The shape Codex sends by default: instructions, developer + user messages as items, its
      // default tools (a shell function, update_plan, apply_patch as a custom tool, web_search
      // hosted), store false, stream, reasoning.encrypted_content included, parallel calls off.
      const codexTools = [
        {
          type: 'function',
          name: 'shell',
          description: 'Runs a shell command and returns its output.',
          strict: false,
          parameters: {
            type: 'object',
            properties: {
              command: { type: 'array', items: { type: 'string' }, description: 'The command to execute' },
              workdir: { type: 'string' },
              timeout_ms: { type: 'number' },
            },
            required: ['command'],
            additionalProperties: false,
          },
        },
        {
          type: 'function',
          name: 'update_plan',
          description: 'Updates the task plan.',
          strict: false,
          parameters: { type: 'object', properties: { plan: { type: 'array', items: { type: 'object' } } }, required: ['plan'] },
        },
        {
          type: 'custom',
          name: 'apply_patch',
          description: 'Use the `apply_patch` tool to edit files. This is a FREEFORM tool, so do not wrap the patch in JSON.',
          format: { type: 'grammar', syntax: 'lark', definition: 'start: begin_patch hunk+ end_patch\nbegin_patch: "*** Begin Patch" LF' },
        },
        { type: 'web_search' },
      ];
      const base = {
        model: CHAT_MODEL,
        instructions: 'You are Codex, a coding agent running in a terminal.',
        tools: codexTools,
        tool_choice: 'auto',
        parallel_tool_calls: false,
        reasoning: { effort: 'medium', summary: 'auto' },
        store: false,
        stream: true,
        include: ['reasoning.encrypted_content'],
        prompt_cache_key: '0199a3c4-5e6f-7a8b-9c0d-1e2f3a4b5c6d',
        text: { verbosity: 'medium' },
      };
      const input: any[] = [
        {
          type: 'message',
          role: 'developer',
          content: [{ type: 'input_text', text: '<permissions instructions>sandbox: workspace-write</permissions instructions>' }],
        },
        {
          type: 'message',
          role: 'user',
          content: [{ type: 'input_text', text: '<environment_context><cwd>/repo</cwd></environment_context>' }],
        },
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'List the files in this repo.' }] },
      ];
      const id1 = rid('codex-1');
      chat.on(
        id1,
        sse([
          chatChunk(CHAT_MODEL, { role: 'assistant', reasoning_content: 'I should run ls.' }),
          ...toolCallChunks(CHAT_MODEL, 'call_sh1', 'shell', ['{"command":["ls","-la"],', '"workdir":"/repo"}']),
        ]),
      );
      const turn1 = await rawStream(gw.url, { ...base, input }, { 'x-request-id': id1 });
      assert.equal(turn1.res.headers.get('x-switchyard-dropped-tools'), 'web_search');
      assert.equal(turn1.terminal.type, 'response.completed', 'Codex needs a terminal response.completed');
      // What Codex reads: the items from response.output_item.done.
      const items = turn1.events.filter((e) => e.type === 'response.output_item.done').map((e) => e.item);
      assert.deepEqual(
        items.map((i: any) => i.type),
        ['reasoning', 'function_call'],
      );
      const shellCall = items[1];
      assert.equal(shellCall.name, 'shell');
      assert.equal(shellCall.call_id, 'call_sh1');
      assert.deepEqual(JSON.parse(shellCall.arguments), { command: ['ls', '-la'], workdir: '/repo' });
      const up1 = await receivedWithId(vllm, id1);
      assert.deepEqual(
        up1.body.tools.map((t: any) => t.function.name),
        ['shell', 'update_plan', 'apply_patch'],
      );
      assert.equal(up1.body.parallel_tool_calls, false);
      assert.deepEqual(up1.body.chat_template_kwargs, { enable_thinking: true }, 'reasoning.effort → the backend’s thinking dialect');
      assert.equal(up1.body.messages[0].role, 'system');
      assert.match(up1.body.messages[0].content, /^You are Codex/);
      assert.equal(up1.body.messages[1].role, 'system', 'the developer message joins the instructions');

      // Turn 2: Codex replays the items (reasoning without its content) and the shell output.
      const id2 = rid('codex-2');
      chat.on(id2, sse([...textChunks(CHAT_MODEL, ['The repo has ', 'README.md and src/.']), usageChunk(CHAT_MODEL, 120, 9)]));
      const replay = items.map((i: any) =>
        i.type === 'reasoning' ? { type: 'reasoning', summary: i.summary, encrypted_content: i.encrypted_content ?? null } : i,
      );
      const turn2 = await rawStream(
        gw.url,
        {
          ...base,
          input: [...input, ...replay, { type: 'function_call_output', call_id: 'call_sh1', output: 'README.md\nsrc\n' }],
        },
        { 'x-request-id': id2 },
      );
      assert.equal(turn2.terminal.type, 'response.completed');
      assert.equal(turn2.terminal.response.output.at(-1).content[0].text, 'The repo has README.md and src/.');
      const up2 = await receivedWithId(vllm, id2);
      assert.deepEqual(up2.body.messages.slice(-2), [
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_sh1', type: 'function', function: { name: 'shell', arguments: '{"command":["ls","-la"],"workdir":"/repo"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_sh1', content: 'README.md\nsrc\n' },
      ]);

      // Turn 3: the model edits with apply_patch (a custom tool): Codex gets a custom_tool_call with the raw patch.
      const id3 = rid('codex-3');
      const patch = '*** Begin Patch\n*** Update File: README.md\n@@\n-old\n+new\n*** End Patch';
      chat.on(id3, sse(toolCallChunks(CHAT_MODEL, 'call_ap', 'apply_patch', [JSON.stringify({ input: patch })])));
      const turn3 = await rawStream(
        gw.url,
        { ...base, input: [...input, { role: 'user', content: 'Fix the README.' }] },
        { 'x-request-id': id3 },
      );
      const edit = turn3.events.find((e) => e.type === 'response.output_item.done')!.item;
      assert.deepEqual(
        { type: edit.type, name: edit.name, input: edit.input, call_id: edit.call_id },
        { type: 'custom_tool_call', name: 'apply_patch', input: patch, call_id: 'call_ap' },
      );
    });
  });

  describe('mock backend', () => {
    it('responses.create, streamed and not, and the stream helper', async () => {
      const response = await oa.responses.create({ model: 'mock', input: 'Hello' });
      assert.equal(response.status, 'completed');
      assert.match(response.output_text, /Switchyard mock backend/);
      assert.ok(response.usage!.output_tokens > 0);

      const events = await sdkEvents(await oa.responses.create({ model: 'mock', input: 'Hello', stream: true }));
      const terminal = assertResponsesEventOrder(events);
      assert.equal(terminal.response.model, 'mock');

      const final = await oa.responses.stream({ model: 'mock', input: 'Hello', max_output_tokens: 5 }).finalResponse();
      assert.equal(final.status, 'incomplete');
      assert.equal(final.incomplete_details?.reason, 'max_output_tokens');
    });
  });

  describe('Anthropic backend', () => {
    it('responses.create, not streamed: the Messages body upstream; text and usage back', async () => {
      const id = rid('rs-ant-json');
      anthropic.on(id, replayFixture('anthropic/anthropic-text.json'));
      const response = await oa.responses.create(
        { model: SONNET, instructions: 'Be kind.', input: 'How are you?', max_output_tokens: 500 },
        { headers: { 'x-request-id': id } },
      );
      assert.equal(
        response.output_text,
        "Hello! I'm doing well, thanks for asking. How are you doing today? Is there anything I can help you with?",
      );
      assert.equal(response.usage!.input_tokens, 12);
      assert.equal(response.usage!.output_tokens, 29);
      const got = await receivedWithId(claude, id);
      assert.equal(got.path, '/v1/messages');
      assert.deepEqual(got.body, {
        model: SONNET,
        system: 'Be kind.',
        messages: [{ role: 'user', content: [{ type: 'text', text: 'How are you?' }] }],
        max_tokens: 500,
      });
    });

    it('streamed thinking: a reasoning item whose encrypted_content replays the signed block on the next turn', async () => {
      const id1 = rid('rs-ant-think');
      anthropic.on(id1, replayFixture('anthropic/anthropic-clear-thinking.1.chunks.txt'));
      const final = await oa.responses
        .stream({ model: SONNET, input: 'What is 925 / 5?', reasoning: { effort: 'low' } }, { headers: { 'x-request-id': id1 } })
        .finalResponse();
      const reasoning = final.output[0] as OpenAI.Responses.ResponseReasoningItem;
      assert.equal(reasoning.type, 'reasoning');
      assert.match(reasoning.content![0]!.text, /^The previous result was 925/);
      assert.ok(reasoning.encrypted_content, 'the signature travels in encrypted_content');
      assert.equal(final.output_text, '925 ÷ 5 = 185');
      const up1 = await receivedWithId(claude, id1);
      assert.equal(up1.body.thinking.type, 'enabled', 'reasoning.effort turns Anthropic thinking on');

      const id2 = rid('rs-ant-think-2');
      anthropic.on(id2, replayFixture('anthropic/anthropic-text.json'));
      await oa.responses.create(
        {
          model: SONNET,
          input: [
            { role: 'user', content: 'What is 925 / 5?' },
            // As Codex replays it: summary and encrypted_content, no content.
            { type: 'reasoning', id: reasoning.id, summary: [], encrypted_content: reasoning.encrypted_content },
            final.output[1] as any,
            { role: 'user', content: 'Thanks' },
          ],
          reasoning: { effort: 'low' },
        },
        { headers: { 'x-request-id': id2 } },
      );
      const up2 = await receivedWithId(claude, id2);
      const assistant = up2.body.messages[1];
      assert.equal(assistant.role, 'assistant');
      assert.deepEqual(assistant.content[0], {
        type: 'thinking',
        thinking: reasoning.content![0]!.text,
        signature: CLEAR_THINKING_STREAM_SIGNATURE,
      });
      assert.deepEqual(assistant.content[1], { type: 'text', text: '925 ÷ 5 = 185' });
    });

    it('a tool-use loop: tool_use → function_call, function_call_output → tool_result, then the answer', async () => {
      const id1 = rid('rs-ant-tool-1');
      anthropic.on(
        id1,
        sse(
          anthropicStream(
            SONNET,
            [
              { start: { type: 'text', text: '' }, deltas: [{ type: 'text_delta', text: 'Let me check.' }] },
              {
                start: { type: 'tool_use', id: 'toolu_01', name: 'get_weather', input: {} },
                deltas: [
                  { type: 'input_json_delta', partial_json: '{"city": ' },
                  { type: 'input_json_delta', partial_json: '"Rome"}' },
                ],
              },
            ],
            'tool_use',
          ),
          { framing: 'anthropic' },
        ),
      );
      const input: any[] = [{ role: 'user', content: 'Weather in Rome?' }];
      const events = await sdkEvents(
        await oa.responses.create(
          { model: SONNET, input, tools: [WEATHER], tool_choice: 'required', stream: true },
          { headers: { 'x-request-id': id1 } },
        ),
      );
      const terminal = assertResponsesEventOrder(events);
      const [message, call] = terminal.response.output;
      assert.equal(message.content[0].text, 'Let me check.');
      assert.deepEqual(
        { call_id: call.call_id.split('~')[0], name: call.name, arguments: call.arguments },
        { call_id: 'toolu_01', name: 'get_weather', arguments: '{"city": "Rome"}' },
      );
      // store not false: the client may send the streamed message back as an item_reference, so the call id carries it (issue #15).
      assert.match(call.call_id, /^toolu_01~swy1~[\w-]+$/);
      const up1 = await receivedWithId(claude, id1);
      assert.deepEqual(up1.body.tools, [
        { name: 'get_weather', description: 'Current weather', input_schema: WEATHER.parameters, strict: false },
      ]);
      assert.deepEqual(up1.body.tool_choice, { type: 'any' });

      const id2 = rid('rs-ant-tool-2');
      anthropic.on(id2, json(200, anthropicMessage(SONNET, [{ type: 'text', text: 'Rome: 24 °C and clear.' }])));
      const second = await oa.responses.create(
        {
          model: SONNET,
          input: [
            ...input,
            ...terminal.response.output,
            { type: 'function_call_output', call_id: 'toolu_01', output: '{"c":24,"sky":"clear"}' },
          ],
          tools: [WEATHER],
        },
        { headers: { 'x-request-id': id2 } },
      );
      assert.equal(second.output_text, 'Rome: 24 °C and clear.');
      const up2 = await receivedWithId(claude, id2);
      assert.deepEqual(up2.body.messages, [
        { role: 'user', content: [{ type: 'text', text: 'Weather in Rome?' }] },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Let me check.' },
            { type: 'tool_use', id: 'toolu_01', name: 'get_weather', input: { city: 'Rome' } },
          ],
        },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_01', content: '{"c":24,"sky":"clear"}' }] },
      ]);
    });
  });
});
