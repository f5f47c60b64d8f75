import { Readable } from 'node:stream';
import type { IncomingHeaders, UpstreamReply } from '../plugin/provider-plugin.js';
import { GatewayError } from '../errors/gateway-error.js';
import { readBody } from './upstream-client.js';

/**
 * A successful JSON reply with its body replaced by `map(parsed body)` (an adapter answering an
 * operation in the client protocol's shape, e.g. a token count); error replies are returned as
 * they are, for the pipeline to map. A body that is not JSON is a 502.
 */
export async function mapJsonReply(reply: UpstreamReply, backendId: string, map: (body: unknown) => unknown): Promise<UpstreamReply> {
  if (reply.status >= 400) return reply;
  const text = await readBody(reply.body);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw GatewayError.badGateway(`backend ${backendId} answered with a body that is not JSON`);
  }
  const body = JSON.stringify(map(parsed));
  const headers: IncomingHeaders = { ...reply.headers, 'content-type': 'application/json' };
  delete headers['content-length'];
  delete headers['transfer-encoding'];
  return { status: reply.status, headers, body: Readable.from([Buffer.from(body)]) };
}
