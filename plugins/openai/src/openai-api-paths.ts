import type { Protocol } from '@switchyard/plugin-sdk';

/** The OpenAI API path of each protocol an OpenAI-compatible server speaks. */
export const OPENAI_API_PATHS: Partial<Record<Protocol, string>> = {
  'openai.chat': '/v1/chat/completions',
  'openai.completions': '/v1/completions',
  'openai.embeddings': '/v1/embeddings',
};

export const OPENAI_MODELS_PATH = '/v1/models';

export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';
