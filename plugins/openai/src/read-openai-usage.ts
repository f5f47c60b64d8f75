import { readUsageObject, usageNumber as num, usageObject as obj, type IrUsage } from '@switchyard/plugin-sdk';

/** OpenAI chat / completions / embeddings `usage`. */
export function usageFromOpenAI(u: Record<string, unknown>): IrUsage {
  return {
    inputTokens: num(u.prompt_tokens) ?? 0,
    outputTokens: num(u.completion_tokens) ?? 0,
    cachedInputTokens: num(obj(u.prompt_tokens_details)?.cached_tokens),
    reasoningTokens: num(obj(u.completion_tokens_details)?.reasoning_tokens),
  };
}

/** The usage of a complete OpenAI reply (chat, completions, embeddings), read from its last `usage` object. */
export function readOpenAIReplyUsage(body: Buffer): IrUsage | null {
  const u = readUsageObject(body);
  return u ? usageFromOpenAI(u) : null;
}
