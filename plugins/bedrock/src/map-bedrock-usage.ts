import { asNumber, isObject, type IrUsage } from '@switchyard/plugin-sdk';

/**
 * Converse `usage` → IR usage. Bedrock's `inputTokens` leaves out the tokens read from and
 * written to the prompt cache (`cacheReadInputTokens`, `cacheWriteInputTokens`); the IR's input
 * count is every prompt token, so they are added.
 */
export function decodeBedrockUsage(usage: unknown): IrUsage | undefined {
  if (!isObject(usage)) return undefined;
  const cacheRead = asNumber(usage.cacheReadInputTokens);
  const cacheWrite = asNumber(usage.cacheWriteInputTokens);
  const out: IrUsage = {
    inputTokens: (asNumber(usage.inputTokens) ?? 0) + (cacheRead ?? 0) + (cacheWrite ?? 0),
    outputTokens: asNumber(usage.outputTokens) ?? 0,
  };
  if (cacheRead !== undefined) out.cachedInputTokens = cacheRead;
  if (cacheWrite !== undefined) out.cacheCreationInputTokens = cacheWrite;
  return out;
}
