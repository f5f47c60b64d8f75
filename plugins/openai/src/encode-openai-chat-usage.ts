import type { IrUsage } from '@switchyard/plugin-sdk';
import type { Json } from './read-openai-chat-json.js';

/** IR usage as OpenAI's `usage`: prompt_tokens counts every input token, cached and cache-creation included. */
export function encodeOpenAIChatUsage(usage: IrUsage): Json {
  const out: Json = {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.inputTokens + usage.outputTokens,
  };
  if (usage.cachedInputTokens !== undefined) out.prompt_tokens_details = { cached_tokens: usage.cachedInputTokens };
  if (usage.reasoningTokens !== undefined) out.completion_tokens_details = { reasoning_tokens: usage.reasoningTokens };
  return out;
}
