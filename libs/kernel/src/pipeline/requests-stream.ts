import type { ProtocolCodec } from '../plugin/protocol-codec.js';

/**
 * Whether the client's request asks for a streamed reply: its ingress codec says
 * (ProtocolCodec.requestsStream), else `stream: true` on the endpoint itself (no sub-operation).
 * This, not the upstream's content-type, decides how the reply is read (issue #16 item 1).
 */
export function requestsStream(codec: ProtocolCodec | undefined, body: Record<string, unknown>, operation: string | undefined): boolean {
  if (codec?.requestsStream) return codec.requestsStream(body, operation);
  return body.stream === true && operation === undefined;
}
