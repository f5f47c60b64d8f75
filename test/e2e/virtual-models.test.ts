import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { startGateway, type RunningGateway } from '../helpers/start-gateway.js';

/** The chat request the fake received (background model listings are GETs and are skipped). */
async function chatRequest(upstream: FakeUpstream) {
  const found = await waitFor(
    async () => upstream.requests.find((r) => r.method === 'POST'),
    (r) => r !== undefined,
  );
  assert.ok(found, 'the upstream received no POST');
  await found.bodyReceived;
  return found;
}

async function waitFor<T>(probe: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 5000): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: T = await probe();
  while (!ok(last)) {
    if (Date.now() > until) return last;
    await new Promise((r) => setTimeout(r, 100));
    last = await probe();
  }
  return last;
}

describe('virtual models, profiles and the models list (issue #3)', () => {
  let upstream: FakeUpstream;
  let gw: RunningGateway;
  let client: OpenAI;

  before(async () => {
    upstream = await startFakeUpstream();
    gw = await startGateway({
      config: {
        server: { models_refresh_seconds: 0.3 },
        backends: [{ id: 'gpu', type: 'openai', base_url: upstream.url, api_key: 'sk-backend-1234567', models: ['Qwen/*', 'mock'] }],
        routes: [
          {
            virtual_model: 'coder',
            backend: 'gpu',
            real_model: 'Qwen/Qwen3-8B',
            context_length: 131072,
            defaults: { temperature: 0.2, max_tokens: 512, enable_thinking: true, repetition_penalty: 1.05 },
            clamp: { top_p: 0.9, seed: null },
            limits: { temperature: { min: 0, max: 1 } },
            system_prompt: { mode: 'prepend', text: 'You are a careful coder.' },
          },
        ],
      },
    });
    client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  });

  after(async () => {
    await gw?.stop();
    await upstream?.close();
  });

  it('the upstream receives exactly the merged body: defaults < caller < clamp, limits, system prompt, thinking, real model', async () => {
    upstream.reset();
    const res = await client.chat.completions.create({
      model: 'coder',
      messages: [{ role: 'user', content: 'Write a loop' }],
      temperature: 1.7,
      // a caller's null counts as not set; seed is removed by clamp null
      max_tokens: null,
      seed: 42,
      // unknown fields pass through
      ...({ vendor_x: { a: 1 } } as object),
    });
    const req = await chatRequest(upstream);
    assert.deepEqual(req.body, {
      model: 'Qwen/Qwen3-8B',
      messages: [
        { role: 'system', content: 'You are a careful coder.' },
        { role: 'user', content: 'Write a loop' },
      ],
      temperature: 1,
      max_tokens: 512,
      vendor_x: { a: 1 },
      repetition_penalty: 1.05,
      chat_template_kwargs: { enable_thinking: true },
      top_p: 0.9,
    });
    assert.equal(res.model, 'coder', 'responses name the model the client asked for');
  });

  it('streams name the virtual model in every chunk and carry x-switchyard-real-model', async () => {
    const { data: stream, response } = await client.chat.completions
      .create({ model: 'coder', stream: true, messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();
    assert.equal(response.headers.get('x-switchyard-real-model'), 'Qwen/Qwen3-8B');
    let n = 0;
    for await (const chunk of stream) {
      assert.equal(chunk.model, 'coder');
      n++;
    }
    assert.ok(n > 2);
  });

  it('a model matched by a glob passes through with its own name and an unchanged body', async () => {
    upstream.reset();
    const body = '{"model":"Qwen/Qwen2.5-7B","messages":[{"role":"user","content":"x"}],"temperature":0.5}';
    const res = await fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    assert.equal(res.status, 200);
    const req = await chatRequest(upstream);
    assert.equal(req.rawBody.toString(), body);
  });

  it('GET /v1/models lists virtual models with context_length, then reported models the globs admit', async () => {
    const models = await waitFor(
      async () => (await client.models.list()).data,
      (d) => d.some((m) => m.id === 'mock'),
    );
    const ids = models.map((m) => m.id);
    assert.equal(ids[0], 'coder');
    assert.equal((models[0] as unknown as { context_length: number }).context_length, 131072);
    assert.ok(ids.includes('mock'), `reported models admitted by globs: ${ids.join(', ')}`);
    const one = await client.models.retrieve('coder');
    assert.equal(one.id, 'coder');
  });

  it('the Anthropic list shape when the request carries anthropic-version', async () => {
    const res = await fetch(`${gw.url}/v1/models`, { headers: { 'anthropic-version': '2023-06-01' } });
    const json = (await res.json()) as { data: Array<{ type: string; id: string }>; has_more: boolean };
    assert.equal(json.has_more, false);
    assert.equal(json.data[0]!.type, 'model');
    assert.equal(json.data[0]!.id, 'coder');
  });

  it('reported models drop out while the backend is down and come back when it recovers; never fetched on the request path', async () => {
    upstream.always((req, res) => {
      if (req.url?.endsWith('/models')) {
        res.writeHead(503).end('down');
        return;
      }
      res.writeHead(500).end();
    });
    const down = await waitFor(
      async () => (await client.models.list()).data.map((m) => m.id),
      (ids) => !ids.includes('mock'),
    );
    assert.deepEqual(down, ['coder']);
    const before = upstream.requests.length;
    await client.models.list();
    await client.models.list();
    // listings are served from memory: at most the background refreshes reached the upstream meanwhile
    assert.ok(upstream.requests.length - before <= 2);
    upstream.reset();
    const up = await waitFor(
      async () => (await client.models.list()).data.map((m) => m.id),
      (ids) => ids.includes('mock'),
    );
    assert.ok(up.includes('mock'));
  });
});
