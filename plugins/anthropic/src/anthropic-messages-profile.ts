import {
  asNumber,
  boundValue,
  directSlot,
  dropProfileField as drop,
  effortForBudget,
  isFieldSet as isSet,
  isObject,
  listSlot,
  ownField as own,
  type FieldKey,
  type Json,
  type ProfileDialect,
  type ProfileRun,
  type ThinkingForm,
  type VocabularySlot,
} from '@switchyard/plugin-sdk';
import { ANTHROPIC_DEFAULT_THINKING_BUDGET, requiresAdaptiveThinking } from './anthropic-thinking-rules.js';
import { fitAnthropicThinkingBudget, stripAnthropicThinkingConflicts } from './fit-anthropic-thinking.js';
import { applyAnthropicSystemPrompt } from './apply-anthropic-system-prompt.js';

const objectOr = (value: unknown): Json => (isObject(value) ? value : {});

/** Thinking on/off as `thinking.type` says (`disabled` off, any other type on); undefined without one. */
function readAnthropicThinking(body: Json): boolean | undefined {
  const thinking = own(body, 'thinking');
  if (!isObject(thinking) || typeof thinking.type !== 'string') return undefined;
  return thinking.type !== 'disabled';
}

/** `thinking: {type: enabled, budget_tokens}` / `{type: disabled}`; a budget-less default is 4096 tokens. */
const ENABLED: ThinkingForm = {
  read: readAnthropicThinking,
  write(run, on, budget) {
    run.body.thinking = on ? { type: 'enabled', budget_tokens: budget ?? ANTHROPIC_DEFAULT_THINKING_BUDGET } : { type: 'disabled' };
  },
  lacksBudget(body) {
    const thinking = own(body, 'thinking');
    return isObject(thinking) && thinking.type === 'enabled' && !isSet(thinking, 'budget_tokens');
  },
};

/** Claude 4.7 and later: `thinking: {type: adaptive}` plus `output_config.effort`; off is `thinking` left out. */
const ADAPTIVE: ThinkingForm = {
  read: (body) => readAnthropicThinking(body) ?? false,
  write(run, on, budget) {
    const body = run.body;
    if (!on) {
      delete body.thinking;
      drop(run, 'enable_thinking', `${run.modelFamily} accepts only adaptive thinking; thinking is off by leaving \`thinking\` out`);
      return;
    }
    body.thinking = { type: 'adaptive' };
    const outputConfig = objectOr(own(body, 'output_config'));
    // Anthropic's effort also shapes the answer: a caller's effort stays unless a budget says otherwise.
    if (budget !== undefined || !isSet(outputConfig, 'effort')) body.output_config = { ...outputConfig, effort: effortForBudget(budget) };
  },
};

/** A budget for thinking already on: `budget_tokens` of enabled thinking, the effort of adaptive thinking. */
function setAnthropicThinkingBudget(run: ProfileRun, budget: number): boolean {
  const body = run.body;
  const thinking = objectOr(own(body, 'thinking'));
  if (thinking.type === 'enabled') {
    if (thinking.budget_tokens === budget) return false;
    body.thinking = { ...thinking, budget_tokens: budget };
    return true;
  }
  const effort = effortForBudget(budget);
  const outputConfig = objectOr(own(body, 'output_config'));
  if (thinking.type !== 'adaptive' || outputConfig.effort === effort) return false;
  body.output_config = { ...outputConfig, effort };
  return true;
}

/** `limits.thinking_budget` bounds `thinking.budget_tokens`. */
function limitAnthropicThinkingBudget(run: ProfileRun): void {
  const thinking = own(run.body, 'thinking');
  if (!isObject(thinking)) return;
  const budget = asNumber(own(thinking, 'budget_tokens'));
  if (budget === undefined) return;
  const next = boundValue(run, 'thinking_budget', budget);
  if (next !== budget) run.body.thinking = { ...thinking, budget_tokens: next };
}

/** `stop` → `stop_sequences` (a string becomes a list); no seed or penalties; the rest by their own names. */
function anthropicSlot(key: FieldKey): VocabularySlot | null {
  switch (key) {
    case 'stop':
      return listSlot('stop_sequences');
    case 'seed':
    case 'presence_penalty':
    case 'frequency_penalty':
      return null;
    default:
      return directSlot(key);
  }
}

/** The route profile's rules for `anthropic.messages` bodies (ProtocolCodec.profile), also for Claude on Vertex. */
export const anthropicMessagesProfile: ProfileDialect = {
  slot: anthropicSlot,
  readThinking: readAnthropicThinking,
  thinkingForm: (run) => (requiresAdaptiveThinking(run.modelFamily) ? ADAPTIVE : ENABLED),
  setThinkingBudget: setAnthropicThinkingBudget,
  removeThinking(run) {
    const had = isSet(run.body, 'thinking');
    delete run.body.thinking;
    return had;
  },
  limitThinkingBudget: limitAnthropicThinkingBudget,
  fit(run) {
    fitAnthropicThinkingBudget(run);
    stripAnthropicThinkingConflicts(run);
  },
  applySystemPrompt: applyAnthropicSystemPrompt,
};
