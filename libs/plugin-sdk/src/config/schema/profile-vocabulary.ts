/**
 * The one vocabulary profiles use whatever the ingress (SPEC §2 "Profiles"). Any other key is
 * provider-native and written verbatim into the upstream body.
 */
export const PROFILE_KEY_TYPES = {
  temperature: 'number',
  top_p: 'number',
  top_k: 'integer',
  max_tokens: 'integer',
  stop: 'stop',
  seed: 'integer',
  presence_penalty: 'number',
  frequency_penalty: 'number',
  enable_thinking: 'boolean',
  thinking_budget: 'integer',
} as const;

export type ProfileKey = keyof typeof PROFILE_KEY_TYPES;

/** Keys a profile may never set: they belong to the caller and the router. */
export const FORBIDDEN_PROFILE_KEYS = ['model', 'messages', 'input', 'stream'] as const;

/** Keys `limits` can bound: the numeric part of the vocabulary. */
export const LIMITABLE_KEYS = [
  'temperature',
  'top_p',
  'top_k',
  'max_tokens',
  'presence_penalty',
  'frequency_penalty',
  'thinking_budget',
  'seed',
] as const;
