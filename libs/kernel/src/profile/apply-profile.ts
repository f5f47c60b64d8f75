import { applyClamp, applyDefaults } from './apply-defaults-and-clamp.js';
import { applyLimits } from '@switchyard/plugin-sdk';
import { applySystemPrompt } from './apply-system-prompt.js';
import { applyCallerThinkingKeys, applyThinkingClamp, applyThinkingDefaults } from './apply-thinking.js';
import type { ProfileRun } from '@switchyard/plugin-sdk';
import type { ProfileResult, ProfileTarget, RouteProfile } from '@switchyard/plugin-sdk';

const NONE: Readonly<Record<string, never>> = Object.freeze({});

/**
 * The body sent upstream for a request to a virtual model (SPEC §2 "Profiles"), in the vocabulary of the
 * request's own protocol: `defaults`, overlaid by the caller's fields, overlaid by `clamp`; then `limits` bound
 * the numeric fields the request carries; then the protocol's own fit (its ProfileDialect: what it would reject);
 * then the system prompt. Where each key lives in the body, and how it says thinking, is the dialect's.
 *
 * Pure: the inputs are not modified. Only the top-level object and the objects that change are copied (a
 * `messages` array only when the system prompt changes it, and never the messages in it); values taken from the
 * profile are copied, so the body never shares objects with the configuration.
 */
export function applyProfile(body: Record<string, unknown>, profile: RouteProfile, target: ProfileTarget): ProfileResult {
  const run: ProfileRun = {
    original: body,
    body: { ...body },
    protocol: target.protocol,
    dialect: target.dialect,
    thinking: target.thinking ?? 'chat_template_kwargs',
    modelFamily: target.modelFamily,
    defaults: profile.defaults ?? NONE,
    clamp: profile.clamp ?? NONE,
    limits: profile.limits ?? NONE,
    applied: { defaults: [], clamp: [], limits: [] },
    dropped: [],
    adjusted: [],
    written: new Set(),
    profileTurnedThinkingOn: false,
  };
  applyDefaults(run);
  applyThinkingDefaults(run);
  applyCallerThinkingKeys(run);
  applyClamp(run);
  applyThinkingClamp(run);
  applyLimits(run);
  run.dialect?.fit?.(run);
  if (profile.system_prompt) applySystemPrompt(run, profile.system_prompt);
  return { body: run.body, applied: run.applied, dropped: run.dropped, adjusted: run.adjusted };
}
