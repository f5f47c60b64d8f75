import type { BackendConfig } from '../config/schema/backend-config.js';
import type { Protocol } from '../protocol.js';
import type { RouteDecision } from '../router/model-router.js';

export interface ShapedBody {
  body: Record<string, unknown>;
  /** False when the body is the client's own, byte for byte (the raw bytes may be sent). */
  changed: boolean;
  /** Which fields defaults / clamp / limits set, for the journal. */
  applied: Record<string, string[]> | null;
}

/**
 * The body sent upstream: the client's, with `model` replaced by the real model. Parameter
 * profiles (defaults < caller < clamp, limits, system prompt) are applied here for virtual models.
 */
export function shapeUpstreamBody(
  body: Record<string, unknown>,
  decision: RouteDecision,
  _backend: BackendConfig,
  _protocol: Protocol,
): ShapedBody {
  if (decision.realModel === body.model) return { body, changed: false, applied: null };
  return { body: { ...body, model: decision.realModel }, changed: true, applied: null };
}
