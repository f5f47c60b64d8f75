/**
 * GovernanceGate (issue #20) without HTTP: requests nothing governs return null at once (the hot
 * path), `models` refuses synchronously, the reservation reads each protocol's own max-output field
 * through its codec (or governance.default_max_tokens), the rate-limit headers are the client
 * protocol's own (its codec's hook), and a refusal is a 429 with retry-after.
 */
import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  buildConfig,
  Exchange,
  GatewayError,
  GatewayRuntime,
  GovernanceGate,
  PluginRegistry,
  silentLogger,
  type Admission,
  type GatewayRequest,
  type GovernanceStore,
  type KeyLimits,
  type Protocol,
  type Reservation,
  type RouteDecision,
} from '@switchyard/kernel';
import anthropic from '@switchyard/plugin-anthropic';
import openai from '@switchyard/plugin-openai';
import openresponses from '@switchyard/plugin-openresponses';
import { parse } from 'yaml';

class RecordingStore implements GovernanceStore {
  readonly admitted: Array<{ limits: KeyLimits; reservation: Reservation }> = [];
  refuse = false;
  admit(limits: KeyLimits, reservation: Reservation, nowMs: number): Promise<Admission> {
    this.admitted.push({ limits, reservation });
    const rpm = { limit: 'rpm' as const, max: 10, remaining: this.refuse ? 0 : 9, resetAtMs: nowMs + 30_000 };
    return Promise.resolve(
      this.refuse
        ? { admitted: false, refused: rpm, retryAfterSeconds: 30, limits: [rpm] }
        : { admitted: true, ticket: 't', limits: [rpm] },
    );
  }
  settle = () => Promise.resolve();
  snapshot = () => Promise.resolve({ usage: [], limits: {}, mode: 'test' });
  close = () => Promise.resolve();
}

async function setup(yaml: string) {
  const registry = new PluginRegistry().register(openai).register(anthropic).register(openresponses);
  const { config } = await buildConfig(parse(yaml), { source: 't.yaml', baseDir: '.', env: {}, registry });
  const runtime = new GatewayRuntime({ config, registry, logger: silentLogger() });
  const store = new RecordingStore();
  const gate = new GovernanceGate(store, silentLogger(), () => 1_000_000);
  return { runtime, store, gate };
}

const decision = (model: string): RouteDecision =>
  ({ clientModel: model, virtualModel: null, route: null, backendId: 'b', realModel: model, via: 'glob', profile: null }) as RouteDecision;

function request(protocol: Protocol, body: Record<string, unknown>, clientKeyId: string | null): GatewayRequest {
  return {
    protocol,
    body,
    rawBody: Buffer.from(JSON.stringify(body)),
    headers: {},
    requestId: 'r',
    clientKeyId,
    signal: new AbortController().signal,
  };
}

const exchangeOf = (req: GatewayRequest) => new Exchange('r', req.protocol, false, String(req.body.model), 0, req.clientKeyId ?? null);
const BACKEND = 'backends: [{ id: b, type: openai, base_url: "http://x", models: ["m-*"] }]\n';

