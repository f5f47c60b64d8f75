import { GatewayError, isGatewayError } from '@switchyard/plugin-sdk';
import type { KernelLogger } from '@switchyard/plugin-sdk';
import { mapTransportError } from '@switchyard/plugin-sdk';
import { CLIENT_CLOSED_REQUEST } from './exchange.js';
import type { GatewayRequest } from './gateway-request.js';
import type { RuntimeBackend } from './gateway-runtime.js';
import { withRequestId } from './with-request-id.js';

/**
 * What a request ends with for `err`: the GatewayError itself; 499 when the client went away; a
 * transport failure of the backend as 502/504; anything else (a bug) logged and a plain 500.
 */
export function toGatewayError(err: unknown, req: GatewayRequest, backend: RuntimeBackend | undefined, logger: KernelLogger): GatewayError {
  if (isGatewayError(err)) return err;
  if (req.signal.aborted) {
    return new GatewayError({ status: CLIENT_CLOSED_REQUEST, kind: 'invalid_request', message: 'client closed the request' });
  }
  if (backend && (err as { code?: string })?.code) return mapTransportError(err, backend.config.id);
  (req.logger ?? logger).error(withRequestId(req, { err }), 'unexpected error in the request pipeline');
  return GatewayError.internal();
}

/**
 * The error a failure ends the request (or an attempt) with: the reason the gateway cut it (a
 * shutdown, the retry deadline) when it did so, the client being still there; else toGatewayError.
 */
export function failureOf(
  err: unknown,
  req: GatewayRequest,
  cut: AbortSignal,
  backend: RuntimeBackend | undefined,
  logger: KernelLogger,
): GatewayError {
  return cut.aborted && !req.signal.aborted && isGatewayError(cut.reason) ? cut.reason : toGatewayError(err, req, backend, logger);
}
