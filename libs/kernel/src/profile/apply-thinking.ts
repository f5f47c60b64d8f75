import { boundValue } from '@switchyard/plugin-sdk';
import { finiteNumber, ownField as own, type JsonObject } from '@switchyard/plugin-sdk';
import { thinkingFormOf } from '@switchyard/plugin-sdk';
import { dropProfileField as drop, markApplied, type ProfileRun } from '@switchyard/plugin-sdk';

const bool = (value: unknown) => (typeof value === 'boolean' ? value : undefined);

/** Thinking on/off as any of the protocol's native fields say (the caller's own fields beat a default). */
const nativeThinking = (run: ProfileRun, body: JsonObject) => run.dialect?.readThinking(body);

interface ThinkingProfile {
  defaultOn: boolean | undefined;
  defaultBudget: number | undefined;
  clampOn: boolean | null | undefined;
  clampBudget: number | undefined;
}

function readThinkingProfile(run: ProfileRun): ThinkingProfile {
  const clampOn = own(run.clamp, 'enable_thinking');
  const clampBudget = own(run.clamp, 'thinking_budget');
  return {
    defaultOn: bool(own(run.defaults, 'enable_thinking')),
    // A clamp `thinking_budget: null` removes the profile's budget.
    defaultBudget: clampBudget === null ? undefined : finiteNumber(own(run.defaults, 'thinking_budget')),
    clampOn: clampOn === null ? null : bool(clampOn),
    clampBudget: finiteNumber(clampBudget),
  };
}

/**
 * Default `enable_thinking` / `thinking_budget`, written in the target's form unless the caller's own native
 * thinking field says otherwise (the protocol's ProfileDialect reads them).
 */
export function applyThinkingDefaults(run: ProfileRun): void {
  const p = readThinkingProfile(run);
  if (p.defaultOn === undefined && p.defaultBudget === undefined) return;
  const form = thinkingFormOf(run);
  if (form.unexpressed !== undefined) {
    if (p.defaultOn !== undefined) drop(run, 'enable_thinking', form.unexpressed);
    if (p.defaultBudget !== undefined) drop(run, 'thinking_budget', form.unexpressed);
    return;
  }
  // The caller's own top-level `enable_thinking` (a profile-vocabulary key) is a caller field too (applyCallerThinkingKeys).
  const callerSays = nativeThinking(run, run.original) ?? bool(own(run.original, 'enable_thinking'));
  if (p.defaultOn !== undefined && callerSays === undefined) {
    const budget =
      p.defaultOn && p.defaultBudget !== undefined && form.noBudget === undefined
        ? boundValue(run, 'thinking_budget', p.defaultBudget)
        : undefined;
    form.write(run, p.defaultOn, budget);
    markApplied(run, 'defaults', 'enable_thinking');
    if (p.defaultOn && p.defaultBudget !== undefined) {
      if (budget !== undefined) markApplied(run, 'defaults', 'thinking_budget');
      else drop(run, 'thinking_budget', form.noBudget ?? '');
    }
    if (p.defaultOn) run.profileTurnedThinkingOn = true;
    return;
  }
  // The caller turned thinking on without an amount its form takes: the default budget fills the gap (objects merge).
  if (p.defaultBudget !== undefined && form.lacksBudget?.(run.body)) {
    run.dialect?.setThinkingBudget(run, boundValue(run, 'thinking_budget', p.defaultBudget));
    markApplied(run, 'defaults', 'thinking_budget');
  }
}

/**
 * A caller's own top-level `enable_thinking` (and `thinking_budget`) — the profile vocabulary, which no protocol
 * has natively — when the route's profile speaks about thinking and the caller set no native thinking field: it
 * is a caller field, so it beats a default (the clamp, applied after, still beats it). It is written in the
 * target's form like a default would be (its budget, else the default budget) and the vocabulary keys leave the body.
 */
