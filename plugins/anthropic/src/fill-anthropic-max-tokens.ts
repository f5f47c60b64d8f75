import { isObject, num, type Json } from './anthropic-json.js';
import { ANTHROPIC_FALLBACK_MAX_TOKENS } from './anthropic-api-paths.js';

/**
 * Anthropic requires `max_tokens`: the request's (or its profile's), else the gateway fills it in from the
 * backend's `default_max_tokens` (else 4096). With budget thinking on, thinking counts against max_tokens, so
 * the filled value is the thinking budget plus that default: the answer keeps the default's room (without
 * this, `reasoning_effort: high` sent max_tokens 4096 with budget_tokens 4095). Returns the new body, or null
 * when the body already has max_tokens (it is then sent unchanged).
 */
export function fillAnthropicMaxTokens(body: Json, defaultMaxTokens: number | undefined): Json | null {
  if (num(body.max_tokens) !== undefined) return null;
  const answerRoom = defaultMaxTokens ?? ANTHROPIC_FALLBACK_MAX_TOKENS;
  const thinking = body.thinking;
  const budget = isObject(thinking) && thinking.type === 'enabled' ? num(thinking.budget_tokens) : undefined;
  return { ...body, max_tokens: budget === undefined ? answerRoom : budget + answerRoom };
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
