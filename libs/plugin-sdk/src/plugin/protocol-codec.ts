import type { GatewayError } from '../errors/gateway-error.js';
import type { ErrorEnvelope } from '../errors/encode-error-envelope.js';
import type { EmbeddingCodec } from './embedding-codec.js';
import type { IrRequest } from '../ir/ir-request.js';
import type { IrResponse } from '../ir/ir-response.js';
import type { IrStreamEvent } from '../ir/ir-stream-event.js';
import type { ProfileDialect } from '../profile/profile-dialect.js';
import type { Protocol } from '../protocol.js';
import type { ProtocolUsage } from '../observability/read-usage.js';
import type { PassthroughFailure, PassthroughFailureOptions } from '../stream/passthrough-failure.js';
import type { ChunkRewriter } from '../stream/observed-stream.js';
import type { LimitState } from '../governance/governance-store.js';

/** Ingress protocols plus backend-only wire formats (a plugin's own, such as `acme.generate`). */
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
   * the kernel writes the error event of the ingress protocol's envelope (ProtocolCodec.errorEnvelope).
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
   * only. Absent: a request asking for them is a 400 naming the field. `prompt`: the backend
   * continues a legacy completion's prompt (IrRequest.prompt, fill-in-the-middle suffix included).
   */
  readonly serves?: { choices?: boolean; logprobs?: boolean; prompt?: boolean };
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
   * The route profile's rules for bodies of this protocol (SPEC §2 profiles): where the vocabulary's keys
   * live, how thinking is said (on/off, effort, budget), what the protocol rejects after shaping, and a
   * translated body's thinking in the backend's `thinking` dialect. The kernel merges the profile
   * (defaults < caller < clamp, limits, system prompt) and calls these for the native fields. Optional:
   * without it vocabulary keys and thinking are not sent for this protocol (reported at debug).
   */
  readonly profile?: ProfileDialect;
  /**
   * Token usage and stream metering in this protocol (metrics, journal): the usage of a complete
   * reply, a meter per streamed reply (time to first content, usage), and optionally how to ask an
   * upstream for usage on a stream and strip it again. The kernel uses the hooks of the client's
   * protocol to measure what the client received, and those of the wire protocol to ask for usage.
   * Optional: without it a reply in this protocol reports no usage and no time to first token.
   */
  readonly usage?: ProtocolUsage;
  /**
   * Passthrough streams of this protocol whose clients expect more than one final event after a
   * failure the kernel detected (transport error, idle timeout, shutdown), such as a terminal event
   * naming the upstream's response: a tracker fed every upstream chunk that writes those events.
   * Optional: without it the stream ends with this protocol's error event (`encodeErrorEvent`).
   */
  createPassthroughFailure?(options: PassthroughFailureOptions): PassthroughFailure;
  /**
   * Passthrough replies of this protocol: writes the model name the client asked for where the
   * upstream wrote the real one, in a complete body (one call, then an empty chunk to flush) and in
   * each streamed chunk. `undefined`: nothing to rewrite. Optional: without it the kernel replaces
   * the value of every `"model": "…"` member (createModelRewriter), which fits JSON protocols
   * naming the model under that key.
   */
  createModelRewriter?(realModel: string, clientModel: string): ChunkRewriter | undefined;
  /**
   * How clients of this protocol get errors: the JSON of an error reply (before or instead of a
   * response) and the final event of a stream that failed after it started; its `family` also says
   * whether an upstream's own error type means something to this protocol's clients. Optional:
   * without it the kernel writes its neutral envelope (`{"error": {message, type, param, code}}`,
   * the type being the error's kind) and a `data:` event.
   */
  readonly errorEnvelope?: ErrorEnvelope;
  /**
   * The most output tokens a client request of this protocol asks for (its own field: max_tokens,
   * max_completion_tokens, max_output_tokens), undefined when it sets none, 0 for an operation that
   * generates none (embeddings). Client keys with token limits reserve it at admission (issue #20);
   * absent: the configured governance.default_max_tokens is reserved.
   */
  maxOutputTokens?(body: Record<string, unknown>): number | undefined;
  /**
   * The response headers that tell a client of this protocol its client key's rpm and tpm state
   * (issue #20), in the protocol's own names and formats; sent on 429s and successful replies.
   * Absent: no rate-limit headers (retry-after still goes with a 429).
   */
  rateLimitHeaders?(limits: readonly LimitState[], nowMs: number): Record<string, string>;
  /**
   * Embeddings through the IR (EmbeddingCodec): the client side for an embeddings ingress, the
   * backend side for a backend's embeddings wire protocol. Absent: embeddings are passthrough only.
   */
  readonly embeddings?: EmbeddingCodec;
  /**
   * Whether a client request of this (ingress) protocol asks for a streamed reply. The kernel then
   * handles a 2xx reply as a stream (passed through, or translated with the backend codec's
   * framing) whatever content-type the upstream labels it with, and a request that asks for none
   * gets one complete body. Absent: `stream: true` in the body of the endpoint itself (a
   * sub-operation such as count_tokens never streams).
   */
  requestsStream?(body: Record<string, unknown>, operation?: string): boolean;
  /**
   * The OpenTelemetry GenAI `gen_ai.operation.name` of a client request of this (ingress) protocol, in
   * metrics: the well-known value that applies (`chat`, `text_completion`, `embeddings`,
   * `generate_content`, …), else a custom one
   * (https://opentelemetry.io/docs/specs/semconv/registry/attributes/gen-ai/#gen-ai-operation-name).
   * Absent: `_OTHER`.
   */
  readonly operationName?: string;
  /**
   * Whether a client request body of this (ingress) protocol carries image, audio, video or file
   * content: an `auto_route` virtual model then takes its `vision` target (SPEC §2). Called once per
   * request to an auto route, after `validateRequest`: keep it a scan of the content parts' types
   * (`hasMediaPart`, `messagesHaveMedia`), nothing decoded or copied. Absent: never media (`text`).
   */
  hasMediaContent?(body: Record<string, unknown>): boolean;
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
