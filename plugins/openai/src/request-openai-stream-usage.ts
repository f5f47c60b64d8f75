/**
 * When a streaming OpenAI client did not say whether it wants usage, ask the upstream for it
 * (`stream_options.include_usage: true`) so metrics and the journal can count tokens; the
 * pipeline then removes exactly that usage chunk from what the client receives
 * (createOpenAIUsageChunkStripper). A client that set `include_usage` (true or false) is left
 * alone. Returns the new body, or null for no change.
 */
export function requestOpenAIStreamUsage(body: Record<string, unknown>): Record<string, unknown> | null {
  const opts = body.stream_options;
  if (opts !== undefined && opts !== null && (typeof opts !== 'object' || 'include_usage' in (opts as object))) return null;
  return { ...body, stream_options: { ...(opts as object | null), include_usage: true } };
}
