import type { GatewayError } from '../errors/gateway-error.js';

/**
 * Tracks what a passthrough stream's final failure event needs, fed with the upstream chunks. Made
 * by the client protocol's codec (ProtocolCodec.createPassthroughFailure) for protocols whose
 * clients expect more than one error event after a failure (a terminal event naming the upstream's
 * response, numbered on from its events).
 */
export interface PassthroughFailure {
  /** Every upstream chunk, in order (the bytes as the upstream sent them). Byte scans only: cheap. */
  observe(chunk: Buffer): void;
  /**
   * The SSE text of the final event(s) to append, each a complete event ending in a blank line (the
   * caller ends a cut event first). Empty when the upstream already sent its terminal event, and on
   * any call after the first.
   */
  failureEvent(error: GatewayError): string;
}

export interface PassthroughFailureOptions {
  /**
   * The model name the client asked for, written into the final event's response (the upstream's
   * `model` otherwise). Pass it when the observed chunks are the upstream's, not the rewritten ones.
   */
  clientModel?: string;
}
