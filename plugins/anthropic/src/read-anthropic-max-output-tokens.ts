/** Messages: `max_tokens`, required by the API (https://docs.anthropic.com/en/api/messages). */
export function readAnthropicMaxOutputTokens(body: Record<string, unknown>): number | undefined {
  const v = body.max_tokens;
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.floor(v) : undefined;
}
