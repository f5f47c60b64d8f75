import type { GovernanceStore, KernelLogger } from '@switchyard/kernel';
import type { GovernanceAnswer, GovernanceCall } from './ipc-governance-messages.js';

/** A worker as the primary's governance server sees it. */
export interface GovernancePeer {
  id: number;
  send(message: GovernanceAnswer): void;
}

const GOVERNANCE_CALLS = new Set(['gov-admit', 'gov-settle', 'gov-snapshot']);
const NOTHING_USED = { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, usd: 0 };

/**
 * The primary's side of machine-wide client-key counters (issue #20): answers the workers'
 * IpcGovernanceStore from one store (the primary's own, or any GovernanceStore), and remembers
 * which worker holds which admission, so that a worker that exits gives back its reservations
 * and concurrency slots (settled as unused).
 */
export class GovernanceIpcServer {
  /** Tickets admitted and not yet settled, by worker id. */
  private readonly held = new Map<number, Set<string>>();
  /** Workers that exited: an admission answered after that is settled at once. */
  private readonly gone = new Set<number>();

  constructor(
    private readonly store: GovernanceStore,
    private readonly logger: KernelLogger,
  ) {}

  /** Handles a worker's governance call; false when the message is not one. */
  handle(from: GovernancePeer, message: { sy: string }): boolean {
    if (!GOVERNANCE_CALLS.has(message.sy)) return false;
    const call = message as GovernanceCall;
    void this.answer(from.id, call).then(
      (result) => from.send({ sy: 'gov-answer', id: call.id, result }),
      (err: unknown) => from.send({ sy: 'gov-answer', id: call.id, error: String((err as Error)?.message ?? err) }),
    );
    return true;
  }

  private async answer(workerId: number, call: GovernanceCall): Promise<unknown> {
    switch (call.sy) {
      case 'gov-admit': {
        const admission = await this.store.admit(call.limits, call.reservation, call.nowMs);
        if (!admission.admitted) return admission;
        if (this.gone.has(workerId)) {
          await this.store.settle(admission.ticket, NOTHING_USED, Date.now());
          return admission;
        }
        let tickets = this.held.get(workerId);
        if (!tickets) this.held.set(workerId, (tickets = new Set()));
        tickets.add(admission.ticket);
        return admission;
      }
      case 'gov-settle':
        this.held.get(workerId)?.delete(call.ticket);
        return this.store.settle(call.ticket, call.used, call.nowMs);
      case 'gov-snapshot':
        return this.store.snapshot(call.keys, call.nowMs);
    }
  }

  /** A worker exited: what it still held is settled as unused (its reservations and slots are free). */
  async forget(workerId: number): Promise<void> {
    this.gone.add(workerId);
    const tickets = this.held.get(workerId);
    this.held.delete(workerId);
    if (!tickets || tickets.size === 0) return;
    const now = Date.now();
    await Promise.all([...tickets].map((t) => this.store.settle(t, NOTHING_USED, now).catch(() => undefined)));
    this.logger.debug({ worker: workerId, admissions: tickets.size }, 'governance admissions of an exited worker freed');
  }
}
