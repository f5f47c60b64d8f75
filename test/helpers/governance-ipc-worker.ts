/**
 * A worker process for the IPC governance test: an IpcGovernanceStore talking to its parent (the
 * "primary") over the fork IPC channel, driven by the test's `cmd` messages.
 */
import type { KeyLimits, Reservation, Settlement } from '@switchyard/kernel';

type IpcModule = typeof import('../../apps/gateway/src/cluster/ipc-governance-store.js');
const { IpcGovernanceStore } = (await import(
  new URL('../../../apps/gateway/dist/cluster/ipc-governance-store.js', import.meta.url).href
)) as IpcModule;

export type WorkerCommand =
  | { cmd: 'admit'; n: number; limits: KeyLimits; reservation: Reservation }
  | { cmd: 'settle'; tickets: string[]; used: Settlement }
  | { cmd: 'snapshot'; keys: KeyLimits[] };

const store = new IpcGovernanceStore((m) => process.send!(m));
const reply = (m: object): void => void process.send!(m);

process.on('message', (m: { sy?: string; cmd?: string }) => {
  if (typeof m.sy === 'string' && store.handle(m as { sy: string })) return;
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
