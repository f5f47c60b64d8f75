/** A whole number of tokens ≥ 0, else undefined (validation already answered a wrong type with a 400). */
const tokens = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.floor(v) : undefined);

/** Chat completions: `max_completion_tokens`, or the deprecated `max_tokens` (https://platform.openai.com/docs/api-reference/chat/create). */
export function readOpenAIChatMaxOutputTokens(body: Record<string, unknown>): number | undefined {
  return tokens(body.max_completion_tokens) ?? tokens(body.max_tokens);
}

/** Completions: `max_tokens` (https://platform.openai.com/docs/api-reference/completions/create). */
export function readOpenAICompletionsMaxOutputTokens(body: Record<string, unknown>): number | undefined {
  return tokens(body.max_tokens);
}

/** Embeddings generate no tokens. */
export function readOpenAIEmbeddingsMaxOutputTokens(): number {
  return 0;
}
