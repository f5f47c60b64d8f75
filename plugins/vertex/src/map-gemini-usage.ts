import type { IrUsage } from '@switchyard/plugin-sdk';
import { num, type Json } from './gemini-json.js';

/**
 * Gemini's `usageMetadata` as IR usage: input is the prompt (cached tokens and tool-use prompt
 * tokens included), output is the candidates plus the thoughts (Gemini bills thinking as output),
 * cached and reasoning counts reported where present.
 */
export function decodeGeminiUsage(usage: Json): IrUsage {
  const thoughts = num(usage.thoughtsTokenCount);
  const out: IrUsage = {
    inputTokens: (num(usage.promptTokenCount) ?? 0) + (num(usage.toolUsePromptTokenCount) ?? 0),
    outputTokens: (num(usage.candidatesTokenCount) ?? 0) + (thoughts ?? 0),
  };
  const cached = num(usage.cachedContentTokenCount);
  if (cached !== undefined) out.cachedInputTokens = cached;
  if (thoughts !== undefined) out.reasoningTokens = thoughts;
  return out;
}

/** Whether a `usageMetadata` carries counts (stream chunks before the last may carry only `trafficType`). */
export function hasGeminiTokenCounts(usage: Json): boolean {
  return (
    num(usage.promptTokenCount) !== undefined || num(usage.candidatesTokenCount) !== undefined || num(usage.totalTokenCount) !== undefined
  );
}
