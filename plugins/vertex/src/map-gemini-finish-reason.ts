import type { IrFinishReason } from '@switchyard/plugin-sdk';

const CONTENT_FILTER = new Set([
  'SAFETY',
  'RECITATION',
  'BLOCKLIST',
  'PROHIBITED_CONTENT',
  'SPII',
  'IMAGE_SAFETY',
  'IMAGE_PROHIBITED_CONTENT',
]);

/**
 * A Gemini `finishReason` in the IR's vocabulary: STOP → stop (tool_calls when the answer made
 * function calls), MAX_TOKENS → length, the safety family (SAFETY, RECITATION, BLOCKLIST,
 * PROHIBITED_CONTENT, SPII, image safety) → content_filter, MALFORMED_FUNCTION_CALL → error,
 * anything else → other.
 */
export function decodeGeminiFinishReason(raw: string | undefined, madeToolCalls: boolean): IrFinishReason {
  if (raw === undefined || raw === 'STOP') return madeToolCalls ? 'tool_calls' : 'stop';
  if (raw === 'MAX_TOKENS') return 'length';
  if (CONTENT_FILTER.has(raw)) return 'content_filter';
  if (raw === 'MALFORMED_FUNCTION_CALL') return 'error';
  return 'other';
}
