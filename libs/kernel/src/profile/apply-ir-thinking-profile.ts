import type { IrRequest, IrThinking } from '@switchyard/plugin-sdk';
import { finiteNumber, isPlainObject, ownField as own } from '@switchyard/plugin-sdk';
import type { AppliedProfile, RouteProfile } from '@switchyard/plugin-sdk';
import { effortForBudget } from '@switchyard/plugin-sdk';

const bool = (value: unknown) => (typeof value === 'boolean' ? value : undefined);

/** Thinking the profile turns on without a budget: the effort that stands for `enable_thinking: true` (effortForBudget). */
const PROFILE_ON: IrThinking = { enabled: true, effort: effortForBudget(undefined) };

/** `value` within `limits.thinking_budget` (whole tokens); records the limit when it changed the value. */
function boundBudget(profile: RouteProfile, value: number, applied: AppliedProfile): number {
  const bound = own(profile.limits ?? {}, 'thinking_budget');
  if (!isPlainObject(bound)) return value;
  const min = finiteNumber(bound.min);
  const max = finiteNumber(bound.max);
  let next = value;
  if (min !== undefined && next < min) next = Math.ceil(min);
  if (max !== undefined && next > max) next = Math.floor(max);
  if (next !== value && !applied.limits.includes('thinking_budget')) applied.limits.push('thinking_budget');
  return next;
}

function mark(applied: AppliedProfile, layer: 'defaults' | 'clamp', key: string): void {
  if (!applied[layer].includes(key)) applied[layer].push(key);
}

/** Thinking with an exact token budget (an effort no longer applies: the budget says how much). */
const withBudget = (thinking: IrThinking, budgetTokens: number): IrThinking => {
  const { effort: _effort, ...rest } = thinking;
  return { ...rest, enabled: true, budgetTokens };
};

/**
 * The caller's own thinking choice: what its protocol's native fields decoded to, else its top-level
 * `enable_thinking` / `thinking_budget` (profile-vocabulary keys a caller may send too; a caller field, so it
 * beats a default).
 */
function callerThinking(ir: IrRequest, callerBody: Record<string, unknown>): IrThinking | undefined {
  if (ir.thinking) return ir.thinking;
  const on = bool(own(callerBody, 'enable_thinking'));
  if (on === undefined) return undefined;
  const budget = finiteNumber(own(callerBody, 'thinking_budget'));
  return on && budget !== undefined ? { enabled: true, budgetTokens: budget } : { enabled: on };
}

/**
 * A route profile's `enable_thinking` / `thinking_budget` applied to a translated request's IR, after the
 * caller's body was decoded (SPEC §2 profiles, §3 translation): the budget reaches the backend's encoder as
 * a number, so `thinking_budget: 2048` arrives as a backend's token budget of 2048 (`budget_tokens`,
 * `thinkingBudget`), changed only by the target's own documented limits, instead of passing through an
 * effort level. Order as for bodies: defaults < the caller (native thinking fields, or its own top-level
 * `enable_thinking`) < clamp; `limits.thinking_budget` bounds the budget. A clamp `enable_thinking: null`
 * removes thinking. Changes `ir.thinking` in place and records what it set in `applied`.
 */
export function applyIrThinkingProfile(
  ir: IrRequest,
  profile: RouteProfile | null,
  callerBody: Record<string, unknown>,
  applied: AppliedProfile,
): void {
  const defaults = profile?.defaults ?? {};
  const clamp = profile?.clamp ?? {};
  const defaultOn = bool(own(defaults, 'enable_thinking'));
  const defaultBudget = own(clamp, 'thinking_budget') === null ? undefined : finiteNumber(own(defaults, 'thinking_budget'));
  const clampOn = own(clamp, 'enable_thinking');
  const clampBudget = finiteNumber(own(clamp, 'thinking_budget'));
  if (!profile || (defaultOn === undefined && defaultBudget === undefined && clampOn === undefined && clampBudget === undefined)) return;

  let thinking = callerThinking(ir, callerBody);
  if (thinking === undefined && defaultOn !== undefined) {
    thinking =
      defaultOn && defaultBudget !== undefined ? withBudget({ enabled: true }, defaultBudget) : defaultOn ? PROFILE_ON : { enabled: false };
    mark(applied, 'defaults', 'enable_thinking');
    if (defaultOn && defaultBudget !== undefined) mark(applied, 'defaults', 'thinking_budget');
  } else if (thinking?.enabled && thinking.budgetTokens === undefined && thinking.effort === undefined && defaultBudget !== undefined) {
    // A default budget fills the caller's thinking that is on with no amount of its own (no budget, no effort).
    thinking = withBudget(thinking, defaultBudget);
    mark(applied, 'defaults', 'thinking_budget');
  }

  if (clampOn === null) {
    if (thinking !== undefined) mark(applied, 'clamp', 'enable_thinking');
    thinking = undefined;
  } else if (typeof clampOn === 'boolean') {
    if (thinking?.enabled !== clampOn) mark(applied, 'clamp', 'enable_thinking');
    if (!clampOn) thinking = { enabled: false };
    else if (!thinking?.enabled) {
      thinking = defaultBudget !== undefined && clampBudget === undefined ? withBudget({ enabled: true }, defaultBudget) : PROFILE_ON;
      if (defaultBudget !== undefined && clampBudget === undefined) mark(applied, 'defaults', 'thinking_budget');
    }
  }
  if (clampBudget !== undefined && thinking?.enabled && thinking.budgetTokens !== clampBudget) {
    thinking = withBudget(thinking, clampBudget);
    mark(applied, 'clamp', 'thinking_budget');
  }

  if (thinking?.enabled && thinking.budgetTokens !== undefined) {
    const bounded = boundBudget(profile, thinking.budgetTokens, applied);
    if (bounded !== thinking.budgetTokens) thinking = withBudget(thinking, bounded);
  }
  if (thinking === undefined) delete ir.thinking;
  else ir.thinking = thinking;
}

/** The profile without its thinking keys (a translated request applies them to the IR instead). */
export function withoutThinkingKeys(profile: RouteProfile): RouteProfile {
  const strip = (layer: Record<string, unknown> | undefined) => {
    if (!layer) return layer;
    const { enable_thinking: _on, thinking_budget: _budget, ...rest } = layer;
    return rest;
  };
  const limits = profile.limits ? { ...profile.limits } : undefined;
  if (limits) delete limits.thinking_budget;
  return { ...profile, defaults: strip(profile.defaults), clamp: strip(profile.clamp), limits };
}
