/* eslint-disable @typescript-eslint/no-explicit-any -- tests read recorded upstream bodies */
/**
 * The Vercel AI SDK's default OpenAI provider (`@ai-sdk/openai`, the Responses API, `store` on by
 * default) through /v1/responses to translated thinking models: a chat backend (reasoning_content),
 * an Anthropic backend (signed thinking) and Gemini 3 on Vertex AI (thought signatures). With
 * `store` on, the SDK sends back only `item_reference`s to the reasoning and message items the
 * gateway returned; the gateway keeps nothing, so those ids carry their items (issue #15): the
 * tool loop completes, and the reasoning reaches the upstream on the next step.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createOpenAI } from '@ai-sdk/openai';
import { generateText, stepCountIs, streamText, tool } from 'ai';
import { z } from 'zod';
import { json, sse, startFakeUpstream, type FakeUpstream, type RecordedRequest } from '../helpers/fake-upstream.js';
import { startGateway, type RunningGateway } from '../helpers/start-gateway.js';
import { chatChunk, chatCompletion, textChunks } from '../helpers/e2e.js';
import { anthropicMessage, anthropicStream } from '../helpers/anthropic-e2e.js';
import { fakeVertex, startFakeGoogleAuth, type FakeGoogleAuth } from '../helpers/vertex-e2e.js';

const SONNET = 'claude-sonnet-4-5-20250929';
const GEMINI3 = 'gemini-3-pro-preview';
const SIGNATURE = 'EvQBCkYICxgCKkAxhD4NUKFzudtZ6NzbZdEiBACIScTzqjPViM596iWLZIk4EFKYYBj3B6Ptl3b0dcQv';
const GEMINI_SIGNATURE = 'CiQB0e2Kb7Z0sZc2b3RoZXItc2lnbmF0dXJlLWJ5dGVz';

const weather = tool({
  description: 'Current weather',
  inputSchema: z.object({ city: z.string() }),
  execute: async ({ city }) => ({ city, sky: 'sunny' }),
});

/** The POSTs (model calls) a fake received, in order. */
const posts = (up: FakeUpstream): RecordedRequest[] => up.requests.filter((r) => r.method === 'POST');

