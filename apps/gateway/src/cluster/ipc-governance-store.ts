import type { Admission, GovernanceStore, KeyLimits, Reservation, Settlement, UsageSnapshot } from '@switchyard/kernel';
import type { GovernanceAnswer, GovernanceCall } from './ipc-governance-messages.js';

interface Pending {
  resolve: (result: unknown) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

type Call = GovernanceCall extends infer C ? (C extends { id: number } ? Omit<C, 'id'> : never) : never;

/** How long a worker waits for the primary's answer before the request fails (the primary is gone or stuck). */
const ANSWER_TIMEOUT_MS = 10_000;

/**
 * A worker's side of machine-wide client-key counters (issue #20): every call goes to the
 * primary's store over IPC (serveGovernanceIpc), so rpm, tpm, concurrency and budgets hold for
 * the machine as a whole; the primary frees what a worker that dies still holds.
 */
export class IpcGovernanceStore implements GovernanceStore {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly send: (message: GovernanceCall) => void) {}

  private call<T>(message: Call): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`the primary did not answer a governance ${message.sy} within ${ANSWER_TIMEOUT_MS / 1000} s`));
      }, ANSWER_TIMEOUT_MS);
      timer.unref();
      this.pending.set(id, { resolve: resolve as (r: unknown) => void, reject, timer });
      this.send({ ...message, id } as GovernanceCall);
    });
  }

  admit(limits: KeyLimits, reservation: Reservation, nowMs: number): Promise<Admission> {
    return this.call({ sy: 'gov-admit', limits, reservation, nowMs });
  }

  settle(ticket: string, used: Settlement, nowMs: number): Promise<void> {
    return this.call({ sy: 'gov-settle', ticket, used, nowMs });
  }

  snapshot(keys: readonly KeyLimits[], nowMs: number): Promise<UsageSnapshot> {
    return this.call({ sy: 'gov-snapshot', keys: [...keys], nowMs });
  }

  /** The primary's answers; false when the message is not one. */
  handle(message: { sy: string }): boolean {
    if (message.sy !== 'gov-answer') return false;
    const answer = message as GovernanceAnswer;
    const p = this.pending.get(answer.id);
    if (!p) return true;
    this.pending.delete(answer.id);
    clearTimeout(p.timer);
    if (answer.error !== undefined) p.reject(new Error(answer.error));
    else p.resolve(answer.result);
    return true;
  }

  async close(): Promise<void> {
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      clearTimeout(p.timer);
      p.reject(new Error('the governance store is closed'));
    }
  }
}
