import type { Exchange } from '../pipeline/exchange.js';
import type { GatewayRequest } from '../pipeline/gateway-request.js';
import type { GatewayRuntime } from '../pipeline/gateway-runtime.js';
import type { RouteDecision } from '../router/model-router.js';

/** What an admitted request carries to its reply. */
export interface AdmissionPass {
  /** Headers for the successful reply (the client protocol's rate-limit headers). */
  headers: Record<string, string>;
}

/**
 * Admission control between routing and the first upstream attempt (issue #20: client keys).
 * The pipeline calls `admit` once per request after routing; it returns null at once when the
 * request is not governed (no client key, or a key without limits, and no pricing), a promise of
 * the pass otherwise, or throws (synchronously or by rejecting) the GatewayError the client gets
 * (403 model not allowed, 429 over a limit). A gate that admits settles the request itself when
 * the exchange ends, with the usage the exchange recorded.
 */
export interface AdmissionGate {
  admit(req: GatewayRequest, decision: RouteDecision, exchange: Exchange, runtime: GatewayRuntime): Promise<AdmissionPass> | null;
}
