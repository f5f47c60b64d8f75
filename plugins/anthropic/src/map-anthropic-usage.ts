import type { IrUsage } from '@switchyard/plugin-sdk';

/**
 * IR usage → Anthropic `usage`. Anthropic's `input_tokens` excludes cache reads and cache
 * writes (the IR's `inputTokens` includes them), so they are taken back out.
 */
export function encodeAnthropicUsage(usage: IrUsage | null | undefined): Record<string, unknown> {
  if (!usage) return { input_tokens: 0, output_tokens: 0 };
  const cacheRead = usage.cachedInputTokens ?? 0;
  const cacheWrite = usage.cacheCreationInputTokens ?? 0;
  const out: Record<string, unknown> = {
    input_tokens: Math.max(0, usage.inputTokens - cacheRead - cacheWrite),
    cache_creation_input_tokens: cacheWrite,
    cache_read_input_tokens: cacheRead,
    output_tokens: usage.outputTokens,
  };
  if (usage.reasoningTokens !== undefined) out.output_tokens_details = { thinking_tokens: usage.reasoningTokens };
  return out;
}
