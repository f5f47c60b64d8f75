import { randomUUID } from 'node:crypto';
import { metrics, type ObservableResult } from '@opentelemetry/api';
import type { Redis } from 'ioredis';
import type {
  Admission,
  GovernanceStore,
  KernelLogger,
  KeyLimits,
  KeyModelUsage,
  LimitName,
  LimitState,
  Reservation,
  Settlement,
  UsageSnapshot,
} from '@switchyard/kernel';
import { RENEW_SCRIPT } from '../state/redis-scripts.js';
import { budgetPeriodAt, type PeriodSpan } from './budget-period.js';
import { GOV_ADMIT_SCRIPT, GOV_READ_SCRIPT, GOV_RECONCILE_SCRIPT, GOV_SETTLE_SCRIPT } from './redis-governance-scripts.js';

export interface RedisGovernanceStoreOptions {
  /** Its own command connection (connected, or connecting: ioredis reconnects by itself); closed by close(). */
  client: Redis;
  /** `state.redis.key_prefix`. */
  prefix: string;
  /** `state.redis.lease_seconds`: a concurrency slot of a process that died is free after at most this long. */
  leaseSeconds: number;
  /** Per-machine rate limits (rpm, tpm, concurrency) while Redis is unreachable; not closed by close(). */
  fallback: GovernanceStore;
  logger: KernelLogger;
}

const MICRO = 1_000_000;
/** A period's hash outlives its period by a day, so a late settlement still lands in it. */
const PERIOD_GRACE_MS = 86_400_000;
const LIMIT_BY_CODE: Record<number, LimitName> = { 1: 'rpm', 2: 'tpm', 3: 'max_concurrency', 4: 'budget_tokens', 5: 'budget_usd' };
/** Usage fields per model in a period hash: `<model>\0<suffix>`. */
const MODEL_FIELDS = { r: 'requests', i: 'inputTokens', o: 'outputTokens', c: 'cachedInputTokens', u: 'usd' } as const;

const toMicro = (usd: number): number => Math.round(usd * MICRO);

interface Counters {
  rpmUsed: number;
  rpmResetMs: number;
  tpmUsed: number;
  tpmResetMs: number;
  slots: number;
  budgetTokens: number;
  budgetUsdMicro: number;
}

/** What this process knows of one key's budget period, for the outage (docs/governance.md "Shared state"). */
interface Mirror {
  keyId: string;
  hashKey: string;
  period: PeriodSpan;
  /** The period's tokens and micro-usd (reserved + used) as last read from Redis. */
  known: { tokens: number; usd: number };
  /** The period's whole hash as last read (for reports during an outage). */
  fields: Map<string, number>;
  /** What this process counted while Redis was unreachable, not yet pushed to it. */
  delta: Map<string, number>;
  /** `known` was read from Redis (else it is zero: a period this process never read). */
  read: boolean;
}

interface Ticket {
  keyId: string;
  model: string;
  second: number;
  tokens: number;
  usdMicro: number;
  mirror: Mirror;
  tpmKey: string;
  slotsKey: string;
  /** A concurrency slot in Redis, renewed while the request lives. */
  leased: boolean;
  /** Admitted by the fallback during an outage: its rate-limit ticket there. */
  fallbackTicket?: string;
}

type Run = (...args: Array<string | number>) => Promise<unknown>;

function add(map: Map<string, number>, field: string, n: number): void {
  const sum = (map.get(field) ?? 0) + n;
  if (sum === 0) map.delete(field);
  else map.set(field, sum);
}

function retryAfter(state: LimitState, nowMs: number): number {
  return Math.max(1, Math.ceil((state.resetAtMs - nowMs) / 1000));
}

