/**
 * Client keys (issue #20) end to end, through the built gateway and its fake upstream: a key's
 * `models` (403 in the client's protocol with the openai and Anthropic SDKs; /v1/models in both
 * shapes lists only what it may use), a key given as key_sha256, rpm with OpenAI's and Anthropic's
 * rate-limit headers, 50 concurrent requests at a nearly spent budget (no overshoot), a stream that
 * crosses its budget finishes and the next request is refused naming the budget and its reset, a
 * usd budget against an unpriced model (403), spend in the journal and switchyard_spend_usd_total.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { json, sse, startFakeUpstream, type FakeHandler, type FakeUpstream } from '../helpers/fake-upstream.js';
import { startGateway, type RunningGateway } from '../helpers/start-gateway.js';
import { assertAnthropicError, assertOpenAIError, chatChunk, chatCompletion, get, post, waitFor } from '../helpers/e2e.js';
import { scrapeMetrics } from '../helpers/prometheus-text.js';

const KEY = {
  open: 'sk-gov-open-000000000001',
  models: 'sk-gov-models-0000000002',
  rpmOpenAI: 'sk-gov-rpm-openai-00003',
  rpmAnthropic: 'sk-gov-rpm-anthro-00004',
  budget: 'sk-gov-budget-0000000005',
  stream: 'sk-gov-stream-0000000006',
  usd: 'sk-gov-usd-00000000000007',
  concurrency: 'sk-gov-conc-0000000000008',
  rpm10: 'sk-gov-rpm10-000000000009',
  tpm: 'sk-gov-tpm-00000000000010',
  usdLoad: 'sk-gov-usd-load-000000011',
};
const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');
const bearer = (key: string): Record<string, string> => ({ authorization: `Bearer ${key}` });

/** Every non-streamed reply reports 5 input + 3 output tokens; streams report 4000 + 2000 (bigger than any budget here). */
const STREAM_USAGE = { prompt_tokens: 4000, completion_tokens: 2000, total_tokens: 6000 };
const upstreamHandler: FakeHandler = async (req, res, record) => {
  if (req.method === 'GET') {
    const data = ['llama-3-8b', 'Qwen/Qwen3'].map((id) => ({ id, object: 'model', created: 1_700_000_000, owned_by: 'fake' }));
    return json(200, { object: 'list', data })(req, res, record);
  }
  const body = record.body as { model: string; stream?: boolean; metadata?: { delay_ms?: number } };
  if (body.stream) {
    const chunks: object[] = [0, 1, 2, 3, 4].map((i) => chatChunk(body.model, { content: `piece ${i} ` }));
    chunks.push(chatChunk(body.model, {}, 'stop'), { ...chatChunk(body.model, {}), choices: [], usage: STREAM_USAGE });
    return sse(chunks, { delayMs: 40 })(req, res, record);
  }
  const wait = Number(record.headers['x-test-delay-ms'] ?? 0);
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  return json(200, chatCompletion(body.model, { content: 'hi' }))(req, res, record);
};

const CHAT = (model: string, extra: Record<string, unknown> = {}) => ({
  model,
  messages: [{ role: 'user', content: 'hello' }],
  max_tokens: 100,
  ...extra,
});
/** What the gateway reserves for a request: a quarter of its bytes (rounded up) plus its max_tokens. */
const reservationOf = (body: object): number => Math.ceil(Buffer.byteLength(JSON.stringify(body)) / 4) + 100;

const R = reservationOf(CHAT('coder'));
/** One request (8 tokens) spent first, then room for exactly five reservations, not six. */
const BUDGET_TOKENS = 8 + 5 * R + 3;
/** A reservation priced at coder's rates (input 1, output 2 USD per million tokens). */
const R_USD = ((R - 100) * 1 + 100 * 2) / 1_000_000;

function monthEnd(): string {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)).toISOString().replace('.000Z', 'Z');
}

