export const ANTHROPIC_DEFAULT_BASE_URL = 'https://api.anthropic.com';
export const ANTHROPIC_MESSAGES_PATH = '/v1/messages';
export const ANTHROPIC_COUNT_TOKENS_PATH = '/v1/messages/count_tokens';
export const ANTHROPIC_MODELS_PATH = '/v1/models';
/** Sent as `anthropic-version` when neither the client nor the backend's config says otherwise. */
export const ANTHROPIC_DEFAULT_VERSION = '2023-06-01';
/** `max_tokens` when neither the request, a profile nor the backend's `default_max_tokens` sets it. */
export const ANTHROPIC_FALLBACK_MAX_TOKENS = 4096;
