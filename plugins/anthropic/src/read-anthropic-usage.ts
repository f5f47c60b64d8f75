import { readUsageObject, usageNumber as num, usageObject as obj, type IrUsage } from '@switchyard/plugin-sdk';

/** Anthropic `usage`: input counts cache reads and cache writes too; reasoning is `output_tokens_details.thinking_tokens`. */
export function usageFromAnthropic(u: Record<string, unknown>, previous?: IrUsage | null): IrUsage {
  const cacheRead = num(u.cache_read_input_tokens);
  const cacheWrite = num(u.cache_creation_input_tokens);
  const input = num(u.input_tokens);
  return {
    inputTokens: input !== undefined ? input + (cacheRead ?? 0) + (cacheWrite ?? 0) : (previous?.inputTokens ?? 0),
    outputTokens: num(u.output_tokens) ?? previous?.outputTokens ?? 0,
    cachedInputTokens: cacheRead ?? previous?.cachedInputTokens,
    cacheCreationInputTokens: cacheWrite ?? previous?.cacheCreationInputTokens,
    reasoningTokens: num(obj(u.output_tokens_details)?.thinking_tokens) ?? previous?.reasoningTokens,
  };
}

/** The usage of a complete Anthropic Messages reply, read from its last `usage` object. */
export function readAnthropicReplyUsage(body: Buffer): IrUsage | null {
  const u = readUsageObject(body);
  return u ? usageFromAnthropic(u) : null;
}
