import {
  adjustProfileField as adjust,
  asNumber,
  dropProfileField as drop,
  isObject,
  ownField as own,
  unmarkApplied as unmark,
  type Json,
  type ProfileRun,
} from '@switchyard/plugin-sdk';
import { ANTHROPIC_MIN_THINKING_BUDGET } from './anthropic-thinking-rules.js';

const mentions = (run: ProfileRun, key: string) =>
  Object.hasOwn(run.defaults, key) || Object.hasOwn(run.clamp, key) || Object.hasOwn(run.limits, key);

/**
 * Anthropic's `budget_tokens` must be at least 1024 and strictly below `max_tokens`. When the profile touched
 * thinking or max_tokens, a budget is raised to 1024, lowered to max_tokens - 1, or — when max_tokens leaves no
 * room for 1024 — thinking is not enabled (reported in `dropped`).
 */
export function fitAnthropicThinkingBudget(run: ProfileRun): void {
  if (!['enable_thinking', 'thinking_budget', 'max_tokens'].some((key) => mentions(run, key))) return;
  const body = run.body;
  const thinking = own(body, 'thinking');
  if (!isObject(thinking) || thinking.type !== 'enabled') return;
  const budget = asNumber(own(thinking, 'budget_tokens'));
  if (budget === undefined) return;
  const maxTokens = asNumber(own(body, 'max_tokens'));
  let next = budget;
  if (next < ANTHROPIC_MIN_THINKING_BUDGET) {
    next = ANTHROPIC_MIN_THINKING_BUDGET;
    adjust(run, 'thinking_budget', `raised from ${budget} to ${next}, Anthropic's minimum`);
  }
  if (maxTokens !== undefined && next >= maxTokens) {
    if (maxTokens - 1 < ANTHROPIC_MIN_THINKING_BUDGET) {
      delete body.thinking;
      unmarkThinking(run);
      drop(
        run,
        'enable_thinking',
        `thinking not enabled: max_tokens ${maxTokens} leaves no room for Anthropic's minimum thinking budget of ${ANTHROPIC_MIN_THINKING_BUDGET} (the budget must be below max_tokens)`,
      );
      return;
    }
    adjust(run, 'thinking_budget', `lowered from ${next} to ${maxTokens - 1}: it must be below max_tokens (${maxTokens})`);
    next = maxTokens - 1;
  }
  if (next !== budget) body.thinking = { ...thinking, budget_tokens: next };
}

function unmarkThinking(run: ProfileRun): void {
  unmark(run, 'enable_thinking');
  unmark(run, 'thinking_budget');
  run.profileTurnedThinkingOn = false;
}

const FORCED_TOOL_CHOICES: ReadonlySet<unknown> = new Set(['any', 'tool']);

/**
 * With Anthropic thinking on, temperature and top_k are not sent, top_p only between 0.95 and 1 (never with
 * adaptive thinking), and a forced tool_choice (`any`, `tool`) becomes `auto`. When the profile turned thinking
 * on, this applies to every such field; when the caller did, only to fields the profile wrote.
 */
export function stripAnthropicThinkingConflicts(run: ProfileRun): void {
  const body = run.body;
  const thinking = own(body, 'thinking');
  if (!isObject(thinking) || (thinking.type !== 'enabled' && thinking.type !== 'adaptive')) return;
  const adaptive = thinking.type === 'adaptive';
  const ours = (key: string) => run.profileTurnedThinkingOn || run.written.has(key);
  const remove = (key: string, reason: string) => {
    if (body[key] !== null) drop(run, key, reason);
    delete body[key];
    unmark(run, key);
  };

  for (const key of ['temperature', 'top_k']) {
    if (Object.hasOwn(body, key) && ours(key)) remove(key, 'Anthropic does not accept it with thinking on');
  }
  if (Object.hasOwn(body, 'top_p') && ours('top_p')) {
    const topP = body.top_p;
    if (adaptive) remove('top_p', 'Anthropic does not accept it with adaptive thinking');
    else if (!(typeof topP === 'number' && topP >= 0.95 && topP <= 1))
      remove('top_p', 'with thinking on Anthropic accepts top_p only from 0.95 to 1');
  }
  const toolChoice = own(body, 'tool_choice');
  if (isObject(toolChoice) && FORCED_TOOL_CHOICES.has(toolChoice.type) && ours('tool_choice')) {
    const { name: _name, ...rest }: Json = toolChoice;
    body.tool_choice = { ...rest, type: 'auto' };
    drop(run, 'tool_choice', `a forced tool_choice (${String(toolChoice.type)}) is not allowed with thinking on; sent as auto`);
  }
}
