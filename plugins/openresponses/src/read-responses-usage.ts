import { readUsageObject, usageNumber as num, usageObject as obj, type IrUsage } from '@switchyard/plugin-sdk';

/** Responses API `usage`. */
export function usageFromResponses(u: Record<string, unknown>): IrUsage {
  return {
    inputTokens: num(u.input_tokens) ?? 0,
    outputTokens: num(u.output_tokens) ?? 0,
    cachedInputTokens: num(obj(u.input_tokens_details)?.cached_tokens),
    reasoningTokens: num(obj(u.output_tokens_details)?.reasoning_tokens),
  };
}

/** The usage of a complete Responses API reply, read from its last `usage` object. */
export function readResponsesReplyUsage(body: Buffer): IrUsage | null {
  const u = readUsageObject(body);
  return u ? usageFromResponses(u) : null;
}
