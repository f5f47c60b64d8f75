import { boundValue } from './apply-limits.js';
import { finiteNumber, isPlainObject, isSet, own, type JsonObject } from './json-values.js';
import { drop, markApplied, type ProfileRun } from './profile-run.js';
import { ANTHROPIC_DEFAULT_THINKING_BUDGET, effortForBudget, effortMeansOn, requiresAdaptiveThinking } from './thinking-effort.js';

/**
 * How a body expresses `enable_thinking` / `thinking_budget`:
 * - `chat_template_kwargs`: openai.chat/completions for vLLM/SGLang, `chat_template_kwargs.enable_thinking`; no budget key.
 * - `reasoning_effort`: openai.chat/completions for OpenAI, `reasoning_effort` (the budget picks the effort).
 * - `none`: openai.chat/completions for a backend with `thinking: none`; nothing is written.
 * - `anthropic`: `thinking: {type: enabled, budget_tokens}` / `{type: disabled}`.
 * - `anthropic_adaptive`: Claude 4.7+, `thinking: {type: adaptive}` plus `output_config.effort`; off = no `thinking`.
 * - `responses`: `reasoning.effort`.
 * - `unsupported`: openai.embeddings.
 */
type ThinkingForm = 'chat_template_kwargs' | 'reasoning_effort' | 'none' | 'anthropic' | 'anthropic_adaptive' | 'responses' | 'unsupported';

function thinkingForm(run: ProfileRun): ThinkingForm {
  switch (run.protocol) {
    case 'openai.chat':
    case 'openai.completions':
      return run.thinking;
    case 'anthropic.messages':
      return requiresAdaptiveThinking(run.modelFamily) ? 'anthropic_adaptive' : 'anthropic';
    case 'openai.responses':
      return 'responses';
    case 'openai.embeddings':
      return 'unsupported';
  }
}

const isChatLike = (run: ProfileRun) => run.protocol === 'openai.chat' || run.protocol === 'openai.completions';
const objectOr = (value: unknown): JsonObject => (isPlainObject(value) ? value : {});
const bool = (value: unknown) => (typeof value === 'boolean' ? value : undefined);

function anthropicThinkingOn(body: JsonObject): boolean | undefined {
  const thinking = own(body, 'thinking');
  if (!isPlainObject(thinking) || typeof thinking.type !== 'string') return undefined;
  return thinking.type !== 'disabled';
}

/** Thinking on/off as any of the protocol's native fields say (the caller's own fields beat a default). */
function nativeThinking(run: ProfileRun, body: JsonObject): boolean | undefined {
  switch (run.protocol) {
    case 'openai.chat':
    case 'openai.completions':
      return effortMeansOn(own(body, 'reasoning_effort')) ?? bool(own(objectOr(own(body, 'chat_template_kwargs')), 'enable_thinking'));
    case 'anthropic.messages':
      return anthropicThinkingOn(body);
    case 'openai.responses':
      return effortMeansOn(own(objectOr(own(body, 'reasoning')), 'effort'));
    case 'openai.embeddings':
      return undefined;
  }
}

/** Thinking on/off as the target's own form says (what a clamp must make true). */
function formThinking(run: ProfileRun, form: ThinkingForm): boolean | undefined {
  switch (form) {
    case 'chat_template_kwargs':
      return bool(own(objectOr(own(run.body, 'chat_template_kwargs')), 'enable_thinking'));
    case 'reasoning_effort':
      return effortMeansOn(own(run.body, 'reasoning_effort'));
    case 'anthropic':
      return anthropicThinkingOn(run.body);
    case 'anthropic_adaptive':
      // Off is expressed by leaving `thinking` out.
      return anthropicThinkingOn(run.body) ?? false;
    default:
      return nativeThinking(run, run.body);
  }
}

/** Where a form takes a budget (as budget_tokens or as the effort it picks). */
const takesBudget = (form: ThinkingForm) => form !== 'chat_template_kwargs' && form !== 'none' && form !== 'unsupported';

function budgetReason(form: ThinkingForm, run: ProfileRun): string {
  if (form === 'chat_template_kwargs') return 'chat_template_kwargs has no standard thinking budget key (vLLM/SGLang)';
  return unexpressedReason(form, run);
}

function unexpressedReason(form: ThinkingForm, run: ProfileRun): string {
  return form === 'none' ? 'the backend has thinking: none' : `${run.protocol} has no thinking control`;
}

