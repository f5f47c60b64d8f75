import type { GatewayRequest } from './gateway-request.js';

/** Log fields with the request id, unless the request's own logger already binds it. */
export function withRequestId(req: GatewayRequest, fields: Record<string, unknown>): Record<string, unknown> {
  return req.logger ? fields : { requestId: req.requestId, ...fields };
}
