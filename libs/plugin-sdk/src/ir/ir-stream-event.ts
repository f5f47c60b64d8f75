import type { ProviderMetadata } from './ir-message.js';
import type { IrFinishReason, IrUsage } from './ir-response.js';

/**
 * Typed stream events. A translated stream is `start`, then any mix of deltas,
 * then `usage` (optional, may repeat: the last one wins) and `finish`, or `error` at any point.
 */
export type IrStreamEvent =
  | { type: 'start'; id: string; model: string; created?: number }
  | { type: 'text_delta'; text: string }
  | { type: 'reasoning_delta'; text?: string; signature?: string; redactedData?: string }
  /** A new reasoning block begins (protocols whose reasoning comes in separate blocks, each signed). */
  | { type: 'reasoning_end' }
  | { type: 'tool_call_start'; index: number; id: string; name: string; providerMetadata?: ProviderMetadata }
  | { type: 'tool_call_delta'; index: number; argumentsDelta: string }
  | { type: 'tool_call_end'; index: number }
  | { type: 'usage'; usage: IrUsage }
  | { type: 'finish'; reason: IrFinishReason; rawReason?: string }
  | { type: 'error'; status: number; errorType: string; message: string };

export type IrStreamEventType = IrStreamEvent['type'];
