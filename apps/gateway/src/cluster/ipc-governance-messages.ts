import type { KeyLimits, Reservation, Settlement } from '@switchyard/kernel';

/** A worker asks the primary's governance store (issue #20, `server.workers` without `state.redis`). */
export type GovernanceCall =
  | { sy: 'gov-admit'; id: number; limits: KeyLimits; reservation: Reservation; nowMs: number }
  | { sy: 'gov-settle'; id: number; ticket: string; used: Settlement; nowMs: number }
  | { sy: 'gov-snapshot'; id: number; keys: KeyLimits[]; nowMs: number };

/** The primary's answer: the store's result, or its error's message. */
export interface GovernanceAnswer {
  sy: 'gov-answer';
  id: number;
  result?: unknown;
  error?: string;
}
