import type { LimitState } from './governance-store.js';

/** A reset as a Go-style duration from now: "12ms", "1s", "6m0s", "1h2m3s". */
export function formatResetDuration(ms: number): string {
  const left = Math.max(0, Math.ceil(ms));
  if (left < 1000) return `${left}ms`;
  const s = Math.ceil(left / 1000);
  if (s < 60) return `${s}s`;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}h${m}m${s % 60}s` : `${m}m${s % 60}s`;
}

/** `requests` for rpm, `tokens` for tpm; null for limits that have no rate-limit header (concurrency, budgets). */
export function rateLimitUnit(limit: LimitState['limit']): 'requests' | 'tokens' | null {
  return limit === 'rpm' ? 'requests' : limit === 'tpm' ? 'tokens' : null;
}

/**
 * The widespread `x-ratelimit-{limit,remaining,reset}-{requests,tokens}` headers of a key's rpm and
 * tpm, the reset as a duration from now. Codecs whose protocol uses these names return it from
 * ProtocolCodec.rateLimitHeaders (their plugin cites the protocol's documentation).
 */
export function xRateLimitHeaders(limits: readonly LimitState[], nowMs: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of limits) {
    const unit = rateLimitUnit(l.limit);
    if (!unit) continue;
    out[`x-ratelimit-limit-${unit}`] = String(l.max);
    out[`x-ratelimit-remaining-${unit}`] = String(Math.max(0, Math.floor(l.remaining)));
    out[`x-ratelimit-reset-${unit}`] = formatResetDuration(l.resetAtMs - nowMs);
  }
  return out;
}
