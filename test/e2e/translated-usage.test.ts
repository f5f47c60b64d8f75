import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import { replayFixture, startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { scrapeMetrics } from '../helpers/prometheus-text.js';
import { startGateway, type RunningGateway } from '../helpers/start-gateway.js';

describe('token counts on translated streams (issue #4 × #5)', () => {
  let upstream: FakeUpstream;
  let gw: RunningGateway;

  before(async () => {
    upstream = await startFakeUpstream(replayFixture('anthropic/anthropic-text'));
    gw = await startGateway({
      config: {
        backends: [
          {
            id: 'claude',
            type: 'anthropic',
            base_url: upstream.url,
            api_key: 'sk-ant-test-123456',
            models: ['claude-*'],
            skip_probe: true,
          },
        ],
      },
    });
  });

  after(async () => {
    await gw?.stop();
    await upstream?.close();
  });

  it('an OpenAI client streaming without include_usage to an Anthropic backend gets no usage chunk, yet tokens are counted', async () => {
    const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: 'x', maxRetries: 0 });
    const stream = await client.chat.completions.create({
      model: 'claude-sonnet-4-5',
      stream: true,
      messages: [{ role: 'user', content: 'hi' }],
    });
    let text = '';
    for await (const chunk of stream) {
      assert.equal(chunk.usage ?? undefined, undefined, 'the client did not ask for usage');
      text += chunk.choices[0]?.delta?.content ?? '';
    }
    assert.ok(text.length > 0);
    await new Promise((r) => setTimeout(r, 300));
    const scrape = await scrapeMetrics(gw.metricsUrl);
    const sums = scrape.samples.filter((s) => s.name === 'gen_ai_client_token_usage_sum');
    const byType = Object.fromEntries(sums.map((s) => [s.labels['gen_ai_token_type'], s.value]));
    assert.equal(byType.output, 30, JSON.stringify(byType));
    assert.equal(byType.input, 12);
  });
});
