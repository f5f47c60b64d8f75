import type { IrReasoningPart } from '@switchyard/plugin-sdk';
import type { Json } from './read-openai-chat-json.js';

/** An Anthropic-style thinking block as it travels on the OpenAI ingress (SPEC §3 `thinking_blocks`). */
export function encodeOpenAIChatThinkingBlock(part: Pick<IrReasoningPart, 'text' | 'signature' | 'redactedData'>): Json {
  if (part.redactedData !== undefined) return { type: 'redacted_thinking', data: part.redactedData };
  const block: Json = { type: 'thinking', thinking: part.text };
  if (part.signature !== undefined) block.signature = part.signature;
  return block;
}

/**
 * Reasoning parts as message fields: `reasoning_content` (the text, joined) and, when any part
 * carries a signature or redacted data, `thinking_blocks` (every block, in order) so a later turn
 * can send them back intact.
 */
export function encodeOpenAIChatReasoning(parts: readonly IrReasoningPart[]): { reasoning_content?: string; thinking_blocks?: Json[] } {
  if (parts.length === 0) return {};
  const out: { reasoning_content?: string; thinking_blocks?: Json[] } = {};
  const text = parts.map((p) => p.text).join('');
  if (text) out.reasoning_content = text;
  if (parts.some((p) => p.signature !== undefined || p.redactedData !== undefined)) {
    out.thinking_blocks = parts.map(encodeOpenAIChatThinkingBlock);
  }
  return out;
}
