import { FORBIDDEN_PROFILE_KEYS } from '@switchyard/plugin-sdk';
import { deepEqual, isPlainObject, isFieldSet as isSet, ownField as own, put } from '@switchyard/plugin-sdk';
import { isFieldKey, isThinkingKey, noEquivalentReason, type FieldKey } from '@switchyard/plugin-sdk';
import { slotOf } from '@switchyard/plugin-sdk';
import { cloneProfileValue, mergeOver, mergeUnder } from './merge-profile-values.js';
import { dropProfileField as drop, markApplied, type ProfileRun } from '@switchyard/plugin-sdk';

const FORBIDDEN: ReadonlySet<string> = new Set(FORBIDDEN_PROFILE_KEYS);

/** Removes the caller's `null`s from the fields of a slot the profile touches: a null counts as not set and is not sent. */
function removeNulls(run: ProfileRun, fields: readonly string[], except: readonly string[] = []): void {
  for (const field of fields) {
    if (Object.hasOwn(run.body, field) && run.body[field] === null && !except.includes(field)) delete run.body[field];
  }
}

/**
 * `defaults` under the caller's fields: a default is written only where the caller set nothing (or `null`) in
 * the same slot; objects merge deeply with the caller's. Thinking keys are left to apply-thinking.ts.
 */
export function applyDefaults(run: ProfileRun): void {
  for (const [key, value] of Object.entries(run.defaults)) {
    if (value === null || value === undefined || FORBIDDEN.has(key) || isThinkingKey(key)) continue;
    if (isFieldKey(key)) defaultVocabularyField(run, key, value);
    else defaultNativeField(run, key, value);
  }
}

function defaultVocabularyField(run: ProfileRun, key: FieldKey, value: unknown): void {
  const slot = slotOf(run, key);
  if (!slot) return drop(run, key, noEquivalentReason(run.protocol));
  const occupied = slot.fields.some((field) => isSet(run.body, field));
  // The written field keeps the place of a caller's null in it (key order is preserved).
  removeNulls(run, slot.fields, occupied ? [] : [slot.write]);
  if (occupied) return;
  put(run.body, slot.write, slot.convert(value));
  run.written.add(slot.write);
  markApplied(run, 'defaults', key);
}

function defaultNativeField(run: ProfileRun, key: string, value: unknown): void {
  const current = own(run.body, key);
  let next: unknown;
  if (current === undefined || current === null) next = cloneProfileValue(value);
  else if (isPlainObject(current) && isPlainObject(value)) next = mergeUnder(value, current);
  else return;
  if (next === current) return;
  put(run.body, key, next);
  run.written.add(key);
  markApplied(run, 'defaults', key);
}

/** `clamp` over everything: its values always win; a `null` removes the field. */
export function applyClamp(run: ProfileRun): void {
  for (const [key, value] of Object.entries(run.clamp)) {
    if (value === undefined || FORBIDDEN.has(key) || isThinkingKey(key)) continue;
    if (isFieldKey(key)) clampVocabularyField(run, key, value);
    else clampNativeField(run, key, value);
  }
}

function clampVocabularyField(run: ProfileRun, key: FieldKey, value: unknown): void {
  const slot = slotOf(run, key);
  if (!slot) {
    if (value !== null) drop(run, key, noEquivalentReason(run.protocol));
    return;
  }
  const body = run.body;
  if (value === null) {
    let removed = false;
    for (const field of slot.fields) {
      if (!Object.hasOwn(body, field)) continue;
      if (body[field] !== null) removed = true;
      delete body[field];
    }
    if (removed) markApplied(run, 'clamp', key);
    return;
  }
  // A clamp applies to whichever field of the slot the request carries (e.g. the caller's max_completion_tokens).
  const present = slot.fields.filter((field) => isSet(body, field));
  const targets = present.length > 0 ? present : [slot.write];
  removeNulls(run, slot.fields, targets);
  let changed = false;
  for (const field of targets) {
    const next = slot.convert(value);
    run.written.add(field);
    if (deepEqual(own(body, field), next)) continue;
    put(body, field, next);
    changed = true;
  }
  if (changed) markApplied(run, 'clamp', key);
}

function clampNativeField(run: ProfileRun, key: string, value: unknown): void {
  const body = run.body;
  const current = own(body, key);
  if (value === null) {
    if (!Object.hasOwn(body, key)) return;
    delete body[key];
    if (current !== null) markApplied(run, 'clamp', key);
    return;
  }
  const next = isPlainObject(current) && isPlainObject(value) ? mergeOver(current, value) : cloneProfileValue(value);
  run.written.add(key);
  if (next === current || deepEqual(current, next)) return;
  put(body, key, next);
  markApplied(run, 'clamp', key);
}