describe('client keys (issue #20)', () => {
  let upstream: FakeUpstream;
  let gw: RunningGateway;
  let dir: string;
  const journal = () => path.join(dir, 'requests.jsonl');

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'gov-e2e-'));
    upstream = await startFakeUpstream(upstreamHandler);
    gw = await startGateway({
      config: {
        logging: { level: 'error' },
        journal: { enabled: true, path: journal() },
        server: {
          api_keys: [
            { name: 'open', key: KEY.open },
            { name: 'models-only', key_sha256: sha256(KEY.models), models: ['coder', 'llama-*'] },
            { name: 'rpm-openai', key: KEY.rpmOpenAI, rpm: 2, tpm: 100_000 },
            { name: 'rpm-anthropic', key: KEY.rpmAnthropic, rpm: 2, tpm: 100_000 },
            { name: 'budget', key: KEY.budget, budget: { tokens: BUDGET_TOKENS, period: 'month' } },
            { name: 'stream', key: KEY.stream, budget: { tokens: 2 * R, period: 'month' } },
            { name: 'usd', key: KEY.usd, budget: { usd: 1, period: 'day' } },
            { name: 'concurrency', key: KEY.concurrency, max_concurrency: 3 },
            { name: 'rpm10', key: KEY.rpm10, rpm: 10 },
            { name: 'tpm', key: KEY.tpm, tpm: 4 * R + 3 },
            { name: 'usd-load', key: KEY.usdLoad, budget: { usd: 4 * R_USD + 1e-9, period: 'week' } },
          ],
        },
        pricing: { 'Qwen/Qwen3': { input: 1, output: 2 } },
        governance: { default_max_tokens: 100 },
        backends: [{ id: 'fake', type: 'openai', base_url: upstream.url, models: ['llama-*', 'Qwen/*'] }],
        routes: [
          { virtual_model: 'coder', backend: 'fake', real_model: 'Qwen/Qwen3' },
          { virtual_model: 'other', backend: 'fake', real_model: 'Qwen/Other' },
        ],
      },
    });
    // The background listing has the backend's models before the tests read /v1/models.
    await waitFor(async () => (await get(`${gw.url}/v1/models`, bearer(KEY.open))).text.includes('llama-3-8b'), 10_000, 'model listing');
  });

  after(async () => {
    await gw?.stop();
    await upstream?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a model outside the key: 403 PermissionDeniedError with the openai SDK, permission_error with the Anthropic SDK; no upstream call', async () => {
    const before = upstream.requests.filter((r) => r.method === 'POST').length;
    const openai = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: KEY.models, maxRetries: 0 });
    await assert.rejects(
      openai.chat.completions.create({ model: 'other', messages: [{ role: 'user', content: 'hi' }] }),
      (err: unknown) => {
        assert.ok(err instanceof OpenAI.PermissionDeniedError, String(err));
        assert.equal(err.status, 403);
        assert.match(err.message, /client key models-only may not use model 'other' \(it may use: coder, llama-\*\)/);
        return true;
      },
    );
    const anthropic = new Anthropic({ baseURL: gw.url, apiKey: KEY.models, maxRetries: 0 });
    await assert.rejects(
      anthropic.messages.create({ model: 'Qwen/Qwen3', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }),
      (err: unknown) => {
        assert.ok(err instanceof Anthropic.PermissionDeniedError, String(err));
        assert.equal((err.error as { error: { type: string } }).error.type, 'permission_error');
        return true;
      },
    );
    assert.equal(upstream.requests.filter((r) => r.method === 'POST').length, before);
    // The key (given as key_sha256) reaches what it may use.
    const ok = await openai.chat.completions.create({ model: 'llama-3-8b', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(ok.choices[0]!.message.content, 'hi');
  });

  it('/v1/models lists only what the key may use, in the OpenAI and the Anthropic shape', async () => {
    const openai = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: KEY.models, maxRetries: 0 });
    const ids: string[] = [];
    for await (const m of openai.models.list()) ids.push(m.id);
    assert.deepEqual(ids.sort(), ['coder', 'llama-3-8b']);
    const anthropic = new Anthropic({ baseURL: gw.url, apiKey: KEY.models, maxRetries: 0 });
    const aIds: string[] = [];
    for await (const m of anthropic.models.list()) aIds.push(m.id);
    assert.deepEqual(aIds.sort(), ['coder', 'llama-3-8b']);
    assertOpenAIError(await get(`${gw.url}/v1/models/other`, bearer(KEY.models)), 404);
    // A key without `models` sees everything.
    const all = (await get(`${gw.url}/v1/models`, bearer(KEY.open))).json() as { data: Array<{ id: string }> };
    assert.deepEqual(all.data.map((m) => m.id).sort(), ['Qwen/Qwen3', 'coder', 'llama-3-8b', 'other']);
  });

  it('rpm: OpenAI x-ratelimit-* headers on replies, then 429 with retry-after in the OpenAI envelope', async () => {
    const first = await post(`${gw.url}/v1/chat/completions`, CHAT('coder'), bearer(KEY.rpmOpenAI));
    assert.equal(first.status, 200, first.text);
    assert.equal(first.headers.get('x-ratelimit-limit-requests'), '2');
    assert.equal(first.headers.get('x-ratelimit-remaining-requests'), '1');
    assert.match(first.headers.get('x-ratelimit-reset-requests') ?? '', /^(59|60)s$|^1m0s$/);
    assert.equal(first.headers.get('x-ratelimit-limit-tokens'), '100000');
    assert.equal(first.headers.get('x-ratelimit-remaining-tokens'), String(100_000 - R));
    assert.equal(first.headers.get('anthropic-ratelimit-requests-limit'), null);
    assert.equal((await post(`${gw.url}/v1/chat/completions`, CHAT('coder'), bearer(KEY.rpmOpenAI))).status, 200);
    const third = await post(`${gw.url}/v1/chat/completions`, CHAT('coder'), bearer(KEY.rpmOpenAI));
    const error = assertOpenAIError(
      third,
      429,
      /^client key rpm-openai is over its rate limit of 2 requests per minute; retry after \d+ s$/,
    );
    assert.equal(error.type, 'rate_limit_error');
    assert.equal(error.code, 'rate_limit_exceeded');
    const retry = Number(third.headers.get('retry-after'));
    assert.ok(retry >= 1 && retry <= 60, `retry-after ${retry}`);
    assert.equal(third.headers.get('x-ratelimit-remaining-requests'), '0');
  });

  it('rpm: Anthropic clients get anthropic-ratelimit-* (RFC 3339 reset) and a rate_limit_error', async () => {
    const body = { model: 'coder', max_tokens: 100, messages: [{ role: 'user', content: 'hello' }] };
    const headers = { 'x-api-key': KEY.rpmAnthropic, 'anthropic-version': '2023-06-01' };
    const first = await post(`${gw.url}/v1/messages`, body, headers);
    assert.equal(first.status, 200, first.text);
    assert.equal(first.headers.get('anthropic-ratelimit-requests-limit'), '2');
    assert.equal(first.headers.get('anthropic-ratelimit-requests-remaining'), '1');
    const reset = first.headers.get('anthropic-ratelimit-requests-reset') ?? '';
    assert.match(reset, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const inSeconds = (Date.parse(reset) - Date.now()) / 1000;
    assert.ok(inSeconds > 55 && inSeconds <= 61, `reset in ${inSeconds} s`);
    assert.equal(first.headers.get('anthropic-ratelimit-tokens-limit'), '100000');
    assert.equal(first.headers.get('x-ratelimit-limit-requests'), null);
    await post(`${gw.url}/v1/messages`, body, headers);
    const third = await post(`${gw.url}/v1/messages`, body, headers);
    assertAnthropicError(third, 429, 'rate_limit_error');
    assert.ok(Number(third.headers.get('retry-after')) >= 1);
  });

  it('50 concurrent requests at a nearly spent budget: exactly the reservations that fit are admitted, no overshoot', async () => {
    assert.equal((await post(`${gw.url}/v1/chat/completions`, CHAT('coder'), bearer(KEY.budget))).status, 200);
    // The upstream holds every admitted request, so all 50 are in flight together.
    const replies = await Promise.all(
      Array.from({ length: 50 }, () =>
        post(`${gw.url}/v1/chat/completions`, CHAT('coder'), { ...bearer(KEY.budget), 'x-test-delay-ms': '400' }),
      ),
    );
    const ok = replies.filter((r) => r.status === 200).length;
    const refused = replies.filter((r) => r.status === 429);
    assert.equal(ok, 5, `8 used + 5 × ${R} reserved fit in ${BUDGET_TOKENS}, a sixth does not`);
    assert.equal(refused.length, 45);
    const message = assertOpenAIError(refused[0]!, 429).message;
    assert.match(
      message,
      new RegExp(
        `^client key budget has spent its month budget of ${BUDGET_TOKENS} tokens .*; it resets at ${monthEnd()}; retry after \\d+ s$`,
      ),
    );
    assert.equal(assertOpenAIError(refused[0]!, 429).code, 'budget_exceeded');
  });

  it('each limit under 50 concurrent requests admits exactly what fits: max_concurrency, rpm, tpm, a usd budget', async () => {
    const cases: Array<[keyof typeof KEY, number, RegExp]> = [
      ['concurrency', 3, /already has 3 requests in flight \(max_concurrency 3\)/],
      ['rpm10', 10, /rate limit of 10 requests per minute/],
      ['tpm', 4, new RegExp(`rate limit of ${4 * R + 3} tokens per minute`)],
      ['usdLoad', 4, /has spent its week budget of [\d.e-]+ USD/],
    ];
    for (const [key, fits, message] of cases) {
      const replies = await Promise.all(
        Array.from({ length: 50 }, () =>
          post(`${gw.url}/v1/chat/completions`, CHAT('coder'), { ...bearer(KEY[key]), 'x-test-delay-ms': '400' }),
        ),
      );
      assert.equal(replies.filter((r) => r.status === 200).length, fits, `${key}: admitted`);
      const refused = replies.filter((r) => r.status !== 200);
      assert.equal(refused.length, 50 - fits, `${key}: refused`);
      for (const r of refused) assertOpenAIError(r, 429, message);
    }
  });

  it('a stream that crosses its budget finishes; the next request is refused naming the budget and its reset', async () => {
    const stream = await post(`${gw.url}/v1/chat/completions`, CHAT('coder', { stream: true }), bearer(KEY.stream));
    assert.equal(stream.status, 200);
    for (let i = 0; i < 5; i++) assert.ok(stream.text.includes(`piece ${i} `), stream.text);
    assert.ok(stream.text.trimEnd().endsWith('data: [DONE]'), 'the stream ran to its end');
    const next = await waitFor(
      async () => {
        const r = await post(`${gw.url}/v1/chat/completions`, CHAT('coder'), bearer(KEY.stream));
        return r.status === 429 ? r : null;
      },
      5000,
      'the settled stream to spend the budget',
    );
    assertOpenAIError(
      next,
      429,
      new RegExp(`client key stream has spent its month budget of ${2 * R} tokens \\(0 left; .*it resets at ${monthEnd()}`),
    );
  });

  it('usd budget: an unpriced model is a 403 saying why; spend goes to the journal and switchyard_spend_usd_total', async () => {
    const unpriced = await post(`${gw.url}/v1/chat/completions`, CHAT('llama-3-8b'), bearer(KEY.usd));
    assertOpenAIError(unpriced, 403, /client key usd has a USD budget and model 'llama-3-8b' \(llama-3-8b upstream\) has no price/);
    const priced = await post(`${gw.url}/v1/chat/completions`, CHAT('coder'), { ...bearer(KEY.usd), 'x-request-id': 'gov-spend-1' });
    assert.equal(priced.status, 200);
    const expected = (5 * 1 + 3 * 2) / 1_000_000;
    const line = await waitFor(
      () =>
        readFileSync(journal(), 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as Record<string, unknown>)
          .find((l) => l.request_id === 'gov-spend-1'),
      5000,
      'the journal line',
    );
    assert.equal(line.spend_usd, expected);
    assert.equal(line.client_key_id, 'usd');
    const scrape = await scrapeMetrics(gw.metricsUrl);
    const spend = scrape.samples.filter((s) => s.name === 'switchyard_spend_usd_total' && s.labels.client_key === 'usd');
    assert.deepEqual(
      spend.map((s) => [s.labels.model, s.value]),
      [['Qwen/Qwen3', expected]],
    );
    // An unpriced model counts no spend for a key without a usd budget.
    assert.equal((await post(`${gw.url}/v1/chat/completions`, CHAT('llama-3-8b'), bearer(KEY.open))).status, 200);
  });
});
