import type {
  Admission,
  BudgetPeriod,
  GovernanceStore,
  KeyLimits,
  KeyModelUsage,
  LimitState,
  Reservation,
  Settlement,
  UsageSnapshot,
} from '@switchyard/kernel';
import { budgetPeriodAt, type PeriodSpan } from './budget-period.js';
import { SlidingMinute, type WindowEntry } from './sliding-minute.js';
import type { SqliteUsageTable, UsageRow } from './sqlite-usage-table.js';

interface KeyState {
  /** The admissions of the last minute: their count (rpm) and tokens (tpm). */
  minute: SlidingMinute;
  inFlight: number;
  period: PeriodSpan;
  periodKind: BudgetPeriod;
  usedTokens: number;
  usedUsd: number;
  reservedTokens: number;
  reservedUsd: number;
  /** This period's usage per model. */
  models: Map<string, UsageRow>;
}

interface Ticket {
  keyId: string;
  entry: WindowEntry;
  reservation: Reservation;
  periodId: string;
}

/**
 * Client-key counters in the gateway process (issue #20): sliding one-minute windows for rpm and
 * tpm, a concurrency count, and budgets per UTC calendar period, optionally persisted per key,
 * period and model in SQLite. `admit` runs to completion without awaiting (one synchronous
 * critical section), so concurrent requests can never admit past a limit together.
 */
export class LocalGovernanceStore implements GovernanceStore {
  private readonly keys = new Map<string, KeyState>();
  private readonly tickets = new Map<string, Ticket>();
  private nextTicket = 0;

  constructor(private readonly table: SqliteUsageTable | null = null) {}

  admit(limits: KeyLimits, reservation: Reservation, nowMs: number): Promise<Admission> {
    const s = this.stateOf(limits, nowMs);
    const refused = firstRefusal(limits, s, reservation, nowMs);
    if (refused) {
      return Promise.resolve({
        admitted: false,
        refused,
        retryAfterSeconds: Math.max(1, Math.ceil((refused.resetAtMs - nowMs) / 1000)),
        limits: limitStates(limits, s, nowMs),
      });
    }
    const entry = s.minute.push(nowMs, reservation.tokens);
    s.inFlight++;
    s.reservedTokens += reservation.tokens;
    s.reservedUsd += reservation.usd;
    const ticket = `t${++this.nextTicket}`;
    this.tickets.set(ticket, { keyId: limits.keyId, entry, reservation, periodId: s.period.id });
    return Promise.resolve({ admitted: true, ticket, limits: limitStates(limits, s, nowMs) });
  }

  settle(ticket: string, used: Settlement, _nowMs: number): Promise<void> {
    const t = this.tickets.get(ticket);
    if (!t) return Promise.resolve();
    this.tickets.delete(ticket);
    const s = this.keys.get(t.keyId);
    const tokens = used.inputTokens + used.outputTokens;
    const usd = used.usd ?? 0;
    if (s) s.minute.settle(t.entry, tokens);
    const row: UsageRow = {
      model: t.reservation.model,
      requests: 1,
      inputTokens: used.inputTokens,
      outputTokens: used.outputTokens,
      cachedInputTokens: used.cachedInputTokens,
      usd,
    };
    if (s) {
      s.inFlight = Math.max(0, s.inFlight - 1);
      // A request admitted in a period that has since ended counts in that period (on disk) only.
      if (s.period.id === t.periodId) {
        s.reservedTokens = Math.max(0, s.reservedTokens - t.reservation.tokens);
        s.reservedUsd = Math.max(0, s.reservedUsd - t.reservation.usd);
        s.usedTokens += tokens;
        s.usedUsd += usd;
        addRow(s.models, row);
      }
    }
    this.table?.add(t.keyId, t.periodId, row);
    return Promise.resolve();
  }

  snapshot(keys: readonly KeyLimits[], nowMs: number): Promise<UsageSnapshot> {
    const usage: KeyModelUsage[] = [];
    const limits: Record<string, LimitState[]> = {};
    for (const k of keys) {
      const s = this.stateOf(k, nowMs);
      for (const r of s.models.values()) usage.push({ keyId: k.keyId, ...r });
      limits[k.keyId] = limitStates(k, s, nowMs);
    }
    return Promise.resolve({ usage, limits, mode: 'local' });
  }

  close(): Promise<void> {
    this.table?.close();
    return Promise.resolve();
  }

