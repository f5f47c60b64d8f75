/**
 * A gateway-like process for the governance tests, driven by the test's `cmd` messages: its store
 * is an IpcGovernanceStore talking to its parent (the "primary") over the fork IPC channel, or,
 * with GOV_REDIS_URL set, a replica's RedisGovernanceStore (startGovernanceStore, as a gateway
 * with `state.redis` builds it).
 */
import {
  createLogger,
  type GovernanceStore,
  type KeyLimits,
  type Reservation,
  type Settlement,
  type SwitchyardConfig,
} from '@switchyard/kernel';

type IpcModule = typeof import('../../apps/gateway/src/cluster/ipc-governance-store.js');
type StartModule = typeof import('../../apps/gateway/src/governance/start-governance-store.js');
const { IpcGovernanceStore } = (await import(
  new URL('../../../apps/gateway/dist/cluster/ipc-governance-store.js', import.meta.url).href
)) as IpcModule;
const { startGovernanceStore } = (await import(
  new URL('../../../apps/gateway/dist/governance/start-governance-store.js', import.meta.url).href
)) as StartModule;

export type WorkerCommand =
  | { cmd: 'admit'; n: number; limits: KeyLimits; reservation: Reservation }
  | { cmd: 'settle'; tickets: string[]; used: Settlement }
  | { cmd: 'snapshot'; keys: KeyLimits[] };

const ipc = new IpcGovernanceStore((m) => process.send!(m));
const redisUrl = process.env.GOV_REDIS_URL;
const config = {
  state: redisUrl
    ? { redis: { url: redisUrl, key_prefix: process.env.GOV_PREFIX ?? 'switchyard:', lease_seconds: 1, connect_timeout_seconds: 5 } }
    : {},
} as unknown as SwitchyardConfig;
const store: GovernanceStore = await startGovernanceStore(config, createLogger('silent'), ipc, { required: true });
const reply = (m: object): void => void process.send!(m);

process.on('message', (m: { sy?: string; cmd?: string }) => {
  if (typeof m.sy === 'string' && ipc.handle(m as { sy: string })) return;
  const c = m as WorkerCommand;
  const answer = (p: Promise<unknown>): void =>
    void p.then(
      (result) => reply({ cmd: `${c.cmd}:done`, result }),
      (err: unknown) => reply({ cmd: `${c.cmd}:done`, error: String(err) }),
    );
  if (c.cmd === 'admit') answer(Promise.all(Array.from({ length: c.n }, () => store.admit(c.limits, c.reservation, Date.now()))));
  else if (c.cmd === 'settle') answer(Promise.all(c.tickets.map((t) => store.settle(t, c.used, Date.now()))));
  else if (c.cmd === 'snapshot') answer(store.snapshot(c.keys, Date.now()));
});
reply({ cmd: 'ready' });
