/**
 * LocalGovernanceStore (issue #20): sliding one-minute rpm / tpm windows, concurrency, budgets per
 * UTC calendar period (ISO weeks), reservations settled to what was used, no overshoot under
 * concurrency, and budgets that survive a restart through node:sqlite. The clock is injected.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { KeyLimits, Reservation, Settlement } from '@switchyard/kernel';

type StoreModule = typeof import('../../apps/gateway/src/governance/local-governance-store.js');
type TableModule = typeof import('../../apps/gateway/src/governance/sqlite-usage-table.js');
type PeriodModule = typeof import('../../apps/gateway/src/governance/budget-period.js');
const dist = (f: string) => new URL(`../../../apps/gateway/dist/governance/${f}`, import.meta.url).href;
const { LocalGovernanceStore } = (await import(dist('local-governance-store.js'))) as StoreModule;
const { SqliteUsageTable } = (await import(dist('sqlite-usage-table.js'))) as TableModule;
const { budgetPeriodAt } = (await import(dist('budget-period.js'))) as PeriodModule;

const T0 = Date.UTC(2026, 11, 7, 12, 0, 0);
const res = (tokens: number, usd = 0, model = 'm'): Reservation => ({ tokens, usd, model });
const used = (inputTokens: number, outputTokens: number, usd: number | null = null): Settlement => ({
  inputTokens,
  outputTokens,
  cachedInputTokens: 0,
  usd,
});

test('rpm: a sliding minute; the refusal says when the oldest request leaves the window', async () => {
  const store = new LocalGovernanceStore();
  const limits: KeyLimits = { keyId: 'a', rpm: 3 };
  for (const dt of [0, 10_000, 20_000]) assert.equal((await store.admit(limits, res(1), T0 + dt)).admitted, true);
  const refused = await store.admit(limits, res(1), T0 + 30_000);
  assert.equal(refused.admitted, false);
  if (refused.admitted) return;
  assert.equal(refused.refused.limit, 'rpm');
  assert.equal(refused.retryAfterSeconds, 30, 'the request at T0 leaves the window at T0 + 60 s');
  // Not a fixed window: at T0 + 60.001 s only the first left, so one more fits, not three.
  assert.equal((await store.admit(limits, res(1), T0 + 60_001)).admitted, true);
  assert.equal((await store.admit(limits, res(1), T0 + 60_002)).admitted, false);
  // At T0 + 80.001 s the requests of T0 + 10 s and T0 + 20 s have left too: 60.001 and 80.001 remain.
  const ok = await store.admit(limits, res(1), T0 + 80_001);
  assert.equal(ok.admitted, true);
  assert.deepEqual(
    ok.limits.find((l) => l.limit === 'rpm'),
    { limit: 'rpm', max: 3, remaining: 1, resetAtMs: T0 + 80_001 + 60_000 },
  );
});

test('tpm: reservations count until settled to the usage reported', async () => {
  const store = new LocalGovernanceStore();
  const limits: KeyLimits = { keyId: 'a', tpm: 1000 };
  const first = await store.admit(limits, res(700), T0);
  assert.ok(first.admitted);
  const second = await store.admit(limits, res(400), T0 + 1);
  assert.equal(second.admitted, false, '700 reserved + 400 > 1000');
  await store.settle(first.ticket, used(50, 50), T0 + 2);
  const third = await store.admit(limits, res(400), T0 + 3);
  assert.ok(third.admitted, '100 used + 400 fits');
  assert.equal(third.limits.find((l) => l.limit === 'tpm')!.remaining, 500);
  const never = await store.admit(limits, res(5000), T0 + 4);
  assert.equal(never.admitted, false);
  if (!never.admitted) assert.equal(never.retryAfterSeconds, 60);
});

test('tpm: a long request settling after it left the window changes nothing in the window', async () => {
  const store = new LocalGovernanceStore();
  const limits: KeyLimits = { keyId: 'a', tpm: 1000 };
  const long = await store.admit(limits, res(600), T0);
  assert.ok(long.admitted);
  assert.ok((await store.admit(limits, res(600), T0 + 61_000)).admitted, 'the first left the window');
  await store.settle(long.ticket, used(500, 400), T0 + 62_000);
  const third = await store.admit(limits, res(400), T0 + 63_000);
  assert.ok(third.admitted, '600 in the window + 400 fits: the late settlement added nothing');
  assert.equal(third.limits.find((l) => l.limit === 'tpm')!.remaining, 0);
});

test('max_concurrency: a slot per request in flight, freed at settle', async () => {
  const store = new LocalGovernanceStore();
  const limits: KeyLimits = { keyId: 'a', maxConcurrency: 2 };
  const a = await store.admit(limits, res(1), T0);
  const b = await store.admit(limits, res(1), T0);
  const c = await store.admit(limits, res(1), T0);
  assert.ok(a.admitted && b.admitted);
  assert.equal(c.admitted, false);
  if (!c.admitted) assert.equal(c.refused.limit, 'max_concurrency');
  await store.settle(a.ticket, used(1, 1), T0 + 5);
  assert.equal((await store.admit(limits, res(1), T0 + 6)).admitted, true);
});

test('50 concurrent admissions at a nearly spent token budget never overshoot it', async () => {
  const store = new LocalGovernanceStore();
  const limits: KeyLimits = { keyId: 'a', budget: { tokens: 10_000, period: 'month' } };
  const spend = await store.admit(limits, res(9_000), T0);
  assert.ok(spend.admitted);
  await store.settle(spend.ticket, used(8_000, 1_000), T0);
  const results = await Promise.all(Array.from({ length: 50 }, () => store.admit(limits, res(150), T0 + 1)));
  const admitted = results.filter((r) => r.admitted);
  assert.equal(admitted.length, 6, '9000 used + 6 × 150 = 9900 ≤ 10000 < 9000 + 7 × 150');
  const refused = results.find((r) => !r.admitted);
  assert.ok(refused && !refused.admitted);
  assert.equal(refused.refused.limit, 'budget_tokens');
  assert.equal(refused.refused.resetAtMs, Date.UTC(2027, 0, 1), 'the month ends');
});

test('usd budgets; a period rolls over at the UTC calendar boundary', async () => {
  const store = new LocalGovernanceStore();
  const limits: KeyLimits = { keyId: 'a', budget: { usd: 1, period: 'day' } };
  const lastMinute = Date.UTC(2026, 11, 7, 23, 59, 0);
  const a = await store.admit(limits, res(10, 0.6), lastMinute);
  assert.ok(a.admitted);
  await store.settle(a.ticket, used(10, 10, 0.9), lastMinute + 1);
  const b = await store.admit(limits, res(10, 0.2), lastMinute + 2);
  assert.equal(b.admitted, false);
  if (!b.admitted) {
    assert.equal(b.refused.limit, 'budget_usd');
    assert.equal(b.retryAfterSeconds, 60);
  }
  assert.equal((await store.admit(limits, res(10, 0.2), Date.UTC(2026, 11, 8))).admitted, true);
});

test('calendar periods in UTC: day, ISO week (Monday; week 53; the Thursday decides the year), month', () => {
  assert.deepEqual(budgetPeriodAt('day', Date.UTC(2026, 11, 7, 23, 59)), {
    id: 'day:2026-12-07',
    startMs: Date.UTC(2026, 11, 7),
    endMs: Date.UTC(2026, 11, 8),
  });
  // Sunday 2027-01-03 belongs to ISO week 2026-W53 (Monday 2026-12-28 .. Sunday 2027-01-03).
  assert.deepEqual(budgetPeriodAt('week', Date.UTC(2027, 0, 3, 12)), {
    id: 'week:2026-W53',
    startMs: Date.UTC(2026, 11, 28),
    endMs: Date.UTC(2027, 0, 4),
  });
  assert.equal(budgetPeriodAt('week', Date.UTC(2027, 0, 4)).id, 'week:2027-W01');
  assert.equal(budgetPeriodAt('week', Date.UTC(2025, 11, 29)).id, 'week:2026-W01', 'Monday 2025-12-29 starts 2026-W01');
  assert.deepEqual(budgetPeriodAt('month', Date.UTC(2026, 11, 31, 23)), {
    id: 'month:2026-12',
    startMs: Date.UTC(2026, 11, 1),
    endMs: Date.UTC(2027, 0, 1),
  });
});

test('node:sqlite: a monthly budget survives a restart; another month starts from zero', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'gov-store-'));
  try {
    const file = path.join(dir, 'nested', 'gov.sqlite');
    const limits: KeyLimits = { keyId: 'team-a', budget: { tokens: 1000, usd: 5, period: 'month' } };
    const first = new LocalGovernanceStore(new SqliteUsageTable(file));
    const a = await first.admit(limits, res(500, 1, 'Qwen/Qwen3'), T0);
    assert.ok(a.admitted);
    await first.settle(a.ticket, { inputTokens: 600, outputTokens: 300, cachedInputTokens: 100, usd: 4.5 }, T0 + 1);
    await first.close();

    const second = new LocalGovernanceStore(new SqliteUsageTable(file));
    const b = await second.admit(limits, res(200, 0.1), T0 + 2);
    assert.equal(b.admitted, false, '900 tokens used before the restart + 200 > 1000');
    const snap = await second.snapshot([limits], T0 + 3);
    assert.deepEqual(snap.usage, [
      { keyId: 'team-a', model: 'Qwen/Qwen3', requests: 1, inputTokens: 600, outputTokens: 300, cachedInputTokens: 100, usd: 4.5 },
    ]);
    assert.equal(snap.mode, 'local');
    assert.equal(snap.limits['team-a']!.find((l) => l.limit === 'budget_usd')!.remaining, 0.5);
    assert.equal((await second.admit(limits, res(200, 0.1), Date.UTC(2027, 0, 1))).admitted, true, 'January starts at zero');
    await second.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
