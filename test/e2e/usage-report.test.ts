/**
 * Issue #20 item 5, end to end: a gateway process with `server.admin_keys` answers GET
 * /admin/usage to an admin key only (a client key gets 403, no key 401, in OpenAI's envelope;
 * an admin key is not a client key on the model routes), and `switchyard usage` (the CLI, a real
 * process) prints a running admin endpoint's report as a table and as JSON, with the admin key
 * from SWITCHYARD_ADMIN_KEY or --admin-key, and fails clearly on a wrong key or no gateway.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { createLogger, type KeyLimits } from '@switchyard/kernel';
import { get } from '../helpers/e2e.js';
import { MemoryGovernanceStore } from '../helpers/memory-governance-store.js';
import { freePort, runCli, startGateway, type RunningGateway } from '../helpers/start-gateway.js';

type RouteModule = typeof import('../../apps/gateway/src/http/admin-usage-route.js');
type Report = import('../../apps/gateway/src/governance/build-usage-report.js').UsageReport;
const { registerAdminRoutes } = (await import(
  new URL('../../../apps/gateway/dist/http/admin-usage-route.js', import.meta.url).href
)) as RouteModule;

const ADMIN = 'sk-admin-e2e-4242';
const CLIENT = 'sk-client-e2e-1717';

describe('GET /admin/usage on a gateway process (issue #20)', () => {
  let gw: RunningGateway;
  before(async () => {
    gw = await startGateway({
      config: {
        server: { api_keys: [{ name: 'team-a', key: CLIENT }], admin_keys: [{ name: 'ops', key: ADMIN }] },
        backends: [{ id: 'mock', type: 'mock' }],
      },
    });
  });
  after(async () => gw?.stop());

  it('admin key only: 401 without a key, 403 for a client key, 200 JSON for the admin key; the admin key opens no model route', async () => {
    const none = await get(`${gw.url}/admin/usage`);
    assert.equal(none.status, 401);
    assert.equal(none.json().error.code, 'invalid_api_key');
    const client = await get(`${gw.url}/admin/usage`, { authorization: `Bearer ${CLIENT}` });
    assert.equal(client.status, 403);
    assert.equal(client.json().error.type, 'permission_error');
    const admin = await get(`${gw.url}/admin/usage`, { authorization: `Bearer ${ADMIN}` });
    assert.equal(admin.status, 200, admin.text);
    const report = admin.json() as Report;
    assert.equal(typeof report.mode, 'string');
    assert.ok(Array.isArray(report.keys));
    for (const r of [none, client, admin]) assert.ok(!r.text.includes(ADMIN) && !r.text.includes(CLIENT));
    const models = await get(`${gw.url}/v1/models`, { authorization: `Bearer ${ADMIN}` });
    assert.equal(models.status, 401, 'an admin key is not a client key');
    assert.ok(!gw.stdout().includes(ADMIN) && !gw.stderr().includes(ADMIN), 'the admin key is not logged');
  });

  it('404 on a gateway without admin keys', async () => {
    const plain = await startGateway({ config: { backends: [{ id: 'mock', type: 'mock' }] } });
    try {
      const res = await get(`${plain.url}/admin/usage`, { authorization: `Bearer ${ADMIN}` });
      assert.equal(res.status, 404);
      assert.match(res.json().error.message, /server\.admin_keys/);
    } finally {
      await plain.stop();
    }
  });
});

describe('switchyard usage (issue #20)', () => {
  let server: FastifyInstance;
  let url: string;
  before(async () => {
    const store = new MemoryGovernanceStore('redis');
    const keys: Array<{ limits: KeyLimits; metadata?: Record<string, unknown> }> = [
      { limits: { keyId: 'team-a', rpm: 60, budget: { tokens: 100_000, usd: 20, period: 'week' } }, metadata: { owner: 'alice' } },
      { limits: { keyId: 'batch' } },
    ];
    const now = Date.now();
    for (const [model, input, output, usd] of [
      ['gpt-4o', 1200, 300, 0.0105],
      ['gpt-4o', 800, 200, 0.007],
      ['llama-3', 500, 500, null],
    ] as const) {
      const a = await store.admit(keys[0]!.limits, { tokens: 2000, usd: 0.02, model }, now);
      assert.ok(a.admitted);
      await store.settle(a.ticket, { inputTokens: input, outputTokens: output, cachedInputTokens: 100, usd }, now);
    }
    server = Fastify();
    registerAdminRoutes(server, {
      adminKeys: () => [{ key: ADMIN }],
      isClientKey: () => false,
      usage: () => ({ store, keys: () => keys }),
      logger: createLogger('silent'),
    });
    url = await server.listen({ port: 0, host: '127.0.0.1' });
  });
  after(async () => server?.close());

  it('prints a table per key and model, with totals and each limit', async () => {
    const r = await runCli(['usage', '--url', url], { SWITCHYARD_ADMIN_KEY: ADMIN });
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n');
    assert.match(lines[0]!, /mode: redis/);
    const row = (re: RegExp) => lines.find((l) => re.test(l));
    assert.match(row(/^team-a\s+week\s+gpt-4o\s/)!, /\s2\s+2000\s+500\s+200\s+\$0\.0175$/);
    assert.match(row(/^team-a\s+week\s+llama-3\s/)!, /\s1\s+500\s+500\s+100\s+\$0\.00$/);
    assert.match(row(/^team-a\s+week\s+\(total\)/)!, /\s3\s+2500\s+1000\s+300\s+\$0\.0175$/);
    assert.match(row(/^batch\s+month\s+\(total\)/)!, /\s0\s+0\s+0\s+0\s+\$0\.00$/);
    assert.match(row(/^team-a\s+rpm\s/)!, /\s3\s+60\s+57\s+\d{4}-\d\d-\d\dT/);
    assert.match(row(/^team-a\s+budget_tokens\s/)!, /\s3500\s+100000\s+96500\s/);
    assert.match(row(/^team-a\s+budget_usd\s/)!, /\$0\.0175\s+\$20\.00\s+\$19\.98\s/);
    assert.ok(!r.stdout.includes(ADMIN));
  });

  it('--json prints the report the endpoint answers; --admin-key works too', async () => {
    const r = await runCli(['usage', '--url', url, '--json', '--admin-key', ADMIN]);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as Report;
    assert.equal(report.mode, 'redis');
    const team = report.keys.find((k) => k.key === 'team-a')!;
    assert.deepEqual(team.metadata, { owner: 'alice' });
    assert.deepEqual(team.totals, { requests: 3, input_tokens: 2500, output_tokens: 1000, cached_input_tokens: 300, usd: 0.0175 });
    assert.deepEqual(
      team.models.map((m) => [m.model, m.requests]),
      [
        ['gpt-4o', 2],
        ['llama-3', 1],
      ],
    );
  });

  it('fails clearly: a wrong key (exit 1, the gateway’s message), no key (exit 2), no gateway (exit 1)', async () => {
    const wrong = await runCli(['usage', '--url', url], { SWITCHYARD_ADMIN_KEY: 'sk-wrong' });
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /answered 401: Missing or invalid admin key/);
    const none = await runCli(['usage', '--url', url]);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /SWITCHYARD_ADMIN_KEY/);
    const port = await freePort();
    const gone = await runCli(['usage', '--url', `http://127.0.0.1:${port}`], { SWITCHYARD_ADMIN_KEY: ADMIN });
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /cannot reach the gateway at http:\/\/127\.0\.0\.1:\d+/);
    assert.ok(!`${wrong.stderr}${gone.stderr}`.includes(ADMIN));
  });
});

describe('switchyard usage --store (issue #20)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'switchyard-usage-store-'));
  const file = path.join(dir, 'usage.db');
  before(() => {
    // The schema of the gateway's governance.store_path file (LocalGovernanceStore's SqliteUsageTable).
    const db = new DatabaseSync(file);
    db.exec(`CREATE TABLE usage (
      key_id TEXT NOT NULL, period TEXT NOT NULL, model TEXT NOT NULL,
      requests INTEGER NOT NULL, input_tokens INTEGER NOT NULL, output_tokens INTEGER NOT NULL,
      cached_input_tokens INTEGER NOT NULL, usd REAL NOT NULL,
      PRIMARY KEY (key_id, period, model))`);
    const insert = db.prepare('INSERT INTO usage VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    insert.run('team-a', 'month:2026-12', 'gpt-4o', 4, 4000, 1000, 500, 0.035);
    insert.run('team-a', 'month:2026-12', 'llama-3', 2, 300, 300, 0, 0);
    insert.run('team-a', 'month:2026-11', 'gpt-4o', 10, 9000, 2000, 0, 0.0425);
    insert.run('key-0f1e2d3c4b5a6978', 'day:2026-12-07', 'gpt-4o', 1, 10, 5, 0, 0.0001);
    db.close();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('prints every key and period the file holds, as a table and as JSON', async () => {
    const table = await runCli(['usage', '--store', file]);
    assert.equal(table.code, 0, table.stderr);
    const lines = table.stdout.split('\n');
    const row = (re: RegExp) => lines.find((l) => re.test(l));
    assert.match(row(/^team-a\s+month:2026-12\s+gpt-4o\s/)!, /\s4\s+4000\s+1000\s+500\s+\$0\.0350$/);
    assert.match(row(/^team-a\s+month:2026-12\s+\(total\)/)!, /\s6\s+4300\s+1300\s+500\s+\$0\.0350$/);
    assert.match(row(/^team-a\s+month:2026-11\s+\(total\)/)!, /\s10\s+9000\s+2000\s+0\s+\$0\.0425$/);
    assert.match(row(/^key-0f1e2d3c4b5a6978\s+day:2026-12-07\s+gpt-4o\s/)!, /\$0\.000100$/);
    assert.match(table.stdout, /Limits are not in the store/);

    const json = await runCli(['usage', '--store', file, '--json']);
    assert.equal(json.code, 0, json.stderr);
    const report = JSON.parse(json.stdout) as Report;
    assert.equal(report.mode, 'store');
    assert.deepEqual(
      report.keys.map((k) => [k.key, k.period, k.totals.requests]),
      [
        ['key-0f1e2d3c4b5a6978', 'day:2026-12-07', 1],
        ['team-a', 'month:2026-12', 6],
        ['team-a', 'month:2026-11', 10],
      ],
    );
  });

  it('fails clearly on a missing file, a file that is not a store, and --store with --url', async () => {
    const missing = await runCli(['usage', '--store', path.join(dir, 'nope.db')]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no usage store at .*nope\.db/);
    const text = path.join(dir, 'notes.txt');
    writeFileSync(text, 'not a database, just text that is long enough to not be a header\n'.repeat(20));
    const bad = await runCli(['usage', '--store', text]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /notes\.txt/);
    const both = await runCli(['usage', '--store', file, '--url', 'http://127.0.0.1:1']);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /--store reads a file/);
  });
});
