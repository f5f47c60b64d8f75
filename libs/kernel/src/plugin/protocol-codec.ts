import type { GatewayError } from '../errors/gateway-error.js';
import type { IrRequest } from '../ir/ir-request.js';
import type { IrResponse } from '../ir/ir-response.js';
import type { IrStreamEvent } from '../ir/ir-stream-event.js';
import type { Protocol } from '../protocol.js';

/** Ingress protocols plus backend-only wire formats (`google.generate-content`, …). */
export type WireProtocol = Protocol | (string & {});

/** One server-sent event as parsed off the wire. */
export interface SseEvent {
  event?: string;
  data: string;
  id?: string;
}

export interface CodecContext {
  /** The model name the client asked for, written into responses. */
  clientModel: string;
  requestId: string;
  /** Whether the streaming client asked for usage (IrRequest.includeUsage); set by the kernel once the request is decoded. */
  includeUsage?: boolean;
  /** Receives the names of fields the target cannot express (logged at debug). */
  dropped(field: string): void;
  /**
   * Tools of the client's request that the decoder left out because the backend cannot run them
   * (hosted tools such as `web_search`): the kernel logs them at warn and names them in the
   * `x-switchyard-dropped-tools` response header. A decoder appends to it (creating it if absent).
   */
  droppedTools?: string[];
}

/** Turns one upstream stream into IR events, event by event. */
export interface StreamDecoder {
  push(event: SseEvent): IrStreamEvent[];
  end(): IrStreamEvent[];
}

/** Turns IR events into the client's SSE bytes, event by event. */
export interface StreamEncoder {
  push(event: IrStreamEvent): string;
  end(): string;
  /**
   * The final event(s) for a failure the kernel detected outside the upstream's stream (transport
   * error, idle timeout) after the stream started, in the client's protocol. Optional: without it
   * the kernel writes its generic error event for the ingress's dialect.
   */
  failure?(error: GatewayError): string;
}

/** Splits one backend stream body into events, fed the bytes as they arrive. */
export interface StreamFramer {
  /** Bytes in; complete events go to the framer's `onEvent`. Throws on a malformed stream. */
  feed(chunk: Buffer): void;
  /** The body ended; throws when it ended inside an event. */
  end(): void;
}

/**
 * How a wire protocol frames its streamed replies when that is not server-sent events (a
 * binary, length-prefixed event stream): the framer turns the bytes into the events its
 * codec's StreamDecoder reads, each with a name (`event`) and a payload (`data`).
 */
export interface StreamFraming {
  /**
   * The media type of a streamed reply in this framing (what the backend sends; whether a reply is
   * a stream is decided by the request, ProtocolCodec.requestsStream, not by this).
   */
  readonly contentType: string;
  createFramer(onEvent: (event: SseEvent) => void): StreamFramer;
}

/**
 * The decoder and encoder of one wire protocol. The client side (decodeRequest,
 * encodeResponse, createStreamEncoder) serves an ingress; the backend side (encodeRequest,
 * decodeResponse, createStreamDecoder) serves a backend that speaks it.
 */
export interface ProtocolCodec {
  readonly protocol: WireProtocol;
  /**
   * What the backend side can serve beyond one streamed or complete answer: several answers
   * (IrRequest.choices) and token log-probabilities (IrRequest.logprobs), for complete replies
   * only. Absent: a request asking for them is a 400 naming the field.
   */
  readonly serves?: { choices?: boolean; logprobs?: boolean };
  /**
   * Checks a client's request body against the protocol's documented top-level fields (types and
   * ranges), throwing a 400 GatewayError naming the field. The kernel calls it for every request
   * of this ingress before routing (so a bad field is a 400 before an unknown model's 404), on
   * passthrough as on translation; it never changes the body. `operation` is the sub-operation
   * (`count_tokens`) when there is one.
   */
  validateRequest?(body: Record<string, unknown>, operation?: string): void;
  decodeRequest?(body: Record<string, unknown>, ctx: CodecContext): IrRequest;
  encodeResponse?(response: IrResponse, ctx: CodecContext): Record<string, unknown>;
  createStreamEncoder?(ctx: CodecContext): StreamEncoder;
  encodeRequest?(request: IrRequest, ctx: CodecContext): Record<string, unknown>;
  decodeResponse?(body: unknown, ctx: CodecContext): IrResponse;
  createStreamDecoder?(ctx: CodecContext): StreamDecoder;
  /** The backend side's stream framing; absent: server-sent events (text/event-stream). */
  readonly streamFraming?: StreamFraming;
  /**
   * Passthrough streams: the error one upstream event of this protocol carries (its own error
   * event, or a terminal failure), or null when it carries none. The kernel offers only complete
   * events whose text contains `"error"`, records the error as what the client saw (journal,
   * metrics) and redacts secrets in that event's bytes. Optional: without it a passthrough stream's
   * own error events are neither recorded nor redacted.
   */
  readStreamError?(event: SseEvent): StreamErrorEvent | null;
  /**
   * Reads an upstream's non-2xx reply of this protocol (status, headers, the body's first 64 KiB
   * as text): its message, type, code, param and when to retry. Returns null when the body is not
   * in this protocol's error shape. The kernel maps the status to the error's kind (401/403 → 502),
   * redacts secrets in every string returned and falls back to its generic reading when a codec has
   * no decodeError or it returns null or throws (SPEC §3).
   */
  decodeError?: UpstreamErrorDecoder;
  /**
   * Whether a client request of this (ingress) protocol asks for a streamed reply. The kernel then
   * handles a 2xx reply as a stream (passed through, or translated with the backend codec's
   * framing) whatever content-type the upstream labels it with, and a request that asks for none
   * gets one complete body. Absent: `stream: true` in the body of the endpoint itself (a
   * sub-operation such as count_tokens never streams).
   */
  requestsStream?(body: Record<string, unknown>, operation?: string): boolean;
}

/** What a plugin reads from an upstream's error reply (ProtocolCodec.decodeError). */
export interface UpstreamErrorDetails {
  message?: string;
  /** The error's type in the upstream's protocol, kept for a client of the same protocol. */
  type?: string;
  code?: string | null;
  param?: string | null;
  /** When to retry, in whole seconds, when the body says so (an upstream retry-after header wins). */
  retryAfterSeconds?: number;
}

/** Reads an upstream's error reply; null: not in this decoder's error shape. */
export type UpstreamErrorDecoder = (
  status: number,
  headers: Record<string, string | string[] | undefined>,
  body: string,
) => UpstreamErrorDetails | null;

/** An error a stream carries (IR `error` event). */
export type StreamErrorEvent = Extract<IrStreamEvent, { type: 'error' }>;
