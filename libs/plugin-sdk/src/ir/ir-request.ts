import type { IrMessage, ProviderMetadata } from './ir-message.js';

export interface IrTool {
  /** `function` tools take a JSON object; `custom` tools take one free-form string. */
  kind: 'function' | 'custom';
  name: string;
  description?: string;
  /** JSON Schema of the arguments (function tools). */
  parameters?: Record<string, unknown>;
  strict?: boolean;
  providerMetadata?: ProviderMetadata;
}

export type IrToolChoice = 'auto' | 'none' | 'required' | { name: string };

export interface IrThinking {
  enabled: boolean;
  /** Token budget, for targets that take a reasoning budget in tokens. */
  budgetTokens?: number;
  /** Effort, for targets that take a reasoning effort level (`reasoning_effort`, `reasoning.effort`). */
  effort?: 'minimal' | 'low' | 'medium' | 'high';
}

export type IrResponseFormat =
  { type: 'text' } | { type: 'json_object' } | { type: 'json_schema'; name?: string; schema: Record<string, unknown>; strict?: boolean };

/** A generation request in the kernel's vocabulary: what every protocol decodes to. */
export interface IrRequest {
  /** The real model the backend is asked for (after routing). */
  model: string;
  /** System and developer instructions, kept apart from the turns. */
  system: IrMessage[];
  messages: IrMessage[];
  tools?: IrTool[];
  toolChoice?: IrToolChoice;
  parallelToolCalls?: boolean;
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  topK?: number;
  stop?: string[];
  seed?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  thinking?: IrThinking;
  /**
   * How many alternative answers the client asked for (`n`; unset = 1). The kernel answers
   * a 400 unless the backend's codec declares `choices` (and the request is not streamed).
   */
  choices?: number;
  /**
   * Token log-probabilities asked for (`logprobs` / `top_logprobs`): `top` alternatives per
   * token (0: the chosen token's only). A 400 unless the backend's codec declares `logprobs`.
   */
  logprobs?: { top: number };
  responseFormat?: IrResponseFormat;
  /** Caller metadata (an end-user id such as `metadata.user_id` or `user`). */
  user?: string;
  stream: boolean;
  /** Whether a streaming client asked for usage (`stream_options.include_usage`). */
  includeUsage?: boolean;
  /**
   * Provider-native fields from a profile or the caller that the target protocol writes
   * verbatim into its body (`chat_template_kwargs`, `repetition_penalty`).
   */
  extra?: Record<string, unknown>;
  /**
   * A legacy completion (`/v1/completions`): the text to continue rather than chat turns (`system`
   * and `messages` are empty), and `suffix`, the text after the insertion point, for
   * fill-in-the-middle. The kernel answers a 400 unless the backend's codec declares `prompt`.
   */
  prompt?: IrPrompt;
}

/** The prompt of a legacy completion (IrRequest.prompt). */
export interface IrPrompt {
  text: string;
  suffix?: string;
}