export function applyCallerThinkingKeys(run: ProfileRun): void {
  const p = readThinkingProfile(run);
  if (p.defaultOn === undefined && p.defaultBudget === undefined && p.clampOn === undefined && p.clampBudget === undefined) return;
  const on = bool(own(run.original, 'enable_thinking'));
  if (on === undefined || nativeThinking(run, run.original) !== undefined) return;
  const form = thinkingFormOf(run);
  if (form.unexpressed !== undefined) return;
  const callerBudget = finiteNumber(own(run.original, 'thinking_budget'));
  const budgetValue = callerBudget ?? p.defaultBudget;
  const budget =
    on && budgetValue !== undefined && form.noBudget === undefined ? boundValue(run, 'thinking_budget', budgetValue) : undefined;
  form.write(run, on, budget);
  if (on && callerBudget === undefined && budget !== undefined) markApplied(run, 'defaults', 'thinking_budget');
  delete run.body.enable_thinking;
  delete run.body.thinking_budget;
}

/**
 * Clamped `enable_thinking` / `thinking_budget`: they win over the caller's native thinking fields too. The
 * target's form is written when it does not already say the same; the protocol's fields in another form that
 * disagree are removed (ThinkingForm.removeOthers).
 */
export function applyThinkingClamp(run: ProfileRun): void {
  const p = readThinkingProfile(run);
  if (p.clampOn === undefined && p.clampBudget === undefined) return;
  const form = thinkingFormOf(run);
  const overrides = (on: boolean) => `clamp enable_thinking: ${on} overrides it`;

  if (p.clampOn === null) {
    if (run.dialect?.removeThinking(run)) markApplied(run, 'clamp', 'enable_thinking');
    return;
  }
  if (form.unexpressed !== undefined) {
    if (p.clampOn !== undefined) drop(run, 'enable_thinking', form.unexpressed);
    if (p.clampBudget !== undefined) drop(run, 'thinking_budget', form.unexpressed);
    if (p.clampOn !== undefined && form.removeOthers?.(run, p.clampOn, overrides(p.clampOn))) markApplied(run, 'clamp', 'enable_thinking');
    return;
  }
  if (p.clampOn === undefined) {
    // Only a budget: it bounds thinking that is on, in whatever form the request carries it.
    if (p.clampBudget !== undefined && nativeThinking(run, run.body) === true) {
      if (run.dialect?.setThinkingBudget(run, boundValue(run, 'thinking_budget', p.clampBudget)))
        markApplied(run, 'clamp', 'thinking_budget');
    }
    return;
  }

  const on = p.clampOn;
  const clampBudget = on && p.clampBudget !== undefined ? boundValue(run, 'thinking_budget', p.clampBudget) : undefined;
  if (form.read(run.body) !== on) {
    const defaultBudget =
      on && clampBudget === undefined && p.defaultBudget !== undefined && form.noBudget === undefined
        ? boundValue(run, 'thinking_budget', p.defaultBudget)
        : undefined;
    form.write(run, on, clampBudget ?? defaultBudget);
    markApplied(run, 'clamp', 'enable_thinking');
    if (clampBudget !== undefined && form.noBudget === undefined) markApplied(run, 'clamp', 'thinking_budget');
    if (defaultBudget !== undefined) markApplied(run, 'defaults', 'thinking_budget');
    if (on && (p.clampBudget ?? p.defaultBudget) !== undefined && form.noBudget !== undefined) drop(run, 'thinking_budget', form.noBudget);
  } else if (clampBudget !== undefined && run.dialect?.setThinkingBudget(run, clampBudget)) {
    // A form without a budget of its own may still carry thinking in a form that has one (a chat body's effort).
    markApplied(run, 'clamp', 'thinking_budget');
  }
  if (form.removeOthers?.(run, on, overrides(on))) markApplied(run, 'clamp', 'enable_thinking');
  if (on) run.profileTurnedThinkingOn = true;
}
