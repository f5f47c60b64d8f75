/**
 * The kernel's intermediate representation (IR) for translated requests: typed message parts.
 * Every protocol plugin decodes its wire format into these types and encodes them back
 * (one decoder and one encoder per protocol, never a converter per pair).
 */

/** Opaque provider data that must survive a round trip (for example a cache marker on a block), keyed by the codec that wrote it. */
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
  /** The client's image `detail` hint (low, high, auto), kept where the target can express it. */
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
  /** The id the model gave the call; a generated stable id where the protocol has none. */
  id: string;
  name: string;
  /** The arguments as JSON text, exactly as streamed or serialised. */
  arguments: string;
  /** Opaque data of the codec that decoded the call, keyed by that codec (a reasoning signature, …). */
  providerMetadata?: ProviderMetadata;
}

export interface IrToolResultPart {
  type: 'tool_result';
  toolCallId: string;
  /** The tool's name where known (protocols that match results by name need it; recovered from the call id otherwise). */
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
  /** Encrypted reasoning with no visible text (a redacted thinking block's data), replayed intact. */
  redactedData?: string;
  providerMetadata?: ProviderMetadata;
}

export type IrContentPart = IrTextPart | IrImagePart | IrFilePart;
export type IrPart = IrContentPart | IrToolCallPart | IrToolResultPart | IrReasoningPart;

export type IrRole = 'system' | 'user' | 'assistant' | 'tool';

export interface IrMessage {
  role: IrRole;
  parts: IrPart[];
  /** The participant's `name` on a message, kept where the target has it. */
  name?: string;
}
