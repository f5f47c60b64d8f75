/**
 * Issue #20 with `server.workers: 2` and no Redis: the counters live in the primary. Two real
 * worker processes (forked, talking over the IPC channel as cluster workers do) use
 * IpcGovernanceStore; the primary answers them from one store (GovernanceIpcServer), so limits
 * hold for the machine as a whole, and a worker that dies gives back its reservations and slots.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { createLogger, type Admission, type KeyLimits, type UsageSnapshot } from '@switchyard/kernel';
import { MemoryGovernanceStore } from '../helpers/memory-governance-store.js';
import { killProcess, startGovernanceProcess, type GovernanceProcess } from '../helpers/governance-process.js';

type ServerModule = typeof import('../../apps/gateway/src/cluster/serve-governance-ipc.js');
const { GovernanceIpcServer } = (await import(
  new URL('../../../apps/gateway/dist/cluster/serve-governance-ipc.js', import.meta.url).href
)) as ServerModule;

function machine(store: MemoryGovernanceStore) {
  const server = new GovernanceIpcServer(store, createLogger('silent'));
  const started: GovernanceProcess[] = [];
  const start = async (id: number): Promise<GovernanceProcess> => {
    const p = await startGovernanceProcess(id, { server });
    started.push(p);
    return p;
  };
  return { start, stopAll: () => Promise.all(started.map(killProcess)) };
}

describe('governance counters in the primary with workers: 2 (issue #20)', () => {
  const machines: Array<ReturnType<typeof machine>> = [];
  after(async () => {
    await Promise.all(machines.map((m) => m.stopAll()));
  });

  it('50 concurrent admissions from two workers at a nearly spent budget admit exactly what is left', async () => {
    const store = new MemoryGovernanceStore();
    const m = machine(store);
    machines.push(m);
    const [w1, w2] = await Promise.all([m.start(1), m.start(2)]);
    const key: KeyLimits = { keyId: 'team', budget: { tokens: 1000, period: 'month' } };
    const [first] = await w1!.run<Admission[]>({ cmd: 'admit', n: 1, limits: key, reservation: { tokens: 900, usd: 0, model: 'm' } });
    assert.ok(first?.admitted);
    await w1!.run({
      cmd: 'settle',
      tickets: [first.ticket],
      used: { inputTokens: 600, outputTokens: 300, cachedInputTokens: 0, usd: null },
    });
    const reservation = { tokens: 10, usd: 0, model: 'm' };
    const [a, b] = await Promise.all([
      w1!.run<Admission[]>({ cmd: 'admit', n: 25, limits: key, reservation }),
      w2!.run<Admission[]>({ cmd: 'admit', n: 25, limits: key, reservation }),
    ]);
    assert.equal([...a, ...b].filter((x) => x.admitted).length, 10);
    const snap = await w2!.run<UsageSnapshot>({ cmd: 'snapshot', keys: [key] });
    assert.equal(snap.limits.team!.find((l) => l.limit === 'budget_tokens')!.remaining, 0);
    assert.deepEqual(
      snap.usage.map((u) => [u.keyId, u.model, u.requests, u.inputTokens, u.outputTokens]),
      [['team', 'm', 1, 600, 300]],
    );
  });

  it('a worker that dies gives back its concurrency slots and reservations', async () => {
    const store = new MemoryGovernanceStore();
    const m = machine(store);
    machines.push(m);
    const [w1, w2] = await Promise.all([m.start(1), m.start(2)]);
    const key: KeyLimits = { keyId: 'team', maxConcurrency: 2, budget: { tokens: 100, period: 'day' } };
    const reservation = { tokens: 40, usd: 0, model: 'm' };
    const held = await w1!.run<Admission[]>({ cmd: 'admit', n: 2, limits: key, reservation });
    assert.equal(held.filter((x) => x.admitted).length, 2);
    const [refused] = await w2!.run<Admission[]>({ cmd: 'admit', n: 1, limits: key, reservation });
    assert.ok(refused && !refused.admitted && refused.refused.limit === 'max_concurrency');
    await killProcess(w1!);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(store.open, 0, 'the dead worker’s admissions were settled');
    const again = await w2!.run<Admission[]>({ cmd: 'admit', n: 2, limits: key, reservation });
    assert.equal(again.filter((x) => x.admitted).length, 2, 'slots and the 80 reserved tokens are free again');
  });
});