  /** The key's state now: windows pruned to the last minute, the budget period rolled over when it ended. */
  private stateOf(limits: KeyLimits, nowMs: number): KeyState {
    const kind = limits.budget?.period ?? 'month';
    let s = this.keys.get(limits.keyId);
    // Still in the same period: no calendar arithmetic on the common path.
    if (s && s.periodKind === kind && nowMs >= s.period.startMs && nowMs < s.period.endMs) {
      s.minute.prune(nowMs);
      return s;
    }
    const period = budgetPeriodAt(kind, nowMs);
    if (!s) {
      s = {
        minute: new SlidingMinute(),
        inFlight: 0,
        period,
        periodKind: kind,
        usedTokens: 0,
        usedUsd: 0,
        reservedTokens: 0,
        reservedUsd: 0,
        models: new Map(),
      };
      this.keys.set(limits.keyId, s);
      this.loadPeriod(limits.keyId, s);
    } else if (s.period.id !== period.id) {
      s.period = period;
      s.periodKind = kind;
      s.reservedTokens = 0;
      s.reservedUsd = 0;
      this.loadPeriod(limits.keyId, s);
    }
    s.minute.prune(nowMs);
    return s;
  }

  /** The period's counters from disk (zero without a store file). */
  private loadPeriod(keyId: string, s: KeyState): void {
    s.models = new Map();
    s.usedTokens = 0;
    s.usedUsd = 0;
    for (const row of this.table?.read(keyId, s.period.id) ?? []) {
      addRow(s.models, row);
      s.usedTokens += row.inputTokens + row.outputTokens;
      s.usedUsd += row.usd;
    }
  }
}

function addRow(models: Map<string, UsageRow>, row: UsageRow): void {
  const m = models.get(row.model);
  if (!m) {
    models.set(row.model, { ...row });
    return;
  }
  m.requests += row.requests;
  m.inputTokens += row.inputTokens;
  m.outputTokens += row.outputTokens;
  m.cachedInputTokens += row.cachedInputTokens;
  m.usd += row.usd;
}

/** Each configured limit with what is left now (for headers and reports). */
function limitStates(limits: KeyLimits, s: KeyState, nowMs: number): LimitState[] {
  const out: LimitState[] = [];
  const m = s.minute;
  // When the window is empty again (the newest admission leaves it): OpenAI's "resets to its initial state".
  const emptyAt = (m.newest()?.at ?? nowMs) + SlidingMinute.MS;
  if (limits.rpm !== undefined) {
    out.push({ limit: 'rpm', max: limits.rpm, remaining: Math.max(0, limits.rpm - m.count), resetAtMs: emptyAt });
  }
  if (limits.tpm !== undefined) {
    out.push({ limit: 'tpm', max: limits.tpm, remaining: Math.max(0, limits.tpm - m.tokens), resetAtMs: emptyAt });
  }
  if (limits.maxConcurrency !== undefined) {
    out.push({
      limit: 'max_concurrency',
      max: limits.maxConcurrency,
      remaining: Math.max(0, limits.maxConcurrency - s.inFlight),
      resetAtMs: nowMs,
    });
  }
  const b = limits.budget;
  if (b?.tokens !== undefined) {
    out.push({
      limit: 'budget_tokens',
      max: b.tokens,
      remaining: Math.max(0, b.tokens - s.usedTokens - s.reservedTokens),
      resetAtMs: s.period.endMs,
    });
  }
  if (b?.usd !== undefined) {
    out.push({ limit: 'budget_usd', max: b.usd, remaining: Math.max(0, b.usd - s.usedUsd - s.reservedUsd), resetAtMs: s.period.endMs });
  }
  return out;
}

/** The first limit this reservation would pass (used + reserved + this request), with when it frees; null when all hold. */
function firstRefusal(limits: KeyLimits, s: KeyState, r: Reservation, nowMs: number): LimitState | null {
  if (limits.maxConcurrency !== undefined && s.inFlight + 1 > limits.maxConcurrency) {
    return { limit: 'max_concurrency', max: limits.maxConcurrency, remaining: 0, resetAtMs: nowMs + 1000 };
  }
  const m = s.minute;
  if (limits.rpm !== undefined && m.count + 1 > limits.rpm) {
    // The admission whose leaving brings the count under the limit again.
    const freeing = m.at(m.count - limits.rpm)?.at ?? nowMs;
    return { limit: 'rpm', max: limits.rpm, remaining: 0, resetAtMs: freeing + SlidingMinute.MS };
  }
  if (limits.tpm !== undefined && m.tokens + r.tokens > limits.tpm) {
    return {
      limit: 'tpm',
      max: limits.tpm,
      remaining: Math.max(0, limits.tpm - m.tokens),
      resetAtMs: m.tokensFreeAt(limits.tpm, r.tokens, nowMs),
    };
  }
  const b = limits.budget;
  if (b?.tokens !== undefined && s.usedTokens + s.reservedTokens + r.tokens > b.tokens) {
    return {
      limit: 'budget_tokens',
      max: b.tokens,
      remaining: Math.max(0, b.tokens - s.usedTokens - s.reservedTokens),
      resetAtMs: s.period.endMs,
    };
  }
  if (b?.usd !== undefined && s.usedUsd + s.reservedUsd + r.usd > b.usd) {
    return { limit: 'budget_usd', max: b.usd, remaining: Math.max(0, b.usd - s.usedUsd - s.reservedUsd), resetAtMs: s.period.endMs };
  }
  return null;
}
