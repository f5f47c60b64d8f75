/**
 * Issue #20 item 5: `GET /admin/usage` (registerAdminRoutes on a real Fastify instance, answered
 * from a GovernanceStore double): admin keys only (401 without or with an unknown key, 403 for a
 * client key, 404 when none is configured, each in OpenAI's error envelope), a key given as its
 * SHA-256 works, the report lists per key and model what was used and what is left, and no key
 * ever appears in an answer.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import Fastify from 'fastify';
import { createLogger, type AdminKeyEntry, type KeyLimits } from '@switchyard/kernel';
import { MemoryGovernanceStore } from '../helpers/memory-governance-store.js';
import { builtinRegistry } from '../helpers/builtin-registry.js';

type RouteModule = typeof import('../../apps/gateway/src/http/admin-usage-route.js');
type Report = import('../../apps/gateway/src/governance/build-usage-report.js').UsageReport;
const { registerAdminRoutes } = (await import(
  new URL('../../../apps/gateway/dist/http/admin-usage-route.js', import.meta.url).href
)) as RouteModule;
type EnvelopeModule = typeof import('../../apps/gateway/src/http/error-dialect.js');
const { useErrorEnvelopes } = (await import(
  new URL('../../../apps/gateway/dist/http/error-dialect.js', import.meta.url).href
)) as EnvelopeModule;

const ADMIN = 'sk-admin-0123456789';
const HASHED_ADMIN = 'sk-admin-hashed-abcdef';
const CLIENT = 'sk-client-team-a-999';

async function gateway(adminKeys: AdminKeyEntry[], store = new MemoryGovernanceStore()) {
  const fastify = Fastify();
  // As the gateway does: errors in the envelope of the path's protocol (OpenAI's for /admin).
  useErrorEnvelopes(fastify, builtinRegistry());
  const keys: Array<{ limits: KeyLimits; metadata?: Record<string, unknown> }> = [
    { limits: { keyId: 'team-a', rpm: 10, budget: { usd: 5, period: 'month' } }, metadata: { owner: 'alice' } },
    { limits: { keyId: 'key-1a2b3c4d5e6f7a8b' } },
  ];
  registerAdminRoutes(fastify, {
    adminKeys: () => adminKeys,
    isClientKey: (authorization) => authorization === `Bearer ${CLIENT}`,
    usage: () => ({ store, keys: () => keys }),
    logger: createLogger('silent'),
  });
  await fastify.ready();
  return { fastify, store, keys };
}

const call = async (fastify: Awaited<ReturnType<typeof gateway>>['fastify'], headers: Record<string, string> = {}) =>
  fastify.inject({ method: 'GET', url: '/admin/usage', headers });

function assertOpenAiError(body: string, status: number, res: { statusCode: number }): void {
  assert.equal(res.statusCode, status);
  const json = JSON.parse(body) as { error: { message: string; type: string } };
  assert.equal(typeof json.error.message, 'string');
  assert.equal(typeof json.error.type, 'string');
  for (const secret of [ADMIN, HASHED_ADMIN, CLIENT]) assert.ok(!body.includes(secret), 'no key in the answer');
}

describe('GET /admin/usage (issue #20)', () => {
  it('answers 404 when no admin key is configured', async () => {
    const { fastify } = await gateway([]);
    const res = await call(fastify, { authorization: `Bearer ${CLIENT}` });
    assertOpenAiError(res.body, 404, res);
    assert.match(res.body, /server\.admin_keys/);
  });

  it('answers 401 without a key or with an unknown one, 403 for a client key', async () => {
    const { fastify } = await gateway([{ name: 'ops', key: ADMIN }]);
    const none = await call(fastify);
    assertOpenAiError(none.body, 401, none);
    const wrong = await call(fastify, { authorization: 'Bearer sk-nope' });
    assertOpenAiError(wrong.body, 401, wrong);
    const client = await call(fastify, { authorization: `Bearer ${CLIENT}` });
    assertOpenAiError(client.body, 403, client);
    assert.equal(JSON.parse(client.body).error.type, 'permission_error');
  });

  it('reports per key and model what was used and what is left, to an admin key given as itself or its SHA-256', async () => {
    const hashed = createHash('sha256').update(HASHED_ADMIN).digest('hex');
    const { fastify, store, keys } = await gateway([{ key: ADMIN }, { name: 'hashed', key_sha256: hashed.toUpperCase() }]);
    const now = Date.now();
    const teamA = keys[0]!.limits;
    const a = await store.admit(teamA, { tokens: 100, usd: 0.5, model: 'gpt-4o' }, now);
    assert.ok(a.admitted);
    await store.settle(a.ticket, { inputTokens: 70, outputTokens: 10, cachedInputTokens: 20, usd: 0.25 }, now);
    const b = await store.admit(teamA, { tokens: 10, usd: 0, model: 'llama' }, now);
    assert.ok(b.admitted);
    await store.settle(b.ticket, { inputTokens: 5, outputTokens: 5, cachedInputTokens: 0, usd: null }, now);

    const variants: Array<Record<string, string>> = [{ authorization: `Bearer ${ADMIN}` }, { 'x-api-key': HASHED_ADMIN }];
    for (const headers of variants) {
      const res = await call(fastify, headers);
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.headers['cache-control'], 'no-store');
      for (const secret of [ADMIN, HASHED_ADMIN, CLIENT, hashed]) assert.ok(!res.body.includes(secret));
      const report = JSON.parse(res.body) as Report;
      assert.equal(report.mode, 'local');
      assert.deepEqual(
        report.keys.map((k) => k.key),
        ['team-a', 'key-1a2b3c4d5e6f7a8b'],
      );
      const team = report.keys[0]!;
      assert.deepEqual(team.metadata, { owner: 'alice' });
      assert.equal(team.period, 'month');
      assert.deepEqual(team.models, [
        { model: 'gpt-4o', requests: 1, input_tokens: 70, output_tokens: 10, cached_input_tokens: 20, usd: 0.25 },
        { model: 'llama', requests: 1, input_tokens: 5, output_tokens: 5, cached_input_tokens: 0, usd: 0 },
      ]);
      assert.deepEqual(team.totals, { requests: 2, input_tokens: 75, output_tokens: 15, cached_input_tokens: 20, usd: 0.25 });
      const rpm = team.limits.find((l) => l.limit === 'rpm')!;
      assert.deepEqual([rpm.max, rpm.used, rpm.remaining], [10, 2, 8]);
      const usd = team.limits.find((l) => l.limit === 'budget_usd')!;
      assert.deepEqual([usd.max, usd.used, usd.remaining], [5, 0.25, 4.75]);
      assert.ok(!Number.isNaN(Date.parse(usd.reset_at)));
      assert.deepEqual(report.keys[1]!.limits, []);
      assert.deepEqual(report.keys[1]!.models, []);
    }
  });

  it('answers 503 in the OpenAI envelope when the store cannot be read', async () => {
    const store = new MemoryGovernanceStore();
    store.snapshot = () => Promise.reject(new Error('redis: connection lost'));
    const { fastify } = await gateway([{ key: ADMIN }], store);
    const res = await call(fastify, { authorization: `Bearer ${ADMIN}` });
    assertOpenAiError(res.body, 503, res);
    assert.ok(!res.body.includes('redis: connection lost'));
  });
});
