import type { ErrorDialect } from '@switchyard/kernel';

/** Anthropic clients get Anthropic errors; everything else (unknown paths too) the OpenAI envelope. */
export function errorDialectForUrl(url: string): ErrorDialect {
  const q = url.indexOf('?');
  const path = q >= 0 ? url.slice(0, q) : url;
  return path === '/v1/messages' || path.startsWith('/v1/messages/') || path === '/messages' || path.startsWith('/messages/')
    ? 'anthropic'
    : 'openai';
}