/** Each configured limit of a key with what is left, from its counters. */
function limitStates(limits: KeyLimits, c: Counters, nowMs: number, periodEndMs: number): LimitState[] {
  const out: LimitState[] = [];
  const push = (limit: LimitName, max: number | undefined, used: number, resetAtMs: number): void => {
    if (max !== undefined) out.push({ limit, max, remaining: Math.max(0, max - used), resetAtMs });
  };
  push('rpm', limits.rpm, c.rpmUsed, c.rpmResetMs);
  push('tpm', limits.tpm, c.tpmUsed, c.tpmResetMs);
  push('max_concurrency', limits.maxConcurrency, c.slots, nowMs + 1000);
  push('budget_tokens', limits.budget?.tokens, c.budgetTokens, periodEndMs);
  push('budget_usd', limits.budget?.usd, c.budgetUsdMicro / MICRO, periodEndMs);
  return out;
}

/** Per-model rows of a period hash (`<model>\0r|i|o|c|u`). */
function usageRows(keyId: string, fields: Map<string, number>): KeyModelUsage[] {
  const rows = new Map<string, KeyModelUsage>();
  for (const [field, value] of fields) {
    const cut = field.lastIndexOf('\u0000');
    if (cut < 0) continue;
    const model = field.slice(0, cut);
    const name = MODEL_FIELDS[field.slice(cut + 1) as keyof typeof MODEL_FIELDS];
    if (!name) continue;
    let row = rows.get(model);
    if (!row) {
      row = { keyId, model, requests: 0, inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, usd: 0 };
      rows.set(model, row);
    }
    row[name] += name === 'usd' ? value / MICRO : value;
  }
  return [...rows.values()];
}

function hashFields(flat: unknown): Map<string, number> {
  const list = Array.isArray(flat) ? (flat as string[]) : [];
  const fields = new Map<string, number>();
  for (let i = 0; i + 1 < list.length; i += 2) fields.set(list[i]!, Number(list[i + 1]));
  return fields;
}

function counters(r: unknown[]): Counters {
  const n = (i: number): number => Number(r[i] ?? 0);
  return { rpmUsed: n(1), rpmResetMs: n(2), tpmUsed: n(3), tpmResetMs: n(4), slots: n(5), budgetTokens: n(6), budgetUsdMicro: n(7) };
}

/**
 * Client-key counters in Redis, shared by every replica (issue #20; docs/governance.md "Shared
 * state"): one Lua script admits atomically against every limit (sliding one-minute rpm/tpm
 * windows, the UTC calendar budget period, concurrency slots as leases renewed while the request
 * lives), another settles a request to what it used.
 *
 * Redis unreachable (degraded mode, logged once per transition, `switchyard_governance_degraded`
 * 1): rate limits hold per machine through `fallback`, and budgets keep enforcing from the last
 * balance read from Redis (every key's at connection, then at each admission) plus what this
 * process spent since; if this process never read the balances (Redis was down since it started),
 * a budgeted key is refused until Redis returns (never counted from zero). When Redis is back
 * (also after it restarted empty) each period's counters are raised to at least the last known
 * balance and the outage's spending is added, atomically, before admissions use Redis again.
 */
export class RedisGovernanceStore implements GovernanceStore {
  private readonly leaseMs: number;
  private readonly tickets = new Map<string, Ticket>();
  private readonly mirrors = new Map<string, Mirror>();
  /** Keys whose balance this process has read from Redis at least once. */
  private readonly known = new Set<string>();
  private readonly unknownWarned = new Set<string>();
  /** Every key's current balance has been read once (readBalances). */
  private balancesRead = false;
  private readonly renewTimer: NodeJS.Timeout;
  private up: boolean;
  private downAt = 0;
  private reconciling: Promise<void> | null = null;
  private closed = false;

