import type { IrFinishReason } from '@switchyard/plugin-sdk';

/** Anthropic `stop_reason` values. */
const ANTHROPIC_STOP_REASONS: ReadonlySet<string> = new Set([
  'end_turn',
  'max_tokens',
  'stop_sequence',
  'tool_use',
  'pause_turn',
  'refusal',
  'model_context_window_exceeded',
]);

/** Anthropic `stop_reason` → IR finish reason. */
export function decodeAnthropicStopReason(reason: unknown): IrFinishReason {
  switch (reason) {
    case 'end_turn':
    case 'stop_sequence':
    case 'pause_turn':
      return 'stop';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'refusal':
      return 'content_filter';
    default:
      return 'other';
  }
}

/**
 * IR finish reason → Anthropic `stop_reason`. The provider's own reason is kept when it is an
 * Anthropic one that maps to the same IR reason (`stop_sequence`, `pause_turn`).
 */
export function encodeAnthropicStopReason(reason: IrFinishReason, raw?: string): string {
  if (raw !== undefined && ANTHROPIC_STOP_REASONS.has(raw) && decodeAnthropicStopReason(raw) === reason) return raw;
  switch (reason) {
    case 'length':
      return 'max_tokens';
    case 'tool_calls':
      return 'tool_use';
    case 'content_filter':
      return 'refusal';
    default:
      return 'end_turn';
  }
}
