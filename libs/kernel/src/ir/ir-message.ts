/**
 * The kernel's intermediate representation (IR) for translated requests: typed message parts.
 * Every protocol plugin decodes its wire format into these types and encodes them back
 * (one decoder and one encoder per protocol, never a converter per pair).
 */

/** Opaque provider data that must survive a round trip (for example Anthropic `cache_control`). */
export type ProviderMetadata = Record<string, Record<string, unknown>>;

export interface IrTextPart {
  type: 'text';
  text: string;
  providerMetadata?: ProviderMetadata;
}

export type IrMediaSource =
  { kind: 'url'; url: string } | { kind: 'base64'; mediaType: string; data: string } | { kind: 'file_id'; fileId: string };

export interface IrImagePart {
  type: 'image';
  source: IrMediaSource;
  /** OpenAI `detail` hint, kept where the target can express it. */
  detail?: 'auto' | 'low' | 'high';
  providerMetadata?: ProviderMetadata;
}

/** Documents, audio and video: anything not an image that a model may read. */
export interface IrFilePart {
  type: 'file';
  source: IrMediaSource;
  mediaType?: string;
  filename?: string;
  providerMetadata?: ProviderMetadata;
}

export interface IrToolCallPart {
  type: 'tool_call';
  /** The id the model gave the call; generated stable ids where a protocol has none (Gemini). */
  id: string;
  name: string;
  /** The arguments as JSON text, exactly as streamed or serialised. */
  arguments: string;
  /** e.g. `{ google: { thoughtSignature } }` */
  providerMetadata?: ProviderMetadata;
}

export interface IrToolResultPart {
  type: 'tool_result';
  toolCallId: string;
  /** The tool's name where known (Gemini needs it; recovered from the call id otherwise). */
  name?: string;
  content: string | Array<IrTextPart | IrImagePart | IrFilePart>;
  isError?: boolean;
  providerMetadata?: ProviderMetadata;
}

/** Model reasoning; `signature` or `redactedData` must be replayed intact on a later turn. */
export interface IrReasoningPart {
  type: 'reasoning';
  text: string;
  signature?: string;
  /** Anthropic `redacted_thinking.data`: encrypted reasoning with no visible text. */
  redactedData?: string;
  providerMetadata?: ProviderMetadata;
}

export type IrContentPart = IrTextPart | IrImagePart | IrFilePart;
export type IrPart = IrContentPart | IrToolCallPart | IrToolResultPart | IrReasoningPart;

export type IrRole = 'system' | 'user' | 'assistant' | 'tool';

export interface IrMessage {
  role: IrRole;
  parts: IrPart[];
  /** OpenAI `name` on a message, kept where the target has it. */
  name?: string;
}
