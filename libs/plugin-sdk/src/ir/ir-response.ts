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

/** One token's log-probability, with the most likely alternatives when asked for. */
export interface IrTokenLogprob {
  token: string;
  logprob: number;
  top?: Array<{ token: string; logprob: number }>;
}

/** An alternative answer beyond the first (IrRequest.choices > 1). */
export interface IrChoice {
  parts: IrPart[];
  finishReason: IrFinishReason;
  rawFinishReason?: string;
  logprobs?: IrTokenLogprob[];
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
  /** The first answer's token log-probabilities (IrRequest.logprobs). */
  logprobs?: IrTokenLogprob[];
  /** The answers after the first (IrRequest.choices > 1), in order. */
  moreChoices?: IrChoice[];
}
