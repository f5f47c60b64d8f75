/**
 * A small in-memory GovernanceStore for tests of what is built on the interface (the Redis
 * store's per-machine fallback, the workers' IPC store, the admin endpoint): exact sliding
 * one-minute rpm/tpm windows, concurrency slots and one budget counter per key (no periods: a
 * test runs within one). Not the gateway's LocalGovernanceStore.
 */
import type {
  Admission,
  GovernanceStore,
  KeyLimits,
  KeyModelUsage,
  LimitState,
  Reservation,
  Settlement,
  UsageSnapshot,
} from '@switchyard/kernel';

interface KeyState {
  requests: number[];
  tokens: Array<{ at: number; n: number; ticket: string }>;
  slots: Set<string>;
  budgetTokens: number;
  budgetUsd: number;
  usage: Map<string, KeyModelUsage>;
}

export class MemoryGovernanceStore implements GovernanceStore {
  readonly keys = new Map<string, KeyState>();
  private readonly tickets = new Map<string, { keyId: string; reservation: Reservation }>();
  private next = 1;
  closed = false;

  constructor(readonly mode = 'local') {}

  private state(keyId: string, now: number): KeyState {
    let s = this.keys.get(keyId);
    if (!s) this.keys.set(keyId, (s = { requests: [], tokens: [], slots: new Set(), budgetTokens: 0, budgetUsd: 0, usage: new Map() }));
    s.requests = s.requests.filter((t) => t > now - 60_000);
    s.tokens = s.tokens.filter((t) => t.at > now - 60_000);
    return s;
  }

  private states(limits: KeyLimits, s: KeyState, now: number): LimitState[] {
    const out: LimitState[] = [];
    const tpm = s.tokens.reduce((a, t) => a + t.n, 0);
    if (limits.rpm !== undefined)
      out.push({
        limit: 'rpm',
        max: limits.rpm,
        remaining: Math.max(0, limits.rpm - s.requests.length),
        resetAtMs: (s.requests[0] ?? now) + 60_000,
      });
    if (limits.tpm !== undefined)
      out.push({ limit: 'tpm', max: limits.tpm, remaining: Math.max(0, limits.tpm - tpm), resetAtMs: (s.tokens[0]?.at ?? now) + 60_000 });
    if (limits.maxConcurrency !== undefined)
      out.push({
        limit: 'max_concurrency',
        max: limits.maxConcurrency,
        remaining: Math.max(0, limits.maxConcurrency - s.slots.size),
        resetAtMs: now + 1000,
      });
    if (limits.budget?.tokens !== undefined)
      out.push({
        limit: 'budget_tokens',
        max: limits.budget.tokens,
        remaining: Math.max(0, limits.budget.tokens - s.budgetTokens),
        resetAtMs: now + 86_400_000,
      });
    if (limits.budget?.usd !== undefined)
      out.push({
        limit: 'budget_usd',
        max: limits.budget.usd,
        remaining: Math.max(0, limits.budget.usd - s.budgetUsd),
        resetAtMs: now + 86_400_000,
      });
    return out;
  }

  async admit(limits: KeyLimits, reservation: Reservation, nowMs: number): Promise<Admission> {
    const s = this.state(limits.keyId, nowMs);
    const before = this.states(limits, s, nowMs);
    const need: Record<string, number> = {
      rpm: 1,
      tpm: reservation.tokens,
      max_concurrency: 1,
      budget_tokens: reservation.tokens,
      budget_usd: reservation.usd,
    };
    const refused = before.find((l) => need[l.limit]! > l.remaining);
    if (refused)
      return { admitted: false, refused, retryAfterSeconds: Math.max(1, Math.ceil((refused.resetAtMs - nowMs) / 1000)), limits: before };
    const ticket = `t${this.next++}`;
    if (limits.rpm !== undefined) s.requests.push(nowMs);
    if (limits.tpm !== undefined) s.tokens.push({ at: nowMs, n: reservation.tokens, ticket });
    if (limits.maxConcurrency !== undefined) s.slots.add(ticket);
    s.budgetTokens += reservation.tokens;
    s.budgetUsd += reservation.usd;
    this.tickets.set(ticket, { keyId: limits.keyId, reservation });
    return { admitted: true, ticket, limits: this.states(limits, s, nowMs) };
  }

  async settle(ticket: string, used: Settlement, nowMs: number): Promise<void> {
    const t = this.tickets.get(ticket);
    if (!t) return;
    this.tickets.delete(ticket);
    const s = this.state(t.keyId, nowMs);
    s.slots.delete(ticket);
    const tokens = used.inputTokens + used.outputTokens;
    const entry = s.tokens.find((x) => x.ticket === ticket);
    if (entry) entry.n = tokens;
    s.budgetTokens += tokens - t.reservation.tokens;
    s.budgetUsd += (used.usd ?? 0) - t.reservation.usd;
    const row = s.usage.get(t.reservation.model) ?? {
      keyId: t.keyId,
      model: t.reservation.model,
      requests: 0,
      inputTokens: 0,
      outputTokens: 0,
      cachedInputTokens: 0,
      usd: 0,
    };
    row.requests++;
    row.inputTokens += used.inputTokens;
    row.outputTokens += used.outputTokens;
    row.cachedInputTokens += used.cachedInputTokens;
    row.usd += used.usd ?? 0;
    s.usage.set(t.reservation.model, row);
  }

  async snapshot(keys: readonly KeyLimits[], nowMs: number): Promise<UsageSnapshot> {
    const usage: KeyModelUsage[] = [];
    const limits: Record<string, LimitState[]> = {};
    for (const k of keys) {
      const s = this.state(k.keyId, nowMs);
      usage.push(...s.usage.values());
      limits[k.keyId] = this.states(k, s, nowMs);
    }
    return { usage, limits, mode: this.mode };
  }

  /** Tickets admitted and not settled. */
  get open(): number {
    return this.tickets.size;
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
