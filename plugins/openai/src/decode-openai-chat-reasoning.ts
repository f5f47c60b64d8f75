import type { IrReasoningPart } from '@switchyard/plugin-sdk';
import { asArray, asObject, asString, type Json } from './read-openai-chat-json.js';

/**
 * The reasoning of an assistant message (request history or response): `thinking_blocks`
 * (Anthropic-style blocks with their signatures or redacted data, SPEC §3) when present, else
 * `reasoning_content` (DeepSeek, vLLM) or `reasoning` (newer vLLM, OpenRouter) as one part.
 */
export function decodeOpenAIChatReasoning(message: Json): IrReasoningPart[] {
  const blocks = asArray(message.thinking_blocks);
  if (blocks && blocks.length > 0) {
    const parts: IrReasoningPart[] = [];
    for (const raw of blocks) {
      const block = asObject(raw);
      if (block?.type === 'thinking') {
        const part: IrReasoningPart = { type: 'reasoning', text: asString(block.thinking) ?? '' };
        const signature = asString(block.signature);
        if (signature) part.signature = signature;
        parts.push(part);
      } else if (block?.type === 'redacted_thinking' && typeof block.data === 'string') {
        parts.push({ type: 'reasoning', text: '', redactedData: block.data });
      }
    }
    if (parts.length > 0) return parts;
  }
  const text = asString(message.reasoning_content) || asString(message.reasoning);
  return text ? [{ type: 'reasoning', text }] : [];
}
