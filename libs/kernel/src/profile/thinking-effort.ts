/** Anthropic's smallest accepted `budget_tokens`. */
export const ANTHROPIC_MIN_THINKING_BUDGET = 1024;
/** The `budget_tokens` used when a profile turns thinking on without a `thinking_budget`. */
export const ANTHROPIC_DEFAULT_THINKING_BUDGET = 4096;

export type ThinkingEffort = 'low' | 'medium' | 'high';

/**
 * The effort that stands for `enable_thinking: true` where a protocol takes an effort (OpenAI `reasoning_effort`,
 * Responses `reasoning.effort`, Anthropic adaptive thinking): `medium`, or from a thinking budget ≤ 1024 `low`,
 * ≤ 8192 `medium`, above `high`. `enable_thinking: false` is `minimal` (OpenAI and Responses).
 */
export function effortForBudget(budget?: number): ThinkingEffort {
  if (budget === undefined) return 'medium';
  if (budget <= 1024) return 'low';
  if (budget <= 8192) return 'medium';
  return 'high';
}

/** Whether an effort value means thinking on (`none` and `minimal` mean off); undefined when it is not a string. */
export function effortMeansOn(effort: unknown): boolean | undefined {
  if (typeof effort !== 'string') return undefined;
  return effort !== 'none' && effort !== 'minimal';
}

const CLAUDE_VERSION = /claude-(?:(?:opus|sonnet|haiku)-)?(\d+)(?:[-.](\d{1,2})(?!\d))?/i;

/**
 * Whether an Anthropic model accepts only adaptive thinking (`thinking: {type: adaptive}` with
 * `output_config.effort`): Claude 4.7 and later reject `{type: enabled, budget_tokens}` and `{type: disabled}`.
 * Reads the version from names such as `claude-opus-4-7`, `claude-opus-4-7@20260101`, `claude-sonnet-5`,
 * `claude-3-7-sonnet-20250219` (3.7), `claude-opus-4-20250514` (4.0). Unknown names: false.
 */
export function requiresAdaptiveThinking(model: string | undefined): boolean {
  if (!model) return false;
  const match = CLAUDE_VERSION.exec(model);
  if (!match) return false;
  const major = Number(match[1]);
  const minor = match[2] === undefined ? 0 : Number(match[2]);
  return major > 4 || (major === 4 && minor >= 7);
}
