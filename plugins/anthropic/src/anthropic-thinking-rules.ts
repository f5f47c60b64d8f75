import { claudeModelRules } from './claude-model-rules.js';

/** Anthropic's smallest accepted `budget_tokens` (https://platform.claude.com/docs/en/build-with-claude/extended-thinking). */
export const ANTHROPIC_MIN_THINKING_BUDGET = 1024;
/** The `budget_tokens` used when a profile turns thinking on without a `thinking_budget`. */
export const ANTHROPIC_DEFAULT_THINKING_BUDGET = 4096;

/**
 * Whether an Anthropic model accepts only adaptive thinking (`thinking: {type: adaptive}` with
 * `output_config.effort`): Claude 4.7 and later reject `{type: enabled, budget_tokens}` and `{type: disabled}`
 * (claudeModelRules: `claude-opus-4-7`, `claude-opus-4-7@20260101`, `claude-sonnet-5`, `claude-mythos-preview`;
 * `claude-3-7-sonnet-20250219` is 3.7, `claude-opus-4-20250514` 4.0). Unknown names: false.
 */
export function requiresAdaptiveThinking(model: string | undefined): boolean {
  return claudeModelRules(model).adaptiveOnly;
}
