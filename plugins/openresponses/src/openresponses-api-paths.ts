/** OpenAI's own Responses API when a backend sets no base_url. */
export const OPENRESPONSES_DEFAULT_BASE_URL = 'https://api.openai.com/v1';
export const OPENRESPONSES_RESPONSES_PATH = '/v1/responses';
export const OPENRESPONSES_MODELS_PATH = '/v1/models';
