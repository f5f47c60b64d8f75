import { ANTHROPIC_MIN_THINKING_BUDGET } from '@switchyard/kernel';
import { isObject, num, type Json } from './anthropic-json.js';
import { ANTHROPIC_FALLBACK_MAX_TOKENS } from './anthropic-api-paths.js';

/**
 * Anthropic requires `max_tokens`: the request's (or its profile's), else the backend's
 * `default_max_tokens`, else 4096. When it is filled in here and `thinking` is enabled with a
 * budget that does not fit below it, the budget is lowered to max_tokens - 1, or thinking is
 * left out when not even Anthropic's minimum (1024) fits. Returns the new body, or null when
 * the body already has max_tokens (it is then sent unchanged).
 */
export function fillAnthropicMaxTokens(body: Json, defaultMaxTokens: number | undefined): Json | null {
  if (num(body.max_tokens) !== undefined) return null;
  const maxTokens = defaultMaxTokens ?? ANTHROPIC_FALLBACK_MAX_TOKENS;
  const out: Json = { ...body, max_tokens: maxTokens };
  const thinking = body.thinking;
  if (isObject(thinking) && thinking.type === 'enabled') {
    const budget = num(thinking.budget_tokens);
    if (budget !== undefined && budget >= maxTokens) {
      if (maxTokens - 1 < ANTHROPIC_MIN_THINKING_BUDGET) delete out.thinking;
      else out.thinking = { ...thinking, budget_tokens: maxTokens - 1 };
    }
  }
  return out;
}

/** Fields of a Messages request that `count_tokens` does not take. */
const NOT_COUNTED = ['max_tokens', 'stream', 'temperature', 'top_p', 'top_k', 'stop_sequences', 'metadata', 'service_tier'];

/**
 * A body for POST /v1/messages/count_tokens: generation-only fields (a profile's max_tokens or
 * temperature, say) are left out, since count_tokens rejects them. Null when there are none.
 */
export function shapeAnthropicCountTokensBody(body: Json): Json | null {
  if (!NOT_COUNTED.some((key) => Object.hasOwn(body, key))) return null;
  const out: Json = { ...body };
  for (const key of NOT_COUNTED) delete out[key];
  return out;
}
