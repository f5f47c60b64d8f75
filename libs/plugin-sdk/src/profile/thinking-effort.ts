export type ThinkingEffort = 'low' | 'medium' | 'high';

/**
 * The effort that stands for `enable_thinking: true` where a protocol takes an effort level rather than a token
 * budget (a chat body's `reasoning_effort`, Responses `reasoning.effort`, adaptive thinking's effort): `medium`,
 * or from a thinking budget ≤ 1024 `low`, ≤ 8192 `medium`, above `high`. Off is `minimal` where an effort says it.
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