describe('Vercel AI SDK (Responses, store on) tool loops through translated thinking models (issue #15)', () => {
  let chat: FakeUpstream;
  let claude: FakeUpstream;
  let vertex: FakeUpstream;
  let auth: FakeGoogleAuth;
  let gw: RunningGateway;
  const script = fakeVertex();

  before(async () => {
    chat = await startFakeUpstream();
    claude = await startFakeUpstream();
    auth = await startFakeGoogleAuth('proj-sdk');
    vertex = await startFakeUpstream(script);
    gw = await startGateway({
      config: {
        logging: { level: 'warn' },
        backends: [
          { id: 'chat', type: 'openai', base_url: chat.url, models: ['qwen-*'], skip_probe: true },
          { id: 'claude', type: 'anthropic', base_url: claude.url, api_key: 'sk-ant-e2e', default_max_tokens: 4000, models: ['claude-*'] },
          { id: 'vertex', type: 'gcp-vertex', project: 'proj-sdk', location: 'us-east5', base_url: vertex.url, models: ['gemini-*'] },
        ],
      },
      env: auth.env,
    });
  });

  after(async () => {
    await gw?.stop();
    await chat?.close();
    await claude?.close();
    await vertex?.close();
    await auth?.close();
  });

  const provider = () => createOpenAI({ baseURL: `${gw.url}/v1`, apiKey: 'unused' });
  const loop = (model: string) =>
    generateText({
      model: provider().responses(model),
      prompt: 'Weather in Paris?',
      tools: { weather },
      stopWhen: stepCountIs(3),
      // The SDK sends reasoning options only for models it knows reason (OpenAI's), unless forced.
      providerOptions: { openai: { forceReasoning: true, reasoningEffort: 'high' } },
    });

  it('chat backend: the step-2 request carries the reasoning and the text the SDK referenced by id', async () => {
    chat
      .next(
        json(
          200,
          chatCompletion(
            'qwen-think',
            {
              content: 'Let me look.',
              reasoning_content: 'The user wants Paris weather.',
              tool_calls: [{ id: 'call_c1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } }],
            },
            'tool_calls',
          ),
        ),
      )
      .next(json(200, chatCompletion('qwen-think', { content: 'Sunny in Paris.' })));
    const before = posts(chat).length;
    const result = await loop('qwen-think');
    assert.equal(result.text, 'Sunny in Paris.');
    const [, second] = posts(chat).slice(before);
    const assistant = second!.body.messages.find((m: any) => m.role === 'assistant');
    assert.equal(assistant.reasoning_content, 'The user wants Paris weather.', 'the referenced reasoning reached the backend');
    assert.equal(assistant.content, 'Let me look.', 'the referenced text reached the backend');
    assert.equal(assistant.tool_calls[0].id, 'call_c1');
    assert.deepEqual(
      second!.body.messages.map((m: any) => m.role),
      ['user', 'assistant', 'tool'],
    );
  });

  it('Anthropic backend: the signed thinking block comes back before the tool_use', async () => {
    claude
      .next(
        json(
          200,
          anthropicMessage(
            SONNET,
            [
              { type: 'thinking', thinking: 'Paris weather needs the tool.', signature: SIGNATURE },
              { type: 'tool_use', id: 'toolu_1', name: 'weather', input: { city: 'Paris' } },
            ],
            'tool_use',
          ),
        ),
      )
      .next(json(200, anthropicMessage(SONNET, [{ type: 'text', text: 'Sunny in Paris.' }])));
    const before = posts(claude).length;
    const result = await loop(SONNET);
    assert.equal(result.text, 'Sunny in Paris.');
    const [first, second] = posts(claude).slice(before);
    assert.equal(first!.body.thinking?.type, 'enabled', 'the client asked for thinking');
    const assistant = second!.body.messages.find((m: any) => m.role === 'assistant');
    assert.deepEqual(assistant.content[0], { type: 'thinking', thinking: 'Paris weather needs the tool.', signature: SIGNATURE });
    assert.equal(assistant.content[1].type, 'tool_use');
  });

  it('Gemini 3: the function call goes back with its own thought signature (not the placeholder)', async () => {
    vertex
      .next(
        json(200, {
          candidates: [
            {
              content: {
                role: 'model',
                parts: [
                  { text: 'Checking the tool.', thought: true },
                  { functionCall: { name: 'weather', args: { city: 'Paris' } }, thoughtSignature: GEMINI_SIGNATURE },
                ],
              },
              finishReason: 'STOP',
            },
          ],
          usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 5, totalTokenCount: 15 },
          modelVersion: GEMINI3,
        }),
      )
      .next(
        json(200, {
          candidates: [{ content: { role: 'model', parts: [{ text: 'Sunny in Paris.' }] }, finishReason: 'STOP' }],
          usageMetadata: { promptTokenCount: 20, candidatesTokenCount: 4, totalTokenCount: 24 },
          modelVersion: GEMINI3,
        }),
      );
    const before = posts(vertex).length;
    const result = await loop(GEMINI3);
    assert.equal(result.text, 'Sunny in Paris.');
    const [, second] = posts(vertex).slice(before);
    const model = second!.body.contents.find((c: any) => c.role === 'model');
    const call = model.parts.find((p: any) => p.functionCall);
    assert.equal(call.thoughtSignature, GEMINI_SIGNATURE);
  });

  it('streamed, chat backend: the text before the call, referenced by an id that cannot carry it, is carried by the call id', async () => {
    chat
      .next(
        sse([
          chatChunk('qwen-think', { role: 'assistant', content: 'Let me look.' }),
          chatChunk('qwen-think', {
            tool_calls: [{ index: 0, id: 'call_s1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } }],
          }),
          chatChunk('qwen-think', {}, 'tool_calls'),
        ]),
      )
      .next(sse(textChunks('qwen-think', ['Sunny ', 'in Paris.'])));
    const before = posts(chat).length;
    const result = streamText({
      model: provider().responses('qwen-think'),
      prompt: 'Weather in Paris?',
      tools: { weather },
      stopWhen: stepCountIs(3),
    });
    let text = '';
    for await (const delta of result.textStream) text += delta;
    assert.match(text, /Sunny in Paris\./);
    const [, second] = posts(chat).slice(before);
    const assistant = second!.body.messages.find((m: any) => m.role === 'assistant');
    assert.equal(assistant.tool_calls[0].id, 'call_s1', 'the call id goes upstream without what it carries');
    assert.equal(assistant.content, 'Let me look.', 'the streamed text referenced by id, carried by the call id');
    assert.equal(second!.body.messages.find((m: any) => m.role === 'tool').tool_call_id, 'call_s1');
  });

  it('streamed, Anthropic backend: the signed thinking block referenced by id reaches the next step (carried by the call id)', async () => {
    claude
      .next(
        sse(
          anthropicStream(
            SONNET,
            [
              {
                start: { type: 'thinking', thinking: '', signature: '' },
                deltas: [
                  { type: 'thinking_delta', thinking: 'Paris weather needs the tool.' },
                  { type: 'signature_delta', signature: SIGNATURE },
                ],
              },
              {
                start: { type: 'tool_use', id: 'toolu_s1', name: 'weather', input: {} },
                deltas: [{ type: 'input_json_delta', partial_json: '{"city":"Paris"}' }],
              },
            ],
            'tool_use',
          ),
          { framing: 'anthropic' },
        ),
      )
      .next(
        sse(
          anthropicStream(
            SONNET,
            [{ start: { type: 'text', text: '' }, deltas: [{ type: 'text_delta', text: 'Sunny in Paris.' }] }],
            'end_turn',
          ),
          { framing: 'anthropic' },
        ),
      );
    const before = posts(claude).length;
    const result = streamText({
      model: provider().responses(SONNET),
      prompt: 'Weather in Paris?',
      tools: { weather },
      stopWhen: stepCountIs(3),
      providerOptions: { openai: { forceReasoning: true, reasoningEffort: 'high' } },
    });
    let text = '';
    for await (const delta of result.textStream) text += delta;
    assert.equal(text, 'Sunny in Paris.');
    const [, second] = posts(claude).slice(before);
    const assistant = second!.body.messages.find((m: any) => m.role === 'assistant');
    assert.deepEqual(assistant.content[0], { type: 'thinking', thinking: 'Paris weather needs the tool.', signature: SIGNATURE });
    assert.deepEqual(assistant.content[1], { type: 'tool_use', id: 'toolu_s1', name: 'weather', input: { city: 'Paris' } });
  });
});
