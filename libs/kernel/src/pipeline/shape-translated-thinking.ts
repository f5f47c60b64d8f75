import type { IrRequest } from '@switchyard/plugin-sdk';
import { applyIrThinkingProfile, withoutThinkingKeys } from '../profile/apply-ir-thinking-profile.js';
import type { AppliedProfile } from '@switchyard/plugin-sdk';
import type { RouteDecision } from '../router/model-router.js';

/**
 * For a translated request, the route decision whose profile leaves `enable_thinking` / `thinking_budget` out of
 * the ingress body: they are applied to the IR instead (shapeTranslatedThinking), so a budget is not squeezed
 * through the ingress protocol's effort levels.
 */
export function decisionForTranslation(decision: RouteDecision): RouteDecision {
  return decision.profile ? { ...decision, profile: withoutThinkingKeys(decision.profile) } : decision;
}

/**
 * Applies the route profile's thinking keys to the decoded IR of a translated request and returns the journal's
 * `applied` lists (those of the body shaping plus these; null without a profile).
 */
export function shapeTranslatedThinking(
  ir: IrRequest,
  decision: RouteDecision,
  callerBody: Record<string, unknown>,
  shapedApplied: Record<string, string[]> | null,
): Record<string, string[]> | null {
  if (!decision.profile) return shapedApplied;
  const applied: AppliedProfile = {
    defaults: [...(shapedApplied?.defaults ?? [])],
    clamp: [...(shapedApplied?.clamp ?? [])],
    limits: [...(shapedApplied?.limits ?? [])],
  };
  applyIrThinkingProfile(ir, decision.profile, callerBody, applied);
  const out: Record<string, string[]> = { ...shapedApplied };
  for (const layer of ['defaults', 'clamp', 'limits'] as const) if (applied[layer].length > 0) out[layer] = applied[layer];
  return out;
}
