import { PROFILE_KEY_TYPES, type ProfileKey } from '../config/schema/profile-vocabulary.js';
import { finiteNumber, isPlainObject, own, put } from './json-values.js';
import { isThinkingKey, isVocabularyKey } from './map-profile-vocabulary.js';
import { slotOf } from './profile-dialect.js';
import { markApplied, type ProfileRun } from './profile-run.js';

/**
 * A value bounded by `limits[key]` (out of range → the bound; integer fields get whole bounds). Records the key
 * in `applied.limits` when the value changed.
 */
export function boundValue(run: ProfileRun, key: string, value: number): number {
  const bound = own(run.limits, key);
  if (!isPlainObject(bound)) return value;
  const integer = isVocabularyKey(key) && PROFILE_KEY_TYPES[key as ProfileKey] === 'integer';
  let next = value;
  const min = finiteNumber(bound.min);
  const max = finiteNumber(bound.max);
  if (min !== undefined && next < min) next = integer ? Math.ceil(min) : min;
  if (max !== undefined && next > max) next = integer ? Math.floor(max) : max;
  if (next !== value) markApplied(run, 'limits', key);
  return next;
}

/**
 * `limits` bound the numeric fields the merged request carries, in the protocol's own field names (a limit on
 * max_tokens bounds an openai.chat caller's max_completion_tokens too); a budget the body carries in tokens is
 * bounded by its ProfileDialect. An absent field is not added.
 */
export function applyLimits(run: ProfileRun): void {
  const body = run.body;
  for (const key of Object.keys(run.limits)) {
    if (!isVocabularyKey(key)) continue;
    if (isThinkingKey(key)) {
      if (key === 'thinking_budget') run.dialect?.limitThinkingBudget?.(run);
      continue;
    }
    const slot = slotOf(run, key);
    if (!slot) continue;
    for (const field of slot.fields) {
      const value = finiteNumber(own(body, field));
      if (value === undefined) continue;
      const next = boundValue(run, key, value);
      if (next !== value) put(body, field, next);
    }
  }
}
