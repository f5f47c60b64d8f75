import type { GatewayError } from './gateway-error.js';

/**
 * How a client protocol writes the gateway's errors (ProtocolCodec.errorEnvelope): the JSON of an
 * error reply and the final event of a stream that failed after it started. Owned by the plugin of
 * that protocol; secrets are redacted by the kernel before an error is encoded.
 */
export interface ErrorEnvelope {
  /**
   * The protocol family whose errors share one shape and one vocabulary of error types: an
   * upstream's own error type is kept for a client whose protocol has the same family.
   */
  readonly family: string;
  /** The error as the JSON value of an error reply's body. */
  body(err: GatewayError): Record<string, unknown>;
  /** The final server-sent event(s) carrying the error; default `data: <body>` and a blank line. */
  streamEvent?(err: GatewayError): string;
}

/**
 * The kernel's neutral envelope, for a protocol whose codec has none:
 * `{"error": {"message", "type", "param", "code"}}`, the type being the error's kind.
 */
export function neutralErrorBody(err: GatewayError): Record<string, unknown> {
  return { error: { message: err.message, type: err.upstreamType ?? err.kind, param: err.param, code: err.code } };
}

/** The error as the JSON value of its protocol's envelope (the neutral one when there is none). */
export function errorEnvelope(envelope: ErrorEnvelope | undefined, err: GatewayError): Record<string, unknown> {
  return envelope ? envelope.body(err) : neutralErrorBody(err);
}

export function encodeErrorBody(envelope: ErrorEnvelope | undefined, err: GatewayError): string {
  return JSON.stringify(errorEnvelope(envelope, err));
}

/** A final SSE event carrying the error, for failures after a stream has started. */
export function encodeErrorEvent(envelope: ErrorEnvelope | undefined, err: GatewayError): string {
  return envelope?.streamEvent ? envelope.streamEvent(err) : `data: ${encodeErrorBody(envelope, err)}\n\n`;
}
