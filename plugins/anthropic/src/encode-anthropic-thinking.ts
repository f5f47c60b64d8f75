import { effortForBudget, type IrThinking } from '@switchyard/plugin-sdk';
import { ANTHROPIC_MIN_THINKING_BUDGET } from './anthropic-thinking-rules.js';
import { claudeModelRules } from './claude-model-rules.js';

/** `budget_tokens` for an effort: low 1024, medium 4096, high 16384 (`minimal` counts as low). */
export const ANTHROPIC_EFFORT_BUDGETS: Readonly<Record<string, number>> = { minimal: 1024, low: 1024, medium: 4096, high: 16384 };

export type AnthropicThinking =
  | { kind: 'off' }
  | { kind: 'enabled'; budgetTokens: number }
  | { kind: 'adaptive'; effort: 'low' | 'medium' | 'high' }
  /** Thinking was asked for, but max_tokens leaves no room for Anthropic's minimum budget. */
  | { kind: 'no_room'; maxTokens: number };

/**
 * IR thinking in the form the model accepts (SPEC §2): Claude 4.7 and later take only
 * `{type: adaptive}` with `output_config.effort`; earlier models `{type: enabled, budget_tokens}`
 * with the budget from `budgetTokens` or the effort, at least 1024 and below max_tokens (when
 * max_tokens is known; otherwise the adapter fits it once it fills in the backend's default).
 */
export function planAnthropicThinking(thinking: IrThinking | undefined, model: string, maxTokens: number | undefined): AnthropicThinking {
  if (!thinking?.enabled) return { kind: 'off' };
  if (claudeModelRules(model).adaptiveOnly) {
    const effort =
      thinking.effort && thinking.effort !== 'minimal'
        ? thinking.effort
        : thinking.effort === 'minimal'
          ? 'low'
          : effortForBudget(thinking.budgetTokens);
    return { kind: 'adaptive', effort };
  }
  let budget = thinking.budgetTokens ?? ANTHROPIC_EFFORT_BUDGETS[thinking.effort ?? 'medium']!;
  budget = Math.max(ANTHROPIC_MIN_THINKING_BUDGET, Math.floor(budget));
  if (maxTokens !== undefined && budget >= maxTokens) {
    if (maxTokens - 1 < ANTHROPIC_MIN_THINKING_BUDGET) return { kind: 'no_room', maxTokens };
    budget = maxTokens - 1;
  }
  return { kind: 'enabled', budgetTokens: budget };
}
