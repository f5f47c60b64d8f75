/** Where Ollama listens by default (https://github.com/ollama/ollama/blob/main/docs/api.md). */
export const OLLAMA_DEFAULT_BASE_URL = 'http://localhost:11434';

/** `base_url` (or Ollama's default) joined with an API path such as `/api/chat`. */
export function ollamaUrl(baseUrl: string | undefined, path: string): string {
  return `${(baseUrl ?? OLLAMA_DEFAULT_BASE_URL).replace(/\/+$/, '')}${path}`;
}