/** Writes thinking on/off (and a budget) in the target's form, merging with the objects already there. */
function writeThinking(run: ProfileRun, form: ThinkingForm, on: boolean, budget: number | undefined): void {
  const body = run.body;
  switch (form) {
    case 'chat_template_kwargs':
      body.chat_template_kwargs = { ...objectOr(own(body, 'chat_template_kwargs')), enable_thinking: on };
      return;
    case 'reasoning_effort':
      body.reasoning_effort = on ? effortForBudget(budget) : 'minimal';
      return;
    case 'anthropic':
      body.thinking = on ? { type: 'enabled', budget_tokens: budget ?? ANTHROPIC_DEFAULT_THINKING_BUDGET } : { type: 'disabled' };
      return;
    case 'anthropic_adaptive': {
      if (!on) {
        delete body.thinking;
        drop(run, 'enable_thinking', `${run.modelFamily} accepts only adaptive thinking; thinking is off by leaving \`thinking\` out`);
        return;
      }
      body.thinking = { type: 'adaptive' };
      const outputConfig = objectOr(own(body, 'output_config'));
      // Anthropic's effort also shapes the answer: a caller's effort stays unless a budget says otherwise.
      if (budget !== undefined || !isSet(outputConfig, 'effort')) body.output_config = { ...outputConfig, effort: effortForBudget(budget) };
      return;
    }
    case 'responses':
      body.reasoning = { ...objectOr(own(body, 'reasoning')), effort: on ? effortForBudget(budget) : 'minimal' };
      return;
    case 'none':
    case 'unsupported':
      return;
  }
}

/** Applies a budget to thinking that is already on, in whatever native form the body carries. Returns whether it changed. */
function setBudget(run: ProfileRun, budget: number): boolean {
  const body = run.body;
  const effort = effortForBudget(budget);
  switch (run.protocol) {
    case 'anthropic.messages': {
      const thinking = objectOr(own(body, 'thinking'));
      if (thinking.type === 'enabled') {
        if (thinking.budget_tokens === budget) return false;
        body.thinking = { ...thinking, budget_tokens: budget };
        return true;
      }
      const outputConfig = objectOr(own(body, 'output_config'));
      if (thinking.type !== 'adaptive' || outputConfig.effort === effort) return false;
      body.output_config = { ...outputConfig, effort };
      return true;
    }
    case 'openai.responses': {
      const reasoning = objectOr(own(body, 'reasoning'));
      if (reasoning.effort === effort) return false;
      body.reasoning = { ...reasoning, effort };
      return true;
    }
    case 'openai.chat':
    case 'openai.completions':
      if (effortMeansOn(own(body, 'reasoning_effort')) !== true) {
        drop(run, 'thinking_budget', budgetReason('chat_template_kwargs', run));
        return false;
      }
      if (body.reasoning_effort === effort) return false;
      body.reasoning_effort = effort;
      return true;
    case 'openai.embeddings':
      return false;
  }
}

/** Removes chat/completions native thinking fields that disagree with `on` (all of them when `on` is undefined). */
function removeChatNatives(run: ProfileRun, keep: ThinkingForm, on: boolean | undefined, why: string): boolean {
  const body = run.body;
  let removed = false;
  const effort = effortMeansOn(own(body, 'reasoning_effort'));
  if (keep !== 'reasoning_effort' && Object.hasOwn(body, 'reasoning_effort') && (on === undefined || effort !== on)) {
    if (effort !== undefined) drop(run, 'reasoning_effort', why);
    removed ||= effort !== undefined;
    delete body.reasoning_effort;
  }
  const kwargs = own(body, 'chat_template_kwargs');
  if (keep !== 'chat_template_kwargs' && isPlainObject(kwargs) && Object.hasOwn(kwargs, 'enable_thinking')) {
    const flag = bool(kwargs.enable_thinking);
    if (on === undefined || flag !== on) {
      const { enable_thinking: _removed, ...rest } = kwargs;
      if (Object.keys(rest).length > 0) body.chat_template_kwargs = rest;
      else delete body.chat_template_kwargs;
      if (flag !== undefined) drop(run, 'chat_template_kwargs.enable_thinking', why);
      removed ||= flag !== undefined;
    }
  }
  return removed;
}

/** A clamp `enable_thinking: null` removes the thinking field whatever form it has. */
function removeAllThinking(run: ProfileRun): boolean {
  const body = run.body;
  switch (run.protocol) {
    case 'openai.chat':
    case 'openai.completions':
      return removeChatNatives(run, 'unsupported', undefined, 'removed by clamp enable_thinking: null');
    case 'anthropic.messages': {
      const had = isSet(body, 'thinking');
      delete body.thinking;
      return had;
    }
    case 'openai.responses': {
      const reasoning = own(body, 'reasoning');
      if (!isPlainObject(reasoning) || !Object.hasOwn(reasoning, 'effort')) return false;
      const { effort, ...rest } = reasoning;
      if (Object.keys(rest).length > 0) body.reasoning = rest;
      else delete body.reasoning;
      return effort !== null;
    }
    case 'openai.embeddings':
      return false;
  }
}

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
 * thinking field says otherwise (openai.chat: `reasoning_effort` or `chat_template_kwargs.enable_thinking`;
 * anthropic.messages: `thinking`; openai.responses: `reasoning.effort`).
 */
