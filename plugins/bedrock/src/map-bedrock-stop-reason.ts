import type { IrFinishReason } from '@switchyard/plugin-sdk';

/**
 * Converse `stopReason` → the IR's finish reason: end_turn / stop_sequence → stop; max_tokens and
 * model_context_window_exceeded → length; tool_use → tool_calls; guardrail_intervened and
 * content_filtered → content_filter; malformed model output or tool use → error.
 */
export function decodeBedrockStopReason(raw: string | undefined): IrFinishReason {
  switch (raw) {
    case 'end_turn':
    case 'stop_sequence':
      return 'stop';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'guardrail_intervened':
    case 'content_filtered':
      return 'content_filter';
    case 'malformed_model_output':
    case 'malformed_tool_use':
      return 'error';
    default:
      return 'other';
  }
}