  constructor(private readonly options: RedisGovernanceStoreOptions) {
    const { client } = options;
    this.leaseMs = Math.round(options.leaseSeconds * 1000);
    client.defineCommand('syGovAdmit', { numberOfKeys: 4, lua: GOV_ADMIT_SCRIPT });
    client.defineCommand('syGovRead', { numberOfKeys: 4, lua: GOV_READ_SCRIPT });
    client.defineCommand('syGovSettle', { numberOfKeys: 3, lua: GOV_SETTLE_SCRIPT });
    client.defineCommand('syGovReconcile', { numberOfKeys: 1, lua: GOV_RECONCILE_SCRIPT });
    client.defineCommand('syGovRenew', { numberOfKeys: 2, lua: RENEW_SCRIPT });
    this.up = client.status === 'ready';
    if (this.up) void this.readBalances().catch((err: unknown) => this.markDown(err));
    client.on('ready', () => void this.reconcile());
    client.on('error', (err: Error) => this.markDown(err));
    client.on('close', () => this.markDown(new Error('connection closed')));
    this.renewTimer = setInterval(() => void this.renew(), Math.max(200, Math.floor(this.leaseMs / 3)));
    this.renewTimer.unref();
    metrics
      .getMeter('nestjs-otel')
      .createObservableGauge('switchyard.governance.degraded', {
        description:
          'Gateway processes whose client-key limits run degraded (Redis unreachable: per-machine rate limits, last known budgets)',
      })
      .addCallback((result: ObservableResult) => result.observe(this.degraded ? 1 : 0));
  }

  /** Whether Redis is unreachable for governance right now. */
  get degraded(): boolean {
    if (this.closed) return false;
    if (!this.up && this.options.client.status === 'ready' && !this.reconciling && Date.now() - this.downAt >= 1000) {
      void this.reconcile(); // a command failed on a live connection (a timeout): try Redis again
    }
    return !this.up;
  }

  private run(name: string): Run {
    return (this.options.client as unknown as Record<string, Run>)[name]!.bind(this.options.client);
  }

  private keysOf(keyId: string): { rpm: string; tpm: string; slots: string; base: string } {
    const base = `${this.options.prefix}{gov:${keyId}}`;
    return { rpm: `${base}:rpm`, tpm: `${base}:tpm`, slots: `${base}:slots`, base };
  }

  private mirrorOf(keyId: string, nowMs: number, limits: KeyLimits): Mirror {
    const period = budgetPeriodAt(limits.budget?.period ?? 'month', nowMs);
    const hashKey = `${this.keysOf(keyId).base}:p:${period.id}`;
    let m = this.mirrors.get(hashKey);
    if (!m) {
      m = { keyId, hashKey, period, known: { tokens: 0, usd: 0 }, fields: new Map(), delta: new Map(), read: false };
      this.mirrors.set(hashKey, m);
    }
    return m;
  }

  private learn(m: Mirror, tokens: number, usdMicro: number): void {
    m.known = { tokens, usd: usdMicro };
    m.read = true;
    this.known.add(m.keyId);
  }

