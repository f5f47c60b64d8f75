import type { IrFinishReason } from '@switchyard/plugin-sdk';

/**
 * Ollama's `done_reason` (`stop`, `length`, `load`, `unload`) as the IR's finish reason; a reply
 * that called tools finished for `tool_calls` (Ollama says `stop` then).
 */
export function decodeOllamaDoneReason(reason: string | undefined, calledTools: boolean): IrFinishReason {
  if (calledTools) return 'tool_calls';
  if (reason === undefined || reason === 'stop') return 'stop';
  return reason === 'length' ? 'length' : 'other';
}
