import type { GovernanceGate, KeyLimits, LimitName, SwitchyardConfig, UsageSnapshot } from '@switchyard/kernel';

/** A configured client key as the usage report names it: its id, limits and metadata (never the key). */
export interface ReportedKey {
  limits: KeyLimits;
  metadata?: Record<string, unknown>;
}

/** The named client keys of a configuration with their limits (none: only usage) and metadata, for the report. */
export function reportedKeys(config: SwitchyardConfig, gate: GovernanceGate): ReportedKey[] {
  const policies = gate.policiesFor(config).keys;
  return config.server.api_keys
    .filter((e) => e.name !== undefined)
    .map((e) => ({ limits: policies.get(e.name!)?.limits ?? { keyId: e.name! }, ...(e.metadata ? { metadata: e.metadata } : {}) }));
}

export interface UsageReportTotals {
  requests: number;
  input_tokens: number;
  output_tokens: number;
  cached_input_tokens: number;
  usd: number;
}

export interface UsageReportModel extends UsageReportTotals {
  model: string;
}

export interface UsageReportLimit {
  limit: LimitName;
  max: number;
  /** Used (and reserved) so far in the window or period. */
  used: number;
  remaining: number;
  /** When the window or period frees capacity again (ISO 8601, UTC). */
  reset_at: string;
}

export interface UsageReportKey {
  key: string;
  metadata: Record<string, unknown>;
  /** The key's budget period (`day`, `week`, `month`; `month` when it has no budget). */
  period: string;
  limits: UsageReportLimit[];
  models: UsageReportModel[];
  totals: UsageReportTotals;
}

/** The JSON of `GET /admin/usage` and `switchyard usage --json` (docs/governance.md "Usage reports"). */
export interface UsageReport {
  /** `local`, `redis`, `redis-degraded` (see UsageSnapshot.mode). */
  mode: string;
  generated_at: string;
  keys: UsageReportKey[];
}

const roundUsd = (usd: number): number => Math.round(usd * 1e6) / 1e6;

function zero(): UsageReportTotals {
  return { requests: 0, input_tokens: 0, output_tokens: 0, cached_input_tokens: 0, usd: 0 };
}

/** Per configured key: its limits with what is left, its usage per model in the current period, and totals. */
export function buildUsageReport(snapshot: UsageSnapshot, keys: readonly ReportedKey[], nowMs: number): UsageReport {
  return {
    mode: snapshot.mode,
    generated_at: new Date(nowMs).toISOString(),
    keys: keys.map(({ limits, metadata }) => {
      const totals = zero();
      const models: UsageReportModel[] = snapshot.usage
        .filter((u) => u.keyId === limits.keyId)
        .map((u) => {
          const row = {
            model: u.model,
            requests: u.requests,
            input_tokens: u.inputTokens,
            output_tokens: u.outputTokens,
            cached_input_tokens: u.cachedInputTokens,
            usd: roundUsd(u.usd),
          };
          totals.requests += row.requests;
          totals.input_tokens += row.input_tokens;
          totals.output_tokens += row.output_tokens;
          totals.cached_input_tokens += row.cached_input_tokens;
          totals.usd = roundUsd(totals.usd + row.usd);
          return row;
        })
        .sort((a, b) => a.model.localeCompare(b.model));
      return {
        key: limits.keyId,
        metadata: metadata ?? {},
        period: limits.budget?.period ?? 'month',
        limits: (snapshot.limits[limits.keyId] ?? []).map((s) => ({
          limit: s.limit,
          max: s.max,
          used: s.limit === 'budget_usd' ? roundUsd(s.max - s.remaining) : s.max - s.remaining,
          remaining: s.limit === 'budget_usd' ? roundUsd(s.remaining) : s.remaining,
          reset_at: new Date(s.resetAtMs).toISOString(),
        })),
        models,
        totals,
      };
    }),
  };
}
