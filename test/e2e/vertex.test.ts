/* eslint-disable @typescript-eslint/no-explicit-any -- tests read fields the SDK types do not declare (extra_content, thinking_blocks) */
/**
 * gcp-vertex end to end, against the built gateway: a fake Vertex AI (one server routing by path:
 * Gemini generateContent / streamGenerateContent?alt=sse, Claude rawPredict / streamRawPredict /
 * count-tokens) replaying the recorded gemini/ and anthropic/ fixtures, and a fake Google token
 * endpoint reached by google-auth-library's own code (an external_account credential file named by
 * GOOGLE_APPLICATION_CREDENTIALS). Every call's URL, `authorization: Bearer <token from the token
 * endpoint>` and body are checked. Clients are the official `openai` and `@anthropic-ai/sdk` SDKs.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import {
  json,
  readFixtureJson,
  readFixtureLines,
  replayFixture,
  startFakeUpstream,
  type FakeUpstream,
  type RecordedRequest,
} from '../helpers/fake-upstream.js';
import { allWithId, assertAnthropicError, assertOpenAIError, post, receivedWithId, rid, waitFor } from '../helpers/e2e.js';
import { scrapeMetrics } from '../helpers/prometheus-text.js';
import { freePort, startGateway, type RunningGateway } from '../helpers/start-gateway.js';
import { anthropicClient, openaiClient } from '../helpers/anthropic-e2e.js';
import { fakeVertex, googleError, startFakeGoogleAuth, vertexTarget, type FakeGoogleAuth } from '../helpers/vertex-e2e.js';

const PROJECT = 'proj-e2e';
const LOCATION = 'us-east5';
const GEMINI3 = 'gemini-3-pro-preview';
const SONNET = 'claude-sonnet-4-5-20250929';
const GEMINI_PATH = (model: string, method: string) =>
  `/v1/projects/${PROJECT}/locations/${LOCATION}/publishers/google/models/${model}:${method}`;
const CLAUDE_PATH = (model: string, method: string) =>
  `/v1/projects/${PROJECT}/locations/${LOCATION}/publishers/anthropic/models/${model}:${method}`;

const TOOL_CALL_SIGNATURE = (JSON.parse(readFixtureLines('gemini/google-tool-call.chunks.txt')[0]!) as any).candidates[0].content.parts[0]
  .thoughtSignature as string;
const TEXT_SIGNATURE = readFixtureJson<any>('gemini/google-text.json').candidates[0].content.parts[0].thoughtSignature as string;

const WEATHER_TOOL = {
  type: 'function' as const,
  function: {
    name: 'weather',
    description: 'Current weather',
    parameters: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'], additionalProperties: false },
  },
};

/** The bearer token a request to the fake Vertex carried. */
const bearer = (r: RecordedRequest) => String(r.headers.authorization ?? '').replace(/^Bearer /, '');

