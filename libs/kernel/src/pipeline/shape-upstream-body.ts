import { thinkingDialectOf, type BackendConfig, type ThinkingDialect } from '@switchyard/plugin-sdk';
import type { KernelLogger } from '@switchyard/plugin-sdk';
import { applyProfile } from '../profile/apply-profile.js';
import type { ProfileDialect } from '@switchyard/plugin-sdk';
import type { Protocol } from '@switchyard/plugin-sdk';
import type { RouteDecision } from '../router/model-router.js';

export interface ShapedBody {
  body: Record<string, unknown>;
  /** False when the body is the client's own, byte for byte (the raw bytes may be sent). */
  changed: boolean;
  /** Which fields defaults / clamp / limits / system_prompt set, for the journal; null without a profile. */
  applied: Record<string, string[]> | null;
}

/**
 * The body sent upstream (SPEC §2): for a virtual model, its profile applied in the ingress
 * protocol's vocabulary (defaults < caller < clamp, then limits, then the system prompt), and
 * `model` replaced by the real model. Without a profile and a rename, the client's own body.
 */
export function shapeUpstreamBody(
  body: Record<string, unknown>,
  decision: RouteDecision,
  backend: BackendConfig,
  protocol: Protocol,
  logger?: KernelLogger,
  /** Overrides the backend's `thinking` dialect (translated requests use the ingress's effort field). */
  thinkingOverride?: ThinkingDialect,
  /** The ingress protocol's profile rules (its codec's `profile`). */
  dialect?: ProfileDialect,
): ShapedBody {
  if (!decision.profile) {
    if (decision.realModel === body.model) return { body, changed: false, applied: null };
    return { body: { ...body, model: decision.realModel }, changed: true, applied: null };
  }
  const result = applyProfile(body, decision.profile, {
    protocol,
    dialect,
    thinking: thinkingOverride ?? thinkingDialectOf(backend) ?? 'chat_template_kwargs',
    modelFamily: decision.realModel,
  });
  if (logger && (result.dropped.length > 0 || result.adjusted.length > 0) && logger.isLevelEnabled('debug')) {
    logger.debug(
      { virtualModel: decision.virtualModel, dropped: result.dropped, adjusted: result.adjusted },
      'profile fields not sent as configured',
    );
  }
  result.body.model = decision.realModel;
  const { defaults, clamp, limits, system_prompt } = result.applied;
  const applied: Record<string, string[]> = {};
  if (defaults.length) applied.defaults = defaults;
  if (clamp.length) applied.clamp = clamp;
  if (limits.length) applied.limits = limits;
  if (system_prompt) applied.system_prompt = [system_prompt];
  return { body: result.body, changed: true, applied };
}
