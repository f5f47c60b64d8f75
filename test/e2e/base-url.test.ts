/**
 * Backend base_url forms (README "base_url"): a server root gets the full `/v1/...` path; a base
 * URL with a path is the API root, as the OpenAI SDK's `baseURL` (`<fake>/openai/v1/` reaches
 * `/openai/v1/chat/completions` and `/openai/v1/models`).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import { openAiCompatible, startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { startGateway, type RunningGateway } from '../helpers/start-gateway.js';
import { receivedWithId, rid, waitFor } from '../helpers/e2e.js';

describe('base_url with and without a path prefix', () => {
  let upstream: FakeUpstream;
  let gw: RunningGateway;
  let client: OpenAI;

  before(async () => {
    upstream = await startFakeUpstream(openAiCompatible({ mock_models: ['prefixed-a', 'root-a', 'gem-a', 'unrouted'] }));
    gw = await startGateway({
      config: {
        logging: { level: 'error' },
        backends: [
          {
            id: 'prefixed',
            type: 'openai',
            base_url: `${upstream.url}/openai/v1/`,
            api_key: 'sk-prefixed-0123456789',
            models: ['prefixed-*'],
          },
          { id: 'root', type: 'openai', base_url: upstream.url, api_key: 'sk-root-0123456789', models: ['root-*'] },
          { id: 'gemlike', type: 'openai', base_url: `${upstream.url}/api/v1beta/openai`, api_key: 'sk-gem-0123456789', models: ['gem-*'] },
        ],
      },
    });
    client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: 'x', maxRetries: 0 });
  });

  after(async () => {
    await gw?.stop();
    await upstream?.close();
  });

  it('the model listing is fetched under each base path, and each backend lists what its globs admit', async () => {
    const ids = await waitFor(
      async () => {
        const out: string[] = [];
        for await (const m of client.models.list()) out.push(m.id);
        return out.length === 3 ? out : null;
      },
      5000,
      'all three backends to be listed',
    );
    assert.deepEqual(ids, ['prefixed-a', 'root-a', 'gem-a']);
    const listings = upstream.requests.filter((r) => r.method === 'GET').map((r) => `${r.path} ${r.headers.authorization}`);
    assert.ok(listings.includes('/openai/v1/models Bearer sk-prefixed-0123456789'), listings.join('\n'));
    assert.ok(listings.includes('/v1/models Bearer sk-root-0123456789'), listings.join('\n'));
    assert.ok(listings.includes('/api/v1beta/openai/models Bearer sk-gem-0123456789'), listings.join('\n'));
  });

  for (const [backend, model, prefix] of [
    ['prefixed', 'prefixed-a', '/openai/v1'],
    ['root', 'root-a', '/v1'],
    ['gemlike', 'gem-a', '/api/v1beta/openai'],
  ] as const) {
    it(`${backend}: chat, completions and embeddings reach ${prefix}/…`, async () => {
      const ids = { chat: rid('chat'), completions: rid('cmpl'), embeddings: rid('emb') };
      const chat = await client.chat.completions.create(
        { model, messages: [{ role: 'user', content: 'hi' }] },
        { headers: { 'x-request-id': ids.chat } },
      );
      assert.equal(typeof chat.choices[0]!.message.content, 'string');
      await client.completions.create({ model, prompt: 'def f(', suffix: ')' }, { headers: { 'x-request-id': ids.completions } });
      const emb = await client.embeddings.create(
        { model, input: 'x', encoding_format: 'float' },
        { headers: { 'x-request-id': ids.embeddings } },
      );
      assert.ok(emb.data[0]!.embedding.length > 0);
      assert.equal((await receivedWithId(upstream, ids.chat)).path, `${prefix}/chat/completions`);
      assert.equal((await receivedWithId(upstream, ids.completions)).path, `${prefix}/completions`);
      assert.equal((await receivedWithId(upstream, ids.embeddings)).path, `${prefix}/embeddings`);
    });
  }
});