export function applyThinkingDefaults(run: ProfileRun): void {
  const p = readThinkingProfile(run);
  if (p.defaultOn === undefined && p.defaultBudget === undefined) return;
  const form = thinkingForm(run);
  if (form === 'none' || form === 'unsupported') {
    if (p.defaultOn !== undefined) drop(run, 'enable_thinking', unexpressedReason(form, run));
    if (p.defaultBudget !== undefined) drop(run, 'thinking_budget', unexpressedReason(form, run));
    return;
  }
  // The caller's own top-level `enable_thinking` (a profile-vocabulary key) is a caller field too (applyCallerThinkingKeys).
  const callerSays = nativeThinking(run, run.original) ?? bool(own(run.original, 'enable_thinking'));
  if (p.defaultOn !== undefined && callerSays === undefined) {
    const budget =
      p.defaultOn && p.defaultBudget !== undefined && takesBudget(form) ? boundValue(run, 'thinking_budget', p.defaultBudget) : undefined;
    writeThinking(run, form, p.defaultOn, budget);
    markApplied(run, 'defaults', 'enable_thinking');
    if (p.defaultOn && p.defaultBudget !== undefined) {
      if (budget !== undefined) markApplied(run, 'defaults', 'thinking_budget');
      else drop(run, 'thinking_budget', budgetReason(form, run));
    }
    if (p.defaultOn) run.profileTurnedThinkingOn = true;
    return;
  }
  // The caller turned Anthropic thinking on without a budget: the default budget fills the gap (objects merge).
  const thinking = own(run.body, 'thinking');
  if (
    p.defaultBudget !== undefined &&
    form === 'anthropic' &&
    isPlainObject(thinking) &&
    thinking.type === 'enabled' &&
    !isSet(thinking, 'budget_tokens')
  ) {
    run.body.thinking = { ...thinking, budget_tokens: boundValue(run, 'thinking_budget', p.defaultBudget) };
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
  const form = thinkingForm(run);
  if (form === 'none' || form === 'unsupported') return;
  const callerBudget = finiteNumber(own(run.original, 'thinking_budget'));
  const budgetValue = callerBudget ?? p.defaultBudget;
  const budget = on && budgetValue !== undefined && takesBudget(form) ? boundValue(run, 'thinking_budget', budgetValue) : undefined;
  writeThinking(run, form, on, budget);
  if (on && callerBudget === undefined && budget !== undefined) markApplied(run, 'defaults', 'thinking_budget');
  delete run.body.enable_thinking;
  delete run.body.thinking_budget;
}

/**
 * Clamped `enable_thinking` / `thinking_budget`: they win over the caller's native thinking fields too. The
 * target's form is written when it does not already say the same; chat fields in the other form that disagree
 * are removed.
 */
export function applyThinkingClamp(run: ProfileRun): void {
  const p = readThinkingProfile(run);
  if (p.clampOn === undefined && p.clampBudget === undefined) return;
  const form = thinkingForm(run);
  const overrides = (on: boolean) => `clamp enable_thinking: ${on} overrides it`;

  if (p.clampOn === null) {
    if (removeAllThinking(run)) markApplied(run, 'clamp', 'enable_thinking');
    return;
  }
  if (form === 'none' || form === 'unsupported') {
    if (p.clampOn !== undefined) drop(run, 'enable_thinking', unexpressedReason(form, run));
    if (p.clampBudget !== undefined) drop(run, 'thinking_budget', unexpressedReason(form, run));
    if (form === 'none' && p.clampOn !== undefined && removeChatNatives(run, 'none', p.clampOn, overrides(p.clampOn))) {
      markApplied(run, 'clamp', 'enable_thinking');
    }
    return;
  }
  if (p.clampOn === undefined) {
    // Only a budget: it bounds thinking that is on, in whatever form the request carries it.
    if (p.clampBudget !== undefined && nativeThinking(run, run.body) === true) {
      if (setBudget(run, boundValue(run, 'thinking_budget', p.clampBudget))) markApplied(run, 'clamp', 'thinking_budget');
    }
    return;
  }

  const on = p.clampOn;
  const clampBudget = on && p.clampBudget !== undefined ? boundValue(run, 'thinking_budget', p.clampBudget) : undefined;
  if (formThinking(run, form) !== on) {
    const defaultBudget =
      on && clampBudget === undefined && p.defaultBudget !== undefined && takesBudget(form)
        ? boundValue(run, 'thinking_budget', p.defaultBudget)
        : undefined;
    writeThinking(run, form, on, clampBudget ?? defaultBudget);
    markApplied(run, 'clamp', 'enable_thinking');
    if (clampBudget !== undefined && takesBudget(form)) markApplied(run, 'clamp', 'thinking_budget');
    if (defaultBudget !== undefined) markApplied(run, 'defaults', 'thinking_budget');
    if (on && (p.clampBudget ?? p.defaultBudget) !== undefined && !takesBudget(form)) drop(run, 'thinking_budget', budgetReason(form, run));
  } else if (clampBudget !== undefined) {
    if (!takesBudget(form) && effortMeansOn(own(run.body, 'reasoning_effort')) !== true)
      drop(run, 'thinking_budget', budgetReason(form, run));
    else if (setBudget(run, clampBudget)) markApplied(run, 'clamp', 'thinking_budget');
  }
  if (isChatLike(run) && removeChatNatives(run, form, on, overrides(on))) markApplied(run, 'clamp', 'enable_thinking');
  if (on) run.profileTurnedThinkingOn = true;
}
