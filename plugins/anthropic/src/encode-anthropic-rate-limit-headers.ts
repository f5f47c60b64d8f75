import { rateLimitUnit, type LimitState } from '@switchyard/plugin-sdk';

/**
 * A client key's rpm / tpm in Anthropic's names: anthropic-ratelimit-{requests,tokens}-{limit,
 * remaining,reset}, the reset "in RFC 3339 format" (https://docs.anthropic.com/en/api/rate-limits#response-headers).
 */
export function encodeAnthropicRateLimitHeaders(limits: readonly LimitState[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of limits) {
    const unit = rateLimitUnit(l.limit);
    if (!unit) continue;
    out[`anthropic-ratelimit-${unit}-limit`] = String(l.max);
    out[`anthropic-ratelimit-${unit}-remaining`] = String(Math.max(0, Math.floor(l.remaining)));
    out[`anthropic-ratelimit-${unit}-reset`] = new Date(Math.ceil(l.resetAtMs / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  }
  return out;
}