describe('gcp-vertex backend (fake Vertex AI, fake Google token endpoint)', () => {
  let auth: FakeGoogleAuth;
  let vertex: FakeUpstream;
  let gw: RunningGateway;
  let oa: OpenAI;
  let ant: Anthropic;
  const script = fakeVertex();

  before(async () => {
    auth = await startFakeGoogleAuth(PROJECT);
    vertex = await startFakeUpstream(script);
    gw = await startGateway({
      config: {
        // debug: the most the gateway ever logs, checked for tokens at the end.
        logging: { level: 'debug' },
        backends: [
          {
            id: 'vertex',
            type: 'gcp-vertex',
            project: PROJECT,
            location: LOCATION,
            base_url: vertex.url,
            default_max_tokens: 2048,
            models: ['gemini-*', 'claude-*'],
          },
        ],
        routes: [
          { virtual_model: 'flash-thinker', backend: 'vertex', real_model: 'gemini-2.5-flash', clamp: { enable_thinking: true } },
          { virtual_model: 'pro3-thinker', backend: 'vertex', real_model: GEMINI3, clamp: { enable_thinking: true } },
        ],
      },
      env: auth.env,
    });
    oa = openaiClient(gw.url);
    ant = anthropicClient(gw.url);
  });

  after(async () => {
    await gw?.stop();
    await vertex?.close();
    await auth?.close();
  });

  it('starts without asking for a token: the token endpoint is first called by the first request', async () => {
    assert.equal(auth.server.requests.length, 0);
    const ready = await fetch(`${gw.url}/readyz`);
    assert.equal(ready.status, 200);
  });

  describe('Gemini (generateContent)', () => {
    it('OpenAI client, not streamed: URL, bearer token from the token endpoint, translated body; the answer with usage', async () => {
      const id = rid('vx-gem-json');
      script.on(id, replayFixture('gemini/google-text.json'));
      const completion = await oa.chat.completions.create(
        {
          model: GEMINI3,
          messages: [
            { role: 'system', content: 'Be brief.' },
            { role: 'user', content: 'How many r in strawberry?' },
          ],
          temperature: 0.5,
          max_tokens: 300,
          stop: ['END'],
        },
        { headers: { 'x-request-id': id } },
      );
      assert.equal(completion.model, GEMINI3);
      assert.equal(
        completion.choices[0]!.message.content,
        "There are **3** r's in strawberry.\n\nHere is the breakdown: st**r**awbe**rr**y.",
      );
      assert.equal(completion.choices[0]!.finish_reason, 'stop');
      assert.deepEqual(completion.usage, {
        prompt_tokens: 9,
        completion_tokens: 28 + 244,
        total_tokens: 9 + 28 + 244,
        completion_tokens_details: { reasoning_tokens: 244 },
      });
      // Gemini 3's answer signature comes back as a thinking block a client can send back.
      assert.deepEqual((completion.choices[0]!.message as any).thinking_blocks, [
        { type: 'thinking', thinking: '', signature: TEXT_SIGNATURE },
      ]);
      const got = await receivedWithId(vertex, id);
      assert.equal(got.url, GEMINI_PATH(GEMINI3, 'generateContent'));
      assert.equal(got.headers.authorization, `Bearer ${auth.issued[0]}`);
      assert.equal(got.headers['x-api-key'], undefined);
      assert.equal(got.headers['content-type'], 'application/json');
      assert.deepEqual(got.body, {
        contents: [{ role: 'user', parts: [{ text: 'How many r in strawberry?' }] }],
        systemInstruction: { parts: [{ text: 'Be brief.' }] },
        generationConfig: { temperature: 0.5, maxOutputTokens: 300, stopSequences: ['END'] },
      });
      // The token endpoint got an STS exchange for the cloud-platform scope.
      const tokenRequest = auth.server.requests[0]!;
      assert.equal(tokenRequest.path, '/v1/token');
      const form = new URLSearchParams(tokenRequest.rawBody.toString('utf8'));
      assert.equal(form.get('grant_type'), 'urn:ietf:params:oauth:grant-type:token-exchange');
      assert.equal(form.get('scope'), 'https://www.googleapis.com/auth/cloud-platform');
      assert.equal(form.get('subject_token'), 'subject-token-from-the-workload');

      // The client sends the answer back as it got it (thinking_blocks included): the signature returns on the text.
      const next = rid('vx-gem-json-2');
      script.on(next, replayFixture('gemini/google-text.json'));
      await oa.chat.completions.create(
        {
          model: GEMINI3,
          messages: [
            { role: 'user', content: 'How many r in strawberry?' },
            completion.choices[0]!.message as any,
            { role: 'user', content: 'And in raspberry?' },
          ],
        },
        { headers: { 'x-request-id': next } },
      );
      assert.deepEqual((await receivedWithId(vertex, next)).body.contents[1], {
        role: 'model',
        parts: [
          { text: "There are **3** r's in strawberry.\n\nHere is the breakdown: st**r**awbe**rr**y.", thoughtSignature: TEXT_SIGNATURE },
        ],
      });
    });

    it('OpenAI client, streamed: streamGenerateContent?alt=sse, text deltas, usage, finish; the cached token is reused', async () => {
      const id = rid('vx-gem-sse');
      const tokensBefore = auth.issued.length;
      script.on(id, replayFixture('gemini/google-text.chunks.txt'));
      const stream = await oa.chat.completions.create(
        { model: GEMINI3, messages: [{ role: 'user', content: 'Count' }], stream: true, stream_options: { include_usage: true } },
        { headers: { 'x-request-id': id } },
      );
      let text = '';
      let finish: string | null = null;
      let usage: any = null;
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta.content ?? '';
        finish = chunk.choices[0]?.finish_reason ?? finish;
        if (chunk.usage) usage = chunk.usage;
      }
      assert.equal(text, 'There are **3** "r"s in strawberry.\n\nst**r**awbe**rr**y');
      assert.equal(finish, 'stop');
      assert.equal(usage.prompt_tokens, 9);
      assert.equal(usage.completion_tokens, 23 + 185);
      const got = await receivedWithId(vertex, id);
      assert.equal(got.url, `${GEMINI_PATH(GEMINI3, 'streamGenerateContent')}?alt=sse`);
      assert.equal(got.body.stream, undefined, 'streaming is the URL, not a body field');
      assert.equal(auth.issued.length, tokensBefore, 'no new token: google-auth-library cached it');
      assert.equal(got.headers.authorization, `Bearer ${auth.latest}`);
    });

    it('streamed tool-call arguments (partialArgs) reach the OpenAI client as two whole tool calls', async () => {
      const id = rid('vx-gem-args');
      script.on(id, replayFixture('gemini/google-stream-tool-call-arguments.chunks.txt'));
      const stream = await oa.chat.completions.create(
        {
          model: 'gemini-3.1-pro-preview',
          messages: [{ role: 'user', content: 'Weather in Boston and SF?' }],
          tools: [WEATHER_TOOL],
          stream: true,
        },
        { headers: { 'x-request-id': id } },
      );
      const calls = new Map<number, { id?: string; name?: string; args: string; sig?: string }>();
      let finish: string | null = null;
      for await (const chunk of stream) {
        for (const tc of chunk.choices[0]?.delta.tool_calls ?? []) {
          const c = calls.get(tc.index) ?? { args: '' };
          c.id ??= tc.id;
          c.name ??= tc.function?.name;
          c.args += tc.function?.arguments ?? '';
          c.sig ??= (tc as any).extra_content?.google?.thought_signature;
          calls.set(tc.index, c);
        }
        finish = chunk.choices[0]?.finish_reason ?? finish;
      }
      assert.equal(finish, 'tool_calls');
      assert.deepEqual(
        [...calls.values()].map((c) => [c.id, c.name, JSON.parse(c.args)]),
        [
          ['call_dqHOab6xGLzWodAPkPuViA4_0', 'getWeather', { location: 'Boston' }],
          ['call_dqHOab6xGLzWodAPkPuViA4_1', 'getWeather', { location: 'San Francisco' }],
        ],
      );
      assert.ok(calls.get(0)!.sig, 'the first call carries its thought signature');
      const got = await receivedWithId(vertex, id);
      assert.deepEqual(got.body.tools, [
        {
          functionDeclarations: [
            {
              name: 'weather',
              description: 'Current weather',
              parameters: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] },
            },
          ],
        },
      ]);
    });

    it('multi-turn tool use: the thought signature goes out as extra_content.google.thought_signature and comes back on the call', async () => {
      const first = rid('vx-gem-tool-1');
      script.on(first, replayFixture('gemini/google-tool-call.chunks.txt'));
      const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Weather in San Francisco?' }];
      const stream = await oa.chat.completions.create(
        { model: GEMINI3, messages, tools: [WEATHER_TOOL], tool_choice: 'auto', stream: true },
        { headers: { 'x-request-id': first } },
      );
      const call: any = { type: 'function', function: { name: '', arguments: '' } };
      for await (const chunk of stream) {
        for (const tc of chunk.choices[0]?.delta.tool_calls ?? []) {
          if (tc.id) call.id = tc.id;
          if (tc.function?.name) call.function.name = tc.function.name;
          call.function.arguments += tc.function?.arguments ?? '';
          if ((tc as any).extra_content) call.extra_content = (tc as any).extra_content;
        }
      }
      assert.deepEqual(call, {
        type: 'function',
        id: 'call_b36LacjwM668nsEP2tbsgQQ_0',
        function: { name: 'weather', arguments: '{"location":"San Francisco"}' },
        extra_content: { google: { thought_signature: TOOL_CALL_SIGNATURE } },
      });
      assert.deepEqual((await receivedWithId(vertex, first)).body.toolConfig, { functionCallingConfig: { mode: 'AUTO' } });

      // Second turn: the assistant message as the client keeps it, plus the tool's result.
      const second = rid('vx-gem-tool-2');
      script.on(second, replayFixture('gemini/google-text.json'));
      const answer = await oa.chat.completions.create(
        {
          model: GEMINI3,
          messages: [
            ...messages,
            { role: 'assistant', content: null, tool_calls: [call as any] },
            { role: 'tool', tool_call_id: (call as any).id, content: '{"temperature":18,"sky":"fog"}' },
          ],
          tools: [WEATHER_TOOL],
        },
        { headers: { 'x-request-id': second } },
      );
      assert.match(answer.choices[0]!.message.content ?? '', /strawberry/);
      const got = await receivedWithId(vertex, second);
      assert.deepEqual(got.body.contents, [
        { role: 'user', parts: [{ text: 'Weather in San Francisco?' }] },
        {
          role: 'model',
          parts: [{ functionCall: { name: 'weather', args: { location: 'San Francisco' } }, thoughtSignature: TOOL_CALL_SIGNATURE }],
        },
        { role: 'user', parts: [{ functionResponse: { name: 'weather', response: { temperature: 18, sky: 'fog' } } }] },
      ]);

      // A client that dropped extra_content: Google's documented placeholder keeps Gemini 3 from rejecting the turn.
      const third = rid('vx-gem-tool-3');
      script.on(third, replayFixture('gemini/google-text.json'));
      const { extra_content: _dropped, ...bare } = call as Record<string, unknown>;
      await oa.chat.completions.create(
        {
          model: GEMINI3,
          messages: [
            ...messages,
            { role: 'assistant', content: null, tool_calls: [bare as any] },
            { role: 'tool', tool_call_id: (call as any).id, content: 'sunny' },
          ],
        },
        { headers: { 'x-request-id': third } },
      );
      const dropped = await receivedWithId(vertex, third);
      assert.deepEqual(dropped.body.contents[1], {
        role: 'model',
        parts: [
          { functionCall: { name: 'weather', args: { location: 'San Francisco' } }, thoughtSignature: 'skip_thought_signature_validator' },
        ],
      });
      assert.deepEqual(dropped.body.contents[2], {
        role: 'user',
        parts: [{ functionResponse: { name: 'weather', response: { output: 'sunny' } } }],
      });
    });

    it('a virtual model with clamp {enable_thinking: true} reaches Gemini as thinkingConfig (2.x budget, 3.x level, includeThoughts)', async () => {
      const id = rid('vx-thinker');
      script.on(id, replayFixture('gemini/google-reasoning.json'));
      const completion = await oa.chat.completions.create(
        { model: 'flash-thinker', messages: [{ role: 'user', content: 'Think.' }] },
        { headers: { 'x-request-id': id } },
      );
      assert.equal(completion.model, 'flash-thinker');
      assert.equal(completion.usage!.completion_tokens_details!.reasoning_tokens, 282);
      const got = await receivedWithId(vertex, id);
      assert.equal(got.url, GEMINI_PATH('gemini-2.5-flash', 'generateContent'));
      assert.deepEqual(got.body.generationConfig, { thinkingConfig: { thinkingBudget: 8192, includeThoughts: true } });

      // The caller asked for no thinking: the clamp wins.
      const off = rid('vx-thinker-3');
      script.on(off, replayFixture('gemini/google-reasoning.json'));
      await oa.chat.completions.create(
        { model: 'pro3-thinker', messages: [{ role: 'user', content: 'Think.' }], reasoning_effort: 'minimal' },
        { headers: { 'x-request-id': off } },
      );
      assert.deepEqual((await receivedWithId(vertex, off)).body.generationConfig, {
        thinkingConfig: { thinkingLevel: 'high', includeThoughts: true },
      });

      // The same virtual model from an Anthropic client: the profile is applied after decoding, so it means the same
      // whatever the client speaks (enable_thinking without a budget: the medium effort, 8192 on Gemini 2.x).
      const fromAnthropic = rid('vx-thinker-ant');
      script.on(fromAnthropic, replayFixture('gemini/google-reasoning.json'));
      await ant.messages.create(
        { model: 'flash-thinker', max_tokens: 10000, messages: [{ role: 'user', content: 'Think.' }] },
        { headers: { 'x-request-id': fromAnthropic } },
      );
      assert.deepEqual((await receivedWithId(vertex, fromAnthropic)).body.generationConfig, {
        maxOutputTokens: 10000,
        thinkingConfig: { thinkingBudget: 8192, includeThoughts: true },
      });
    });

    it('Anthropic client → Gemini: tool_use blocks, stop_reason tool_use; streamed with the exact event sequence', async () => {
      const id = rid('vx-ant-gem');
      script.on(id, replayFixture('gemini/google-tool-call.json'));
      const message = await ant.messages.create(
        {
          model: GEMINI3,
          max_tokens: 500,
          system: 'You help with weather.',
          tools: [
            {
              name: 'weather',
              description: 'Current weather',
              input_schema: { type: 'object', properties: { location: { type: 'string' } } },
            },
          ],
          messages: [{ role: 'user', content: 'Weather in SF?' }],
        },
        { headers: { 'x-request-id': id } },
      );
      assert.equal(message.stop_reason, 'tool_use');
      assert.equal(message.model, GEMINI3);
      assert.deepEqual(message.content, [
        { type: 'tool_use', id: 'call_m36LaZGyCLz1xs0PtNSB-QU_0', name: 'weather', input: { location: 'San Francisco' } },
      ]);
      assert.deepEqual(message.usage.output_tokens, 15 + 893);
      const got = await receivedWithId(vertex, id);
      assert.equal(got.url, GEMINI_PATH(GEMINI3, 'generateContent'));
      assert.deepEqual(got.body.systemInstruction, { parts: [{ text: 'You help with weather.' }] });
      assert.deepEqual(got.body.generationConfig, { maxOutputTokens: 500 });

      const sid = rid('vx-ant-gem-sse');
      script.on(sid, replayFixture('gemini/google-text.chunks.txt'));
      const events: string[] = [];
      let text = '';
      const stream = ant.messages.stream(
        { model: GEMINI3, max_tokens: 100, messages: [{ role: 'user', content: 'Count' }] },
        { headers: { 'x-request-id': sid } },
      );
      for await (const e of stream) {
        events.push(e.type === 'content_block_start' ? `${e.type}:${e.content_block.type}` : e.type);
        if (e.type === 'content_block_delta' && e.delta.type === 'text_delta') text += e.delta.text;
      }
      assert.equal(text, 'There are **3** "r"s in strawberry.\n\nst**r**awbe**rr**y');
      assert.deepEqual(events, [
        'message_start',
        'content_block_start:text',
        'content_block_delta',
        'content_block_delta',
        'content_block_stop',
        'content_block_start:thinking',
        'content_block_delta',
        'content_block_stop',
        'message_delta',
        'message_stop',
      ]);
      const final = await stream.finalMessage();
      assert.equal(final.stop_reason, 'end_turn');
      assert.equal(final.usage.output_tokens, 23 + 185);
    });

    it('a blocked prompt is a clear 400 in the client protocol', async () => {
      const id = rid('vx-blocked');
      script.on(
        id,
        json(200, {
          promptFeedback: { blockReason: 'SAFETY' },
          usageMetadata: { promptTokenCount: 4, totalTokenCount: 4 },
          modelVersion: GEMINI3,
        }),
      );
      const reply = await post(
        `${gw.url}/v1/chat/completions`,
        { model: GEMINI3, messages: [{ role: 'user', content: 'bad' }] },
        { 'x-request-id': id },
      );
      const err = assertOpenAIError(reply, 400, /Gemini blocked the prompt \(blockReason SAFETY\)/);
      assert.equal(err.code, 'content_filter');
    });
  });

  describe('schema depth (issue #14)', () => {
    it('a 2,000-level nested tool schema is a 400 in the client’s envelope (OpenAI and Anthropic), never a 500; the upstream is not called', async () => {
      let schema: Record<string, unknown> = { type: 'string' };
      for (let i = 0; i < 2000; i++) schema = { type: 'object', properties: { child: schema } };
      const id = rid('vx-deep');
      const reply = await post(
        `${gw.url}/v1/chat/completions`,
        {
          model: 'gemini-2.5-flash',
          messages: [{ role: 'user', content: 'x' }],
          tools: [{ type: 'function', function: { name: 'deep', parameters: schema } }],
        },
        { 'x-request-id': id },
      );
      const err = assertOpenAIError(reply, 400, /nested deeper than \d+ levels/);
      assert.equal(err.param, 'tools');
      const anthropic = await post(
        `${gw.url}/v1/messages`,
        {
          model: 'gemini-2.5-flash',
          max_tokens: 64,
          messages: [{ role: 'user', content: 'x' }],
          tools: [{ name: 'deep', input_schema: schema }],
        },
        { 'x-request-id': `${id}-a`, 'anthropic-version': '2023-06-01' },
      );
      assertAnthropicError(anthropic, 400, 'invalid_request_error');
      const deepFormat = await post(
        `${gw.url}/v1/chat/completions`,
        {
          model: 'gemini-2.5-flash',
          messages: [{ role: 'user', content: 'x' }],
          response_format: { type: 'json_schema', json_schema: { name: 'd', schema } },
        },
        { 'x-request-id': `${id}-f` },
      );
      assert.equal(assertOpenAIError(deepFormat, 400, /nested deeper/).param, 'response_format');
      assert.equal(allWithId(vertex, id).length + allWithId(vertex, `${id}-a`).length + allWithId(vertex, `${id}-f`).length, 0);
    });
  });

  it('n: 2 and logprobs for Gemini: candidateCount and responseLogprobs upstream, two choices with logprobs back; streamed or for Claude a 400', async () => {
    const id = rid('vx-n2');
    const logprobsResult = (tokens: string[]) => ({
      chosenCandidates: tokens.map((token) => ({ token, logProbability: -0.5 })),
      topCandidates: tokens.map((token) => ({
        candidates: [
          { token, logProbability: -0.5 },
          { token: 'x', logProbability: -2 },
        ],
      })),
    });
    script.on(
      id,
      json(200, {
        candidates: [
          { index: 0, content: { role: 'model', parts: [{ text: 'Hi' }] }, finishReason: 'STOP', logprobsResult: logprobsResult(['Hi']) },
          { index: 1, content: { role: 'model', parts: [{ text: 'Hey' }] }, finishReason: 'STOP', logprobsResult: logprobsResult(['Hey']) },
        ],
        usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 2, totalTokenCount: 5 },
        modelVersion: 'gemini-2.5-flash',
      }),
    );
    const completion = await oa.chat.completions.create(
      { model: 'gemini-2.5-flash', n: 2, logprobs: true, top_logprobs: 2, messages: [{ role: 'user', content: 'greet' }] },
      { headers: { 'x-request-id': id } },
    );
    assert.deepEqual(
      completion.choices.map((c) => [c.index, c.message.content, c.finish_reason]),
      [
        [0, 'Hi', 'stop'],
        [1, 'Hey', 'stop'],
      ],
    );
    assert.deepEqual(completion.choices[1]!.logprobs?.content?.[0], {
      token: 'Hey',
      logprob: -0.5,
      bytes: [72, 101, 121],
      top_logprobs: [
        { token: 'Hey', logprob: -0.5, bytes: [72, 101, 121] },
        { token: 'x', logprob: -2, bytes: [120] },
      ],
    });
    const got = await receivedWithId(vertex, id);
    assert.equal(got.body.generationConfig.candidateCount, 2);
    assert.equal(got.body.generationConfig.responseLogprobs, true);
    assert.equal(got.body.generationConfig.logprobs, 2);

    const refused = rid('vx-n2-refused');
    const streamed = await post(
      `${gw.url}/v1/chat/completions`,
      { model: 'gemini-2.5-flash', n: 2, stream: true, messages: [{ role: 'user', content: 'x' }] },
      { 'x-request-id': refused },
    );
    assert.equal(assertOpenAIError(streamed, 400, /n: 2 choices are not available.*cannot be streamed/).param, 'n');
    const claude = await post(
      `${gw.url}/v1/chat/completions`,
      { model: SONNET, logprobs: true, messages: [{ role: 'user', content: 'x' }] },
      { 'x-request-id': refused },
    );
    assert.equal(assertOpenAIError(claude, 400, /logprobs are not available/).param, 'logprobs');
    assert.equal(allWithId(vertex, refused).length, 0, 'never one choice without them: the upstream is not called');
  });

  it('a Responses client’s top_logprobs for Gemini: responseLogprobs upstream, output_text logprobs back; streamed a 400', async () => {
    const id = rid('vx-rs-logprobs');
    script.on(
      id,
      json(200, {
        candidates: [
          {
            content: { role: 'model', parts: [{ text: 'Hi' }] },
            finishReason: 'STOP',
            logprobsResult: {
              chosenCandidates: [{ token: 'Hi', logProbability: -0.25 }],
              topCandidates: [{ candidates: [{ token: 'Hi', logProbability: -0.25 }] }],
            },
          },
        ],
        usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 1, totalTokenCount: 4 },
        modelVersion: 'gemini-2.5-flash',
      }),
    );
    const response = await oa.responses.create(
      { model: 'gemini-2.5-flash', input: 'greet', top_logprobs: 1, include: ['message.output_text.logprobs'] },
      { headers: { 'x-request-id': id } },
    );
    const part = (response.output[0] as any).content[0];
    assert.equal(part.text, 'Hi');
    assert.deepEqual(part.logprobs, [
      { token: 'Hi', logprob: -0.25, bytes: [72, 105], top_logprobs: [{ token: 'Hi', logprob: -0.25, bytes: [72, 105] }] },
    ]);
    const got = await receivedWithId(vertex, id);
    assert.equal(got.body.generationConfig.responseLogprobs, true);
    assert.equal(got.body.generationConfig.logprobs, 1);
    const streamed = await post(
      `${gw.url}/v1/responses`,
      { model: 'gemini-2.5-flash', input: 'x', top_logprobs: 1, stream: true },
      { 'x-request-id': `${id}-s` },
    );
    assert.match(assertOpenAIError(streamed, 400).message, /logprobs are not available.*cannot be streamed/);
  });

  describe('Claude on Vertex (rawPredict)', () => {
    it('Anthropic client passes through: model in the URL (Vertex id), anthropic_version in the body, no model there', async () => {
      const id = rid('vx-claude-json');
      script.on(id, replayFixture('anthropic/anthropic-text.json'));
      const message = await ant.messages.create(
        { model: SONNET, max_tokens: 100, messages: [{ role: 'user', content: 'How are you?' }] },
        {
          headers: {
            'x-request-id': id,
            'anthropic-beta': 'fine-grained-tool-streaming-2025-05-14',
            'x-goog-user-project': 'someone-elses-project',
          },
        },
      );
      assert.equal(message.model, SONNET);
      assert.equal(
        message.content[0]!.type === 'text' && message.content[0]!.text,
        "Hello! I'm doing well, thanks for asking. How are you doing today? Is there anything I can help you with?",
      );
      const got = await receivedWithId(vertex, id);
      assert.equal(got.url, CLAUDE_PATH('claude-sonnet-4-5@20250929', 'rawPredict'));
      assert.equal(got.headers.authorization, `Bearer ${auth.latest}`);
      assert.equal(got.headers['x-api-key'], undefined, 'the client key is never forwarded');
      assert.equal(got.headers['anthropic-beta'], 'fine-grained-tool-streaming-2025-05-14');
      assert.equal(got.headers['x-goog-user-project'], undefined, 'a client does not pick the project that pays');
      assert.deepEqual(got.body, {
        anthropic_version: 'vertex-2023-10-16',
        max_tokens: 100,
        messages: [{ role: 'user', content: 'How are you?' }],
      });
    });

    it('streamed: streamRawPredict, the Anthropic event stream passed through', async () => {
      const id = rid('vx-claude-sse');
      script.on(id, replayFixture('anthropic/anthropic-text.chunks.txt'));
      const stream = ant.messages.stream(
        { model: 'claude-sonnet-4-5@20250929', max_tokens: 64, messages: [{ role: 'user', content: 'Hi' }] },
        { headers: { 'x-request-id': id } },
      );
      const final = await stream.finalMessage();
      assert.equal(final.stop_reason, 'end_turn');
      assert.match((final.content[0] as Anthropic.TextBlock).text, /^Hello! I'm doing well/);
      const got = await receivedWithId(vertex, id);
      assert.equal(got.url, CLAUDE_PATH('claude-sonnet-4-5@20250929', 'streamRawPredict'));
      assert.equal(got.body.stream, true);
      assert.equal(got.body.model, undefined);
      assert.equal(got.body.anthropic_version, 'vertex-2023-10-16');
    });

    it('OpenAI client → Claude on Vertex: translated by the anthropic.messages codec, max_tokens from default_max_tokens', async () => {
      const id = rid('vx-oa-claude');
      script.on(id, replayFixture('anthropic/anthropic-text.json'));
      const completion = await oa.chat.completions.create(
        { model: SONNET, messages: [{ role: 'user', content: 'How are you?' }] },
        { headers: { 'x-request-id': id } },
      );
      assert.match(completion.choices[0]!.message.content ?? '', /^Hello!/);
      assert.equal(completion.usage!.prompt_tokens, 12);
      const got = await receivedWithId(vertex, id);
      assert.equal(got.url, CLAUDE_PATH('claude-sonnet-4-5@20250929', 'rawPredict'));
      assert.deepEqual(got.body, {
        anthropic_version: 'vertex-2023-10-16',
        messages: [{ role: 'user', content: [{ type: 'text', text: 'How are you?' }] }],
        max_tokens: 2048,
      });
    });

    it('count_tokens → count-tokens:rawPredict with the Vertex model id in the body', async () => {
      const id = rid('vx-count');
      script.on(id, json(200, { input_tokens: 14 }));
      const counted = await ant.messages.countTokens(
        { model: SONNET, messages: [{ role: 'user', content: 'Hello, Claude' }] },
        { headers: { 'x-request-id': id } },
      );
      assert.equal(counted.input_tokens, 14);
      const got = await receivedWithId(vertex, id);
      assert.equal(got.url, CLAUDE_PATH('count-tokens', 'rawPredict'));
      assert.deepEqual(got.body, {
        anthropic_version: 'vertex-2023-10-16',
        messages: [{ role: 'user', content: 'Hello, Claude' }],
        model: 'claude-sonnet-4-5@20250929',
      });
    });
  });

  describe("Google's errors in the client's protocol", () => {
    it('429 RESOURCE_EXHAUSTED with RetryInfo → 429 with retry-after in seconds (OpenAI and Anthropic envelopes)', async () => {
      const id = rid('vx-429');
      script.on(id, replayFixture('gemini/google-429-retry-info.json'));
      const reply = await post(
        `${gw.url}/v1/chat/completions`,
        { model: GEMINI3, messages: [{ role: 'user', content: 'x' }] },
        { 'x-request-id': id },
      );
      const err = assertOpenAIError(reply, 429, /You exceeded your current quota/);
      assert.equal(err.type, 'rate_limit_error');
      assert.equal(err.code, 'RESOURCE_EXHAUSTED');
      assert.equal(reply.headers.get('retry-after'), '35');

      const aid = rid('vx-429-ant');
      script.on(aid, replayFixture('gemini/google-429-retry-info.json'));
      const areply = await post(
        `${gw.url}/v1/messages`,
        { model: SONNET, max_tokens: 5, messages: [{ role: 'user', content: 'x' }] },
        { 'x-request-id': aid, 'anthropic-version': '2023-06-01' },
      );
      assert.equal(
        assertAnthropicError(areply, 429, 'rate_limit_error').message,
        'You exceeded your current quota, please check your plan.',
      );
      assert.equal(areply.headers.get('retry-after'), '35');
      // The OpenAI SDK sees the status and the header too.
      const sid = rid('vx-429-sdk');
      script.on(sid, replayFixture('gemini/google-429-retry-info.json'));
      await assert.rejects(
        oa.chat.completions.create({ model: GEMINI3, messages: [{ role: 'user', content: 'x' }] }, { headers: { 'x-request-id': sid } }),
        (e: unknown) => e instanceof OpenAI.RateLimitError && e.headers?.get('retry-after') === '35',
      );
    });

    it("403 PERMISSION_DENIED → 502 naming the backend, with Google's reason", async () => {
      const id = rid('vx-403');
      script.on(
        id,
        googleError(
          403,
          'PERMISSION_DENIED',
          "Permission 'aiplatform.endpoints.predict' denied on resource '//aiplatform.googleapis.com/projects/proj-e2e/locations/us-east5/publishers/google/models/gemini-3-pro-preview' (or it may not exist).",
        ),
      );
      const reply = await post(
        `${gw.url}/v1/chat/completions`,
        { model: GEMINI3, messages: [{ role: 'user', content: 'x' }] },
        { 'x-request-id': id },
      );
      const err = assertOpenAIError(
        reply,
        502,
        /backend vertex rejected the gateway's credentials \(upstream status 403 PERMISSION_DENIED: Permission 'aiplatform\.endpoints\.predict' denied/,
      );
      assert.equal(err.code, 'upstream_auth_failed');
      assert.match(err.message, /Vertex AI User role/);
      assert.equal(allWithId(vertex, id).length, 1, 'a 403 is not retried');
    });

    it('404 NOT_FOUND → 404 with the message (Anthropic: not_found_error); 400 INVALID_ARGUMENT → 400', async () => {
      const id = rid('vx-404');
      script.on(
        id,
        googleError(
          404,
          'NOT_FOUND',
          'Publisher Model `projects/proj-e2e/locations/us-east5/publishers/google/models/gemini-9` was not found or your project does not have access to it.',
        ),
      );
      const reply = await post(
        `${gw.url}/v1/messages`,
        { model: 'gemini-9', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] },
        { 'x-request-id': id, 'anthropic-version': '2023-06-01' },
      );
      assert.match(assertAnthropicError(reply, 404, 'not_found_error').message, /Publisher Model .* was not found/);

      const bad = rid('vx-400');
      script.on(bad, googleError(400, 'INVALID_ARGUMENT', 'Unable to submit request because it has an empty text parameter.'));
      const r400 = await post(
        `${gw.url}/v1/chat/completions`,
        { model: GEMINI3, messages: [{ role: 'user', content: 'x' }] },
        { 'x-request-id': bad },
      );
      const err = assertOpenAIError(r400, 400, /empty text parameter/);
      assert.equal(err.type, 'invalid_request_error');
      assert.equal(err.code, 'INVALID_ARGUMENT');
    });
  });

  it('metrics name the provider gcp.vertex_ai and count Gemini tokens (output = candidates + thoughts, reasoning apart) for a virtual model', async () => {
    const id = rid('vx-metrics');
    script.on(id, replayFixture('gemini/google-tool-call.json'));
    await oa.chat.completions.create(
      { model: 'pro3-thinker', messages: [{ role: 'user', content: 'metrics' }] },
      { headers: { 'x-request-id': id } },
    );
    const scrape = await waitFor(
      async () => {
        const sc = await scrapeMetrics(gw.metricsUrl);
        return sc.find('switchyard_requests_total', { gen_ai_provider_name: 'gcp.vertex_ai', gen_ai_request_model: 'pro3-thinker' })
          .length > 0
          ? sc
          : null;
      },
      5000,
      'vertex metrics',
    );
    const sum = (type: string) =>
      scrape
        .find('gen_ai_client_token_usage_sum', {
          gen_ai_provider_name: 'gcp.vertex_ai',
          gen_ai_request_model: 'pro3-thinker',
          gen_ai_token_type: type,
        })
        .reduce((n, x) => n + x.value, 0);
    assert.ok(sum('output') >= 15 + 893, `output tokens ${sum('output')}`);
    assert.ok(sum('reasoning') >= 893, `reasoning tokens ${sum('reasoning')}`);
  });

  describe('token refresh', () => {
    it('401 → one forced refresh at the token endpoint → the request retried once with the new token', async () => {
      const id = rid('vx-401');
      script.on(id, replayFixture('gemini/google-text.json'));
      const stale = auth.latest!;
      script.revoke(stale);
      const tokenRequests = auth.server.requests.length;
      const completion = await oa.chat.completions.create(
        { model: GEMINI3, messages: [{ role: 'user', content: 'x' }] },
        { headers: { 'x-request-id': id } },
      );
      assert.equal(completion.choices[0]!.finish_reason, 'stop');
      assert.equal(auth.server.requests.length, tokenRequests + 1, 'exactly one more token request');
      const tries = allWithId(vertex, id);
      assert.deepEqual(tries.map(bearer), [stale, auth.latest]);
      assert.notEqual(auth.latest, stale);
      assert.deepEqual(
        auth.issued,
        ['vertex-token-1', 'vertex-token-2'],
        'the token endpoint saw two token requests in all: the first use and the forced refresh',
      );
      assert.ok(tries.every((t) => t.url === GEMINI_PATH(GEMINI3, 'generateContent')));
      assert.deepEqual(tries[1]!.body, tries[0]!.body, 'the same body is sent again');
    });

    it('a 401 that persists after the refresh → 502 (retried once, not more)', async () => {
      const id = rid('vx-401-again');
      script.rejectAllTokens();
      try {
        const tokenRequests = auth.server.requests.length;
        const reply = await post(
          `${gw.url}/v1/messages`,
          { model: SONNET, max_tokens: 5, messages: [{ role: 'user', content: 'x' }] },
          { 'x-request-id': id, 'anthropic-version': '2023-06-01' },
        );
        const err = assertAnthropicError(reply, 502);
        assert.match(
          err.message,
          /backend vertex rejected the gateway's credentials \(upstream status 401 UNAUTHENTICATED: Request had invalid authentication credentials/,
        );
        assert.equal(allWithId(vertex, id).length, 2);
        assert.equal(auth.server.requests.length, tokenRequests + 1);
      } finally {
        script.acceptTokens();
      }
    });

    it('the gateway never logs a token (debug level)', () => {
      const output = gw.stdout() + gw.stderr();
      assert.ok(output.length > 1000, 'the gateway logged at debug level');
      for (const token of auth.issued) assert.ok(!output.includes(token), `token ${token} in the gateway's output`);
    });
  });
});

