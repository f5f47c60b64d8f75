import type { IrFinishReason } from '@switchyard/plugin-sdk';

/** An OpenAI-compatible `finish_reason` in the IR's vocabulary (vLLM's `abort`/`error` are errors). */
export function decodeOpenAIFinishReason(raw: unknown): IrFinishReason {
  switch (raw) {
    case 'stop':
      return 'stop';
    case 'length':
      return 'length';
    case 'tool_calls':
    case 'function_call':
      return 'tool_calls';
    case 'content_filter':
      return 'content_filter';
    case 'abort':
    case 'error':
      return 'error';
    default:
      return 'other';
  }
}

/** The IR's finish reason as OpenAI writes it; OpenAI has no `error` or `other`, so those are `stop`. */
export function encodeOpenAIFinishReason(reason: IrFinishReason): 'stop' | 'length' | 'tool_calls' | 'content_filter' {
  switch (reason) {
    case 'length':
    case 'tool_calls':
    case 'content_filter':
      return reason;
    default:
      return 'stop';
  }
}
