/** Responses: `max_output_tokens` (https://platform.openai.com/docs/api-reference/responses/create). */
export function readResponsesMaxOutputTokens(body: Record<string, unknown>): number | undefined {
  const v = body.max_output_tokens;
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.floor(v) : undefined;
}