describe('gcp-vertex single-backend mode and start-up without credentials', () => {
  let auth: FakeGoogleAuth;
  let vertex: FakeUpstream;
  const script = fakeVertex();

  before(async () => {
    auth = await startFakeGoogleAuth('proj-single');
    vertex = await startFakeUpstream(script);
  });

  after(async () => {
    await vertex?.close();
    await auth?.close();
  });

  it('switchyard --backend gcp-vertex --project P --location L (base_url from SWITCHYARD_BASE_URL): every model sent as-is', async () => {
    const gw = await startGateway({
      args: ['--backend', 'gcp-vertex', '--project', 'proj-single', '--location', 'europe-west4', '--log-level', 'warn'],
      env: { ...auth.env, SWITCHYARD_BASE_URL: vertex.url },
    });
    try {
      const id = rid('vx-single');
      script.on(id, replayFixture('gemini/google-text.json'));
      const completion = await openaiClient(gw.url).chat.completions.create(
        { model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'hi' }] },
        { headers: { 'x-request-id': id } },
      );
      assert.match(completion.choices[0]!.message.content ?? '', /strawberry/);
      const got = await receivedWithId(vertex, id);
      assert.equal(got.url, '/v1/projects/proj-single/locations/europe-west4/publishers/google/models/gemini-2.5-flash:generateContent');
      assert.equal(got.headers.authorization, `Bearer ${auth.latest}`);
      assert.deepEqual(vertexTarget(got), {
        project: 'proj-single',
        location: 'europe-west4',
        publisher: 'google',
        model: 'gemini-2.5-flash',
        method: 'generateContent',
      });
    } finally {
      await gw.stop();
    }
  });

  it('no credentials and no metadata server: start-up does not wait for them; a request gets a clear 502', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'switchyard-no-adc-'));
    const closedPort = await freePort();
    const startedAt = performance.now();
    const gw = await startGateway({
      config: {
        logging: { level: 'warn' },
        backends: [{ id: 'vx', type: 'gcp-vertex', project: 'p-none', base_url: vertex.url, models: ['*'] }],
      },
      env: {
        GOOGLE_APPLICATION_CREDENTIALS: undefined,
        CLOUDSDK_CONFIG: empty,
        GCE_METADATA_HOST: `127.0.0.1:${closedPort}`,
        GOOGLE_CLOUD_PROJECT: undefined,
      },
    });
    try {
      assert.ok(performance.now() - startedAt < 15_000);
      assert.equal((await fetch(`${gw.url}/readyz`)).status, 200);
      const id = rid('vx-no-adc');
      const reply = await post(
        `${gw.url}/v1/chat/completions`,
        { model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'x' }] },
        { 'x-request-id': id },
      );
      const err = assertOpenAIError(reply, 502, /backend vx could not get a Google access token \(Application Default Credentials\)/);
      assert.equal(err.code, 'upstream_auth_failed');
      assert.equal(allWithId(vertex, id).length, 0, 'nothing reached Vertex without a token');
    } finally {
      await gw.stop();
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
