import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createOpenAI } from '@ai-sdk/openai';
import { generateText, streamText, tool } from 'ai';
import { z } from 'zod';
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { startGateway, type RunningGateway } from '../helpers/start-gateway.js';

describe("Vercel AI SDK's Responses provider through the gateway (issue #7)", () => {
  let upstream: FakeUpstream;
  let gw: RunningGateway;

  before(async () => {
    upstream = await startFakeUpstream();
    gw = await startGateway({
      config: {
        backends: [
          { id: 'mock', type: 'mock', models: ['mock'] },
          { id: 'chat', type: 'openai', base_url: upstream.url, api_key: 'sk-chat-123456', models: ['chat-*'], skip_probe: true },
        ],
      },
    });
  });

  after(async () => {
    await gw?.stop();
    await upstream?.close();
  });

  const provider = () => createOpenAI({ baseURL: `${gw.url}/v1`, apiKey: 'unused' });

  it('generateText over /v1/responses, translated to an OpenAI-compatible chat backend', async () => {
    const { text, usage } = await generateText({ model: provider().responses('chat-model'), prompt: 'Say hello' });
    assert.ok(text.length > 0);
    assert.ok((usage.outputTokens ?? 0) > 0);
    const sent = upstream.requests.find((r) => r.method === 'POST');
    assert.equal(sent?.path, '/v1/chat/completions', 'the chat backend received a chat completion');
  });

  it('streamText over /v1/responses to the mock: streamed text assembles', async () => {
    const result = streamText({ model: provider().responses('mock'), prompt: 'Say hello' });
    let text = '';
    for await (const delta of result.textStream) text += delta;
    assert.match(text, /deterministic reply/);
  });

  it('a tool call comes back as a Responses function_call the SDK turns into a tool call', async () => {
    const { toolCalls } = await generateText({
      model: provider().responses('mock'),
      prompt: 'What is the weather in Paris?',
      tools: { get_weather: tool({ description: 'weather', inputSchema: z.object({ location: z.string() }) }) },
    });
    assert.equal(toolCalls[0]?.toolName, 'get_weather');
    assert.deepEqual(toolCalls[0]?.input, { location: 'Paris' });
  });
});