  /**
   * Every key's balance of its current period as Redis holds it now (SCAN of the period hashes),
   * so that an outage enforces every budget from its last known balance, also for keys this
   * process has not served yet: a key with no counter for the period has spent nothing.
   */
  private async readBalances(): Promise<void> {
    const { client, prefix } = this.options;
    const head = `${prefix}{gov:`;
    const glob = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}{gov:*}:p:*`;
    const now = Date.now();
    const current = new Map<string, PeriodSpan>();
    for (const p of ['day', 'week', 'month'] as const) {
      const b = budgetPeriodAt(p, now);
      current.set(b.id, b);
    }
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', glob, 'COUNT', 500);
      cursor = next;
      for (const hashKey of keys) {
        const cut = hashKey.lastIndexOf('}:p:');
        const period = cut > head.length ? current.get(hashKey.slice(cut + 4)) : undefined;
        if (!period || !hashKey.startsWith(head) || this.mirrors.has(hashKey)) continue;
        const [tokens, usd] = await client.hmget(hashKey, 'tokens', 'usd');
        if (this.mirrors.has(hashKey)) continue; // an admission read it meanwhile, later than this
        const keyId = hashKey.slice(head.length, cut);
        this.mirrors.set(hashKey, {
          keyId,
          hashKey,
          period,
          known: { tokens: Number(tokens ?? 0), usd: Number(usd ?? 0) },
          fields: new Map(),
          delta: new Map(),
          read: true,
        });
      }
    } while (cursor !== '0');
    this.balancesRead = true;
  }

  private markDown(err: unknown): void {
    this.downAt = Date.now();
    if (!this.up || this.closed) return;
    this.up = false;
    this.options.logger.error(
      { err: (err as Error)?.message ?? String(err) },
      'Redis (state.redis.url) is unreachable: client-key rate limits now hold per machine and budgets enforce from the last known balance until it returns',
    );
  }

  async admit(limits: KeyLimits, reservation: Reservation, nowMs: number): Promise<Admission> {
    if (!this.degraded) {
      try {
        return await this.admitInRedis(limits, reservation, nowMs);
      } catch (err) {
        this.markDown(err);
      }
    }
    return this.admitDegraded(limits, reservation, nowMs);
  }

  private async admitInRedis(limits: KeyLimits, reservation: Reservation, nowMs: number): Promise<Admission> {
    const k = this.keysOf(limits.keyId);
    const m = this.mirrorOf(limits.keyId, nowMs, limits);
    const ticket = randomUUID();
    const tokens = Math.max(0, Math.ceil(reservation.tokens));
    const usdMicro = toMicro(reservation.usd);
    const usdMax = limits.budget?.usd;
    const r = (await this.run('syGovAdmit')(
      k.rpm,
      k.tpm,
      k.slots,
      m.hashKey,
      nowMs,
      ticket,
      limits.rpm ?? -1,
      limits.tpm ?? -1,
      limits.maxConcurrency ?? -1,
      limits.budget?.tokens ?? -1,
      usdMax === undefined ? -1 : toMicro(usdMax),
      tokens,
      usdMicro,
      m.period.endMs + PERIOD_GRACE_MS,
      this.leaseMs,
    )) as unknown[];
    const c = counters(r);
    this.learn(m, c.budgetTokens, c.budgetUsdMicro);
    const states = limitStates(limits, c, nowMs, m.period.endMs);
    const refusedCode = Number(r[0]);
    if (refusedCode > 0) {
      const refused = states.find((s) => s.limit === LIMIT_BY_CODE[refusedCode])!;
      return { admitted: false, refused, retryAfterSeconds: retryAfter(refused, nowMs), limits: states };
    }
    this.remember(ticket, limits.keyId, reservation.model, nowMs, m, { tokens, usdMicro, leased: limits.maxConcurrency !== undefined });
    return { admitted: true, ticket, limits: states };
  }

  private remember(
    ticket: string,
    keyId: string,
    model: string,
    nowMs: number,
    mirror: Mirror,
    held: Pick<Ticket, 'tokens' | 'usdMicro' | 'leased' | 'fallbackTicket'>,
  ): void {
    const k = this.keysOf(keyId);
    this.tickets.set(ticket, { keyId, model, second: Math.floor(nowMs / 1000), mirror, tpmKey: k.tpm, slotsKey: k.slots, ...held });
  }

  /** The budget states from this process's mirror: last known balance plus what it spent since. */
  private mirroredBudget(limits: KeyLimits, m: Mirror, nowMs: number): LimitState[] {
    const c: Counters = {
      rpmUsed: 0,
      rpmResetMs: 0,
      tpmUsed: 0,
      tpmResetMs: 0,
      slots: 0,
      budgetTokens: m.known.tokens + (m.delta.get('tokens') ?? 0),
      budgetUsdMicro: m.known.usd + (m.delta.get('usd') ?? 0),
    };
    return limitStates({ keyId: limits.keyId, ...(limits.budget ? { budget: limits.budget } : {}) }, c, nowMs, m.period.endMs);
  }

  private async admitDegraded(limits: KeyLimits, reservation: Reservation, nowMs: number): Promise<Admission> {
    const m = this.mirrorOf(limits.keyId, nowMs, limits);
    const tokens = Math.max(0, Math.ceil(reservation.tokens));
    const usdMicro = toMicro(reservation.usd);
    if (limits.budget && !m.read && !this.balancesRead && !this.known.has(limits.keyId)) {
      // Never read from Redis: its balance is unknown, and counting it from zero would reset it.
      if (!this.unknownWarned.has(limits.keyId)) {
        this.unknownWarned.add(limits.keyId);
        this.options.logger.warn(
          { clientKey: limits.keyId },
          'Redis is unreachable and this key’s budget balance was never read: its requests are refused until Redis returns',
        );
      }
      const refused: LimitState = {
        limit: limits.budget.tokens !== undefined ? 'budget_tokens' : 'budget_usd',
        max: (limits.budget.tokens ?? limits.budget.usd)!,
        remaining: 0,
        resetAtMs: nowMs + 5000,
      };
      return { admitted: false, refused, retryAfterSeconds: 5, limits: [refused] };
    }
    const budget = this.mirroredBudget(limits, m, nowMs);
    const over = budget.find((s) => (s.limit === 'budget_tokens' ? tokens : usdMicro / MICRO) > s.remaining);
    if (over) return { admitted: false, refused: over, retryAfterSeconds: retryAfter(over, nowMs), limits: budget };
    // Reserved before the fallback is awaited, so concurrent admissions cannot pass the budget together.
    add(m.delta, 'tokens', tokens);
    add(m.delta, 'usd', usdMicro);
    const rate: KeyLimits = { keyId: limits.keyId };
    if (limits.rpm !== undefined) rate.rpm = limits.rpm;
    if (limits.tpm !== undefined) rate.tpm = limits.tpm;
    if (limits.maxConcurrency !== undefined) rate.maxConcurrency = limits.maxConcurrency;
    const unreserve = (): void => {
      add(m.delta, 'tokens', -tokens);
      add(m.delta, 'usd', -usdMicro);
    };
    let local: Admission;
    try {
      local = await this.options.fallback.admit(rate, reservation, nowMs);
    } catch (err) {
      unreserve();
      throw err;
    }
    const states = [...local.limits, ...this.mirroredBudget(limits, m, nowMs)];
    if (!local.admitted) {
      unreserve();
      return { ...local, limits: states };
    }
    const ticket = randomUUID();
    this.remember(ticket, limits.keyId, reservation.model, nowMs, m, { tokens, usdMicro, leased: false, fallbackTicket: local.ticket });
    return { admitted: true, ticket, limits: states };
  }

  async settle(ticket: string, used: Settlement, nowMs: number): Promise<void> {
    const t = this.tickets.get(ticket);
    if (!t) return;
    this.tickets.delete(ticket);
    if (t.fallbackTicket) {
      await this.options.fallback.settle(t.fallbackTicket, used, nowMs).catch((err: unknown) => {
        this.options.logger.error({ err: (err as Error)?.message }, 'the per-machine governance store failed to settle');
      });
    }
    const tokens = used.inputTokens + used.outputTokens;
    const usdMicro = toMicro(used.usd ?? 0);
    const dTokens = tokens - t.tokens;
    const dUsd = usdMicro - t.usdMicro;
    const m = t.mirror;
    if (!this.degraded) {
      try {
        const r = (await this.run('syGovSettle')(
          t.tpmKey,
          t.slotsKey,
          m.hashKey,
          ticket,
          t.second,
          dTokens,
          dUsd,
          t.model,
          used.inputTokens,
          used.outputTokens,
          used.cachedInputTokens,
          usdMicro,
          nowMs,
          m.period.endMs + PERIOD_GRACE_MS,
        )) as unknown[];
        this.learn(m, Number(r[0]), Number(r[1]));
        return;
      } catch (err) {
        this.markDown(err); // a slot held in Redis expires with its lease
      }
    }
    add(m.delta, 'tokens', dTokens);
    add(m.delta, 'usd', dUsd);
    const f = `${t.model}\u0000`;
    add(m.delta, `${f}r`, 1);
    add(m.delta, `${f}i`, used.inputTokens);
    add(m.delta, `${f}o`, used.outputTokens);
    add(m.delta, `${f}c`, used.cachedInputTokens);
    add(m.delta, `${f}u`, usdMicro);
  }

  async snapshot(keys: readonly KeyLimits[], nowMs: number): Promise<UsageSnapshot> {
    if (!this.degraded) {
      try {
        return await this.snapshotInRedis(keys, nowMs);
      } catch (err) {
        this.markDown(err);
      }
    }
    const rate = await this.options.fallback.snapshot(
      keys.map(({ budget: _budget, ...rateLimits }) => rateLimits),
      nowMs,
    );
    const usage: KeyModelUsage[] = [];
    const limits: Record<string, LimitState[]> = {};
    for (const key of keys) {
      const m = this.mirrorOf(key.keyId, nowMs, key);
      const fields = new Map(m.fields);
      for (const [f, n] of m.delta) add(fields, f, n);
      usage.push(...usageRows(key.keyId, fields));
      limits[key.keyId] = [...(rate.limits[key.keyId] ?? []), ...this.mirroredBudget(key, m, nowMs)];
    }
    return { usage, limits, mode: 'redis-degraded' };
  }

  private async snapshotInRedis(keys: readonly KeyLimits[], nowMs: number): Promise<UsageSnapshot> {
    const usage: KeyModelUsage[] = [];
    const limits: Record<string, LimitState[]> = {};
    for (const key of keys) {
      const k = this.keysOf(key.keyId);
      const m = this.mirrorOf(key.keyId, nowMs, key);
      const r = (await this.run('syGovRead')(k.rpm, k.tpm, k.slots, m.hashKey, nowMs)) as unknown[];
      const c = counters(r);
      this.learn(m, c.budgetTokens, c.budgetUsdMicro);
      m.fields = hashFields(r[8]);
      usage.push(...usageRows(key.keyId, m.fields));
      limits[key.keyId] = limitStates(key, c, nowMs, m.period.endMs);
    }
    return { usage, limits, mode: 'redis' };
  }

  /**
   * Redis is (back) up: pushes every period's outage spending (raising a counter Redis lost to
   * the last known balance first), registers the slots still held again, then admits through Redis.
   */
  private reconcile(): Promise<void> {
    this.reconciling ??= (async () => {
      try {
        if (!this.balancesRead) await this.readBalances();
        const now = Date.now();
        for (const [hashKey, m] of this.mirrors) {
          if (m.period.endMs + PERIOD_GRACE_MS <= now)
            this.mirrors.delete(hashKey); // expired in Redis too
          else if (m.read || m.delta.size > 0) await this.push(m);
        }
        // Admissions during the pushes counted locally: push again until nothing is left, then
        // switch to Redis with no await in between.
        for (let left = this.unpushed(); left.length > 0; left = this.unpushed()) for (const m of left) await this.push(m);
        if (this.closed) return;
        const wasDown = !this.up;
        this.up = true;
        await this.renew();
        if (wasDown && this.up) this.options.logger.info('Redis is reachable again: client-key limits are shared by every replica again');
      } catch (err) {
        this.markDown(err);
      } finally {
        this.reconciling = null;
      }
    })();
    return this.reconciling;
  }

  private unpushed(): Mirror[] {
    return [...this.mirrors.values()].filter((m) => m.delta.size > 0);
  }

  /** One period's outage spending into Redis, atomically; a counter Redis lost is raised to the last known balance first. */
  private async push(m: Mirror): Promise<void> {
    const pushed = [...m.delta];
    const r = (await this.run('syGovReconcile')(
      m.hashKey,
      m.period.endMs + PERIOD_GRACE_MS,
      m.known.tokens,
      m.known.usd,
      ...pushed.flat(),
    )) as unknown[];
    for (const [f, n] of pushed) add(m.delta, f, -n);
    this.learn(m, Number(r[0]), Number(r[1]));
  }

  /** Pushes the lease of every concurrency slot this process holds (and registers lost ones again). */
  private async renew(): Promise<void> {
    if (!this.up) return;
    const bySlots = new Map<string, string[]>();
    for (const [ticket, t] of this.tickets) {
      if (!t.leased) continue;
      const list = bySlots.get(t.slotsKey) ?? [];
      list.push(ticket);
      bySlots.set(t.slotsKey, list);
    }
    for (const [slotsKey, tickets] of bySlots) {
      try {
        await this.run('syGovRenew')(slotsKey, slotsKey, this.leaseMs, tickets.length, ...tickets);
      } catch (err) {
        this.markDown(err);
        return;
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.renewTimer);
    this.options.client.disconnect();
  }
}
