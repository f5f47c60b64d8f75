import type { IrPart } from './ir-message.js';

export type IrFinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'error' | 'other';

export interface IrUsage {
  /** All prompt tokens, cached and cache-creation tokens included. */
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens?: number;
  cacheCreationInputTokens?: number;
  reasoningTokens?: number;
}

/** A complete (non-streamed) generation. */
export interface IrResponse {
  id: string;
  model: string;
  created?: number;
  /** Assistant output parts in order: reasoning, text, tool calls. */
  parts: IrPart[];
  finishReason: IrFinishReason;
  /** The provider's own finish reason, for logs. */
  rawFinishReason?: string;
  usage?: IrUsage;
}
