import { PROFILE_KEY_TYPES, type ProfileKey } from '../config/schema/profile-vocabulary.js';
import type { Protocol } from '../protocol.js';
import { cloneJson } from './json-values.js';

/**
 * The vocabulary keys that map to plain body fields (thinking is handled by apply-thinking.ts); where each one
 * lives in a protocol's body is that protocol's ProfileDialect.slot.
 */
export type FieldKey = Exclude<ProfileKey, 'enable_thinking' | 'thinking_budget'>;

/** Where one vocabulary key lives in a protocol's body. */
export interface VocabularySlot {
  /** The field a profile writes when the caller set none of `fields`. */
  write: string;
  /** The caller's fields that occupy the slot, any of which beats a default. */
  fields: readonly string[];
  /** The value as the protocol writes it (always a fresh copy). */
  convert: (value: unknown) => unknown;
}

export function isVocabularyKey(key: string): key is ProfileKey {
  return Object.hasOwn(PROFILE_KEY_TYPES, key);
}

/** A vocabulary key that maps to a plain body field (not a thinking key). */
export function isFieldKey(key: string): key is FieldKey {
  return isVocabularyKey(key) && !isThinkingKey(key);
}

export function isThinkingKey(key: string): key is 'enable_thinking' | 'thinking_budget' {
  return key === 'enable_thinking' || key === 'thinking_budget';
}

const same = (value: unknown) => cloneJson(value);

/** A slot written as `write` and occupied by any of `fields` (default: `write` alone); the value is copied as it is. */
export function directSlot(write: string, fields: readonly string[] = [write]): VocabularySlot {
  return { write, fields, convert: same };
}

/** A slot whose field takes a list: a string value becomes a one-item list (`stop: "x"` → `["x"]`). */
export function listSlot(write: string): VocabularySlot {
  return { write, fields: [write], convert: (value) => (typeof value === 'string' ? [value] : cloneJson(value)) };
}

/** Why a vocabulary key is not sent in a protocol's body. */
export function noEquivalentReason(protocol: Protocol): string {
  return `${protocol} has no equivalent field`;
}
