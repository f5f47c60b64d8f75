/**
 * Where per-client-key counters live (issue #20): the gateway process (persisted with node:sqlite),
 * the primary of a multi-worker gateway (over IPC), or Redis shared by replicas. Every store has the
 * same semantics: `admit` atomically checks every limit of the key against used + reserved and, when
 * all pass, records the request (rpm), the reservation (tpm, budget) and a concurrency slot; `settle`
 * replaces the reservation with what the request actually used and frees the slot. Windows: rpm and
 * tpm are sliding one-minute windows; budget periods are calendar periods in UTC (ISO weeks, Monday).
 */
export type BudgetPeriod = 'day' | 'week' | 'month';

export interface KeyLimits {
  /** The client key's id (its configured name, or the HMAC id InboundAuth gives it). */
  keyId: string;
  rpm?: number;
  tpm?: number;
  maxConcurrency?: number;
  budget?: { tokens?: number; usd?: number; period: BudgetPeriod };
}

/** What a request is expected to cost, reserved at admission. */
export interface Reservation {
  /** Estimated input tokens + the request's max output tokens (or the configured default). */
  tokens: number;
  /** `tokens` priced at the model's rates; 0 when the model has no price. */
  usd: number;
  /** The real (upstream) model the request is routed to, for the per-model report. */
  model: string;
}

/** What the request actually used, reported when it ends (zeros when it failed before usage). */
export interface Settlement {
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  /** null when the model has no price. */
  usd: number | null;
}

export type LimitName = 'rpm' | 'tpm' | 'max_concurrency' | 'budget_tokens' | 'budget_usd';

/** One limit's state after admission, for the rate-limit headers of each client protocol. */
export interface LimitState {
  limit: LimitName;
  max: number;
  remaining: number;
  /** When the window or period frees capacity again (ms since epoch). */
  resetAtMs: number;
}

export type Admission =
  | { admitted: true; ticket: string; limits: LimitState[] }
  | { admitted: false; refused: LimitState; retryAfterSeconds: number; limits: LimitState[] };

export interface KeyModelUsage {
  keyId: string;
  model: string;
  requests: number;
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  usd: number;
}

export interface UsageSnapshot {
  /** Counters for the current budget period per key (and, inside it, per model). */
  usage: KeyModelUsage[];
  /** Per key, each configured limit with what is left now. */
  limits: Record<string, LimitState[]>;
  /** 'local' | 'redis' | 'redis-degraded' (Redis unreachable: per-machine rate limits, last known budget balance). */
  mode: string;
}

export interface GovernanceStore {
  admit(limits: KeyLimits, reservation: Reservation, nowMs: number): Promise<Admission>;
  settle(ticket: string, used: Settlement, nowMs: number): Promise<void>;
  snapshot(keys: readonly KeyLimits[], nowMs: number): Promise<UsageSnapshot>;
  close(): Promise<void>;
}
