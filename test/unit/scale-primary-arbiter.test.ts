/**
 * Issue #18 item 1, machine-wide limits: workers (IpcSharedLimits) ask the primary
 * (PrimaryArbiter) for backend slots over a message channel, here an in-process one that delivers
 * asynchronously like IPC. max_concurrency and the queue hold across workers, a client that goes
 * away leaves the queue, a worker that exits frees its slots, cooldowns reach the other workers.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GatewayError, createLogger, type ConcurrencyLimits } from '@switchyard/kernel';

type ArbiterModule = typeof import('../../apps/gateway/src/cluster/primary-arbiter.js');
type IpcModule = typeof import('../../apps/gateway/src/cluster/ipc-shared-limits.js');
type Messages = typeof import('../../apps/gateway/src/cluster/ipc-messages.js');
const { PrimaryArbiter } = (await import(
  new URL('../../../apps/gateway/dist/cluster/primary-arbiter.js', import.meta.url).href
)) as ArbiterModule;
const { IpcSharedLimits } = (await import(
  new URL('../../../apps/gateway/dist/cluster/ipc-shared-limits.js', import.meta.url).href
)) as IpcModule;
type PrimaryToWorker = import('../../apps/gateway/src/cluster/ipc-messages.js').PrimaryToWorker;
void (null as unknown as Messages);

const later = () => new Promise<void>((r) => setTimeout(r, 5));

function machine(workers: number) {
  const cooled: Array<[number, string]> = [];
  const peers: Array<{ id: number; send: (m: PrimaryToWorker) => void }> = [];
  const arbiter = new PrimaryArbiter(() => peers, createLogger('silent'));
  const limits = Array.from({ length: workers }, (_, i) => {
    const id = i + 1;
    const ipc: InstanceType<typeof IpcSharedLimits> = new IpcSharedLimits((m) => setImmediate(() => arbiter.handle(peer, m)));
    const peer = {
      id,
      send: (m: PrimaryToWorker) =>
        setImmediate(() => {
          if (!ipc.handle(m) && m.sy === 'cooldown') cooled.push([id, m.backendId]);
        }),
    };
    peers.push(peer);
    return ipc;
  });
  return { arbiter, limits, cooled };
}

const LIMITS: ConcurrencyLimits = { maxConcurrency: 2, maxQueue: 1, queueTimeoutMs: 5000 };
const never = new AbortController().signal;

test('max_concurrency holds across workers; a released slot goes to the waiting worker', async () => {
  const { limits } = machine(2);
  const [w1, w2] = limits as [InstanceType<typeof IpcSharedLimits>, InstanceType<typeof IpcSharedLimits>];
  const r1 = await w1.acquire('gpu', LIMITS, never);
  await w2.acquire('gpu', LIMITS, never);
  let third = false;
  const waiting = w2.acquire('gpu', LIMITS, never).then((r) => ((third = true), r));
  await later();
  assert.equal(third, false, 'a third slot waits');
  await assert.rejects(
    w1.acquire('gpu', LIMITS, never),
    (err: unknown) => err instanceof GatewayError && err.status === 503 && err.code === 'backend_busy',
  );
  r1();
  await waiting;
  assert.equal(third, true);
});

test('a client that goes away leaves the queue: the next release goes to the one behind it', async () => {
  const { limits } = machine(2);
  const [w1, w2] = limits as [InstanceType<typeof IpcSharedLimits>, InstanceType<typeof IpcSharedLimits>];
  const release = await w1.acquire('gpu', { ...LIMITS, maxConcurrency: 1, maxQueue: 5 }, never);
  const gone = new AbortController();
  const abandoned = w2.acquire('gpu', { ...LIMITS, maxConcurrency: 1, maxQueue: 5 }, gone.signal);
  await later();
  const behind = w1.acquire('gpu', { ...LIMITS, maxConcurrency: 1, maxQueue: 5 }, never);
  await later();
  gone.abort(new Error('client went away'));
  await assert.rejects(abandoned, /client went away/);
  await later();
  release();
  const r = await behind;
  assert.equal(typeof r, 'function');
});

test('a worker that exits frees its slots; cooldowns reach the other workers', async () => {
  const { arbiter, limits, cooled } = machine(3);
  const [w1, w2] = limits as [InstanceType<typeof IpcSharedLimits>, InstanceType<typeof IpcSharedLimits>];
  await w1.acquire('gpu', LIMITS, never);
  await w1.acquire('gpu', LIMITS, never);
  const waiting = w2.acquire('gpu', LIMITS, never);
  await later();
  arbiter.forget(1);
  assert.equal(typeof (await waiting), 'function');

  w1.coolDown('gpu', 'm', Date.now() + 1000);
  await later();
  await later();
  assert.deepEqual(cooled.sort(), [
    [2, 'gpu'],
    [3, 'gpu'],
  ]);
});
