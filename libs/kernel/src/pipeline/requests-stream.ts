import type { ProtocolCodec } from '@switchyard/plugin-sdk';

/**
 * Whether the client's request asks for a streamed reply: its ingress codec says
 * (ProtocolCodec.requestsStream), else `stream: true` on the endpoint itself (no sub-operation).
 * This, not the upstream's content-type, decides how the reply is read (issue #16 item 1). A codec
 * whose answer throws gets the default: the request must still be answered.
 */
export function requestsStream(codec: ProtocolCodec | undefined, body: Record<string, unknown>, operation: string | undefined): boolean {
  const byDefault = body.stream === true && operation === undefined;
  if (!codec?.requestsStream) return byDefault;
  try {
    return codec.requestsStream(body, operation) === true;
  } catch {
    return byDefault;
  }
}