describe('GovernanceGate', () => {
  it('nothing governed: null at once, no price on the exchange; a key without limits costs no store call', async () => {
    const { runtime, store, gate } = await setup(`server: { api_keys: [{ name: plain, key: k }] }\n${BACKEND}`);
    const req = request('openai.chat', { model: 'm-1', messages: [] }, 'plain');
    const ex = exchangeOf(req);
    assert.equal(gate.admit(req, decision('m-1'), ex, runtime), null);
    assert.equal(ex.priceOf, null);
    assert.equal(gate.policiesFor(runtime.config).inert, true);
    assert.equal(gate.policiesFor(runtime.config), gate.policiesFor(runtime.config), 'compiled once per configuration');
    const limited = await setup(`server: { api_keys: [{ name: a, key: k, models: ["m-*"] }] }\n${BACKEND}`);
    assert.equal(limited.gate.admit(request('openai.chat', { model: 'm-1' }, 'a'), decision('m-1'), ex, limited.runtime), null);
    assert.equal(limited.gate.admit(request('openai.chat', { model: 'm-1' }, null), decision('m-1'), ex, limited.runtime), null);
    assert.equal(store.admitted.length + limited.store.admitted.length, 0);
  });

  it('a model outside the key is refused synchronously with a 403 permission error', async () => {
    const { runtime, gate } = await setup(`server: { api_keys: [{ name: a, key: k, models: ["m-1*"] }] }\n${BACKEND}`);
    const req = request('openai.chat', { model: 'm-2' }, 'a');
    assert.throws(
      () => gate.admit(req, decision('m-2'), exchangeOf(req), runtime),
      (err: unknown) => err instanceof GatewayError && err.status === 403 && err.kind === 'permission' && err.code === 'model_not_allowed',
    );
  });

  it("reserves bytes/4 plus each protocol's own max-output field, else default_max_tokens", async () => {
    const { runtime, store, gate } = await setup(
      `server: { api_keys: [{ name: a, key: k, tpm: 100000 }] }\ngovernance: { default_max_tokens: 777 }\n${BACKEND}`,
    );
    const cases: Array<[Protocol, Record<string, unknown>, number]> = [
      ['openai.chat', { model: 'm-1', max_completion_tokens: 40, max_tokens: 99 }, 40],
      ['openai.chat', { model: 'm-1', max_tokens: 99 }, 99],
      ['openai.chat', { model: 'm-1' }, 777],
      ['openai.completions', { model: 'm-1', prompt: 'x', max_tokens: 12 }, 12],
      ['openai.embeddings', { model: 'm-1', input: 'x' }, 0],
      ['openai.responses', { model: 'm-1', input: 'x', max_output_tokens: 55 }, 55],
      ['anthropic.messages', { model: 'm-1', max_tokens: 66, messages: [] }, 66],
    ];
    for (const [protocol, body, output] of cases) {
      const req = request(protocol, body, 'a');
      await gate.admit(req, decision('m-1'), exchangeOf(req), runtime);
      const r = store.admitted.at(-1)!.reservation;
      assert.equal(r.tokens, Math.ceil(req.rawBody!.length / 4) + output, `${protocol} ${JSON.stringify(body)}`);
      assert.equal(r.model, 'm-1');
    }
    // count_tokens generates nothing: only its input is reserved.
    const count = { ...request('anthropic.messages', { model: 'm-1', messages: [] }, 'a'), operation: 'count_tokens' };
    await gate.admit(count, decision('m-1'), exchangeOf(count), runtime);
    assert.equal(store.admitted.at(-1)!.reservation.tokens, Math.ceil(count.rawBody!.length / 4));
  });

  it("headers are the client protocol's: x-ratelimit-* for OpenAI ingresses, anthropic-ratelimit-* for Messages; a refusal is a 429 with retry-after", async () => {
    const { runtime, store, gate } = await setup(`server: { api_keys: [{ name: a, key: k, rpm: 10 }] }\n${BACKEND}`);
    const chat = request('openai.chat', { model: 'm-1' }, 'a');
    const pass = await gate.admit(chat, decision('m-1'), exchangeOf(chat), runtime);
    assert.deepEqual(pass!.headers, {
      'x-ratelimit-limit-requests': '10',
      'x-ratelimit-remaining-requests': '9',
      'x-ratelimit-reset-requests': '30s',
    });
    const messages = request('anthropic.messages', { model: 'm-1', max_tokens: 1 }, 'a');
    const aPass = await gate.admit(messages, decision('m-1'), exchangeOf(messages), runtime);
    assert.deepEqual(aPass!.headers, {
      'anthropic-ratelimit-requests-limit': '10',
      'anthropic-ratelimit-requests-remaining': '9',
      'anthropic-ratelimit-requests-reset': new Date(1_030_000).toISOString().replace('.000Z', 'Z'),
    });
    store.refuse = true;
    await assert.rejects(gate.admit(chat, decision('m-1'), exchangeOf(chat), runtime)!, (err: unknown) => {
      assert.ok(err instanceof GatewayError);
      assert.equal(err.status, 429);
      assert.equal(err.headers['retry-after'], '30');
      assert.equal(err.headers['x-ratelimit-remaining-requests'], '0');
      return true;
    });
  });

  it('a usd budget needs a priced model (route price over pricing); the reservation is priced', async () => {
    const { runtime, store, gate } = await setup(`server: { api_keys: [{ name: a, key: k, budget: { usd: 5 } }] }
pricing: { m-1: { input: 2, output: 4 } }
routes: [{ virtual_model: v, backend: b, real_model: m-1, price: { input: 10, output: 20 } }]
${BACKEND}`);
    const unpriced = request('openai.chat', { model: 'm-2' }, 'a');
    assert.throws(() => gate.admit(unpriced, decision('m-2'), exchangeOf(unpriced), runtime), /has no price/);
    const body = { model: 'm-1', max_tokens: 1000 };
    const input = Math.ceil(Buffer.byteLength(JSON.stringify(body)) / 4);
    const req = request('openai.chat', body, 'a');
    const ex = exchangeOf(req);
    await gate.admit(req, decision('m-1'), ex, runtime);
    assert.equal(store.admitted.at(-1)!.reservation.usd, (input * 2 + 1000 * 4) / 1e6);
    assert.deepEqual(ex.priceOf!({ ...decision('m-1'), virtualModel: 'v' }), { input: 10, output: 20, cachedInput: 10 });
  });
});
