import { PROFILE_KEY_TYPES, type ProfileKey } from '../config/schema/profile-vocabulary.js';
import type { Protocol } from '../protocol.js';
import { cloneJson } from './json-values.js';
import type { ThinkingTarget } from './profile-types.js';

/** The vocabulary keys that map to plain body fields (thinking is handled by apply-thinking.ts). */
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
const asList = (value: unknown) => (typeof value === 'string' ? [value] : cloneJson(value));
const direct = (name: string): VocabularySlot => ({ write: name, fields: [name], convert: same });

const CHAT_MAX_TOKENS = ['max_tokens', 'max_completion_tokens'] as const;

/**
 * The slot a vocabulary key occupies in a body of `protocol`, or null when the protocol has no equivalent
 * (the key is then dropped and reported).
 *
 * openai.chat: same names; `max_tokens` shares its slot with `max_completion_tokens` and is written as
 * `max_completion_tokens` for OpenAI proper (thinking target `reasoning_effort`). openai.completions: same
 * names. anthropic.messages: `stop` → `stop_sequences` (a string becomes a list); no seed or penalties.
 * openai.responses: `max_tokens` → `max_output_tokens`; no stop, top_k, seed or penalties.
 * openai.embeddings: none.
 */
export function vocabularySlot(key: FieldKey, protocol: Protocol, thinking: ThinkingTarget): VocabularySlot | null {
  switch (protocol) {
    case 'openai.chat':
      if (key === 'max_tokens') {
        return {
          write: thinking === 'reasoning_effort' ? 'max_completion_tokens' : 'max_tokens',
          fields: CHAT_MAX_TOKENS,
          convert: same,
        };
      }
      return direct(key);
    case 'openai.completions':
      return direct(key);
    case 'anthropic.messages':
      switch (key) {
        case 'stop':
          return { write: 'stop_sequences', fields: ['stop_sequences'], convert: asList };
        case 'seed':
        case 'presence_penalty':
        case 'frequency_penalty':
          return null;
        default:
          return direct(key);
      }
    case 'openai.responses':
      switch (key) {
        case 'max_tokens':
          return direct('max_output_tokens');
        case 'temperature':
        case 'top_p':
          return direct(key);
        default:
          return null;
      }
    case 'openai.embeddings':
      return null;
  }
}

/** Why a vocabulary key is not sent in a protocol's body. */
export function noEquivalentReason(protocol: Protocol): string {
  return `${protocol} has no equivalent field`;
}
