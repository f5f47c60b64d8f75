/**
 * Starts and drives a gateway-like governance process (governance-ipc-worker.ts) from a test:
 * its IPC store is answered by `server` (the "primary"), or it is a Redis replica (env
 * GOV_REDIS_URL, GOV_PREFIX).
 */
import { fork, type ChildProcess } from 'node:child_process';
import type { WorkerCommand } from './governance-ipc-worker.js';

const WORKER = new URL('./governance-ipc-worker.js', import.meta.url);

export interface GovernanceProcess {
  id: number;
  child: ChildProcess;
  run<T>(command: WorkerCommand): Promise<T>;
}

/** Answers a process's IPC store calls (GovernanceIpcServer.handle / forget). */
export interface PrimarySide {
  handle(from: { id: number; send(m: object): void }, message: { sy: string }): boolean;
  forget(id: number): Promise<void> | void;
}

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of live) c.kill('SIGKILL');
});

export async function startGovernanceProcess(
  id: number,
  options: { server?: PrimarySide; env?: Record<string, string> } = {},
): Promise<GovernanceProcess> {
  const child = fork(WORKER, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: { ...process.env, ...options.env } });
  live.add(child);
  const waiting = new Map<string, (m: { result?: unknown; error?: string }) => void>();
  const peer = { id, send: (m: object) => void (child.connected && child.send(m)) };
  child.on('message', (m: { sy?: string; cmd?: string; result?: unknown; error?: string }) => {
    if (typeof m.sy === 'string' && options.server?.handle(peer, m as { sy: string })) return;
    waiting.get(m.cmd!)?.(m);
  });
  child.once('exit', () => {
    live.delete(child);
    void options.server?.forget(id);
  });
  await new Promise<void>((resolve, reject) => {
    waiting.set('ready', () => resolve());
    child.once('exit', (code) => reject(new Error(`the governance process exited (${code}) before it was ready`)));
  });
  return {
    id,
    child,
    run<T>(command: WorkerCommand): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        waiting.set(`${command.cmd}:done`, (m) => (m.error ? reject(new Error(m.error)) : resolve(m.result as T)));
        child.send(command);
      });
    },
  };
}

/** Kills a process (SIGKILL: no settlement, no goodbye) and waits until it is gone. */
export async function killProcess(p: GovernanceProcess): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  const exited = new Promise((resolve) => p.child.once('exit', resolve));
  p.child.kill('SIGKILL');
  await exited;
}
