/**
 * The strict fakes' provider rules, dispatched by request path: a request the real provider would reject
 * gets that provider's error status and body instead of the scripted answer (strict is the fakes' only mode).
 */
import type { IncomingHttpHeaders } from 'node:http';
import { anthropicInvalidRequest, checkAnthropicMessagesRequest } from './check-anthropic-messages-request.js';
import { checkResponsesOrGeminiRequest } from './check-responses-or-gemini-request.js';
import type { ProviderRejection } from './provider-rejection.js';

export type { ProviderRejection } from './provider-rejection.js';

/** Vertex's Claude endpoint names the model in the URL; `count-tokens` is the token counter, not a generation. */
const VERTEX_CLAUDE = /\/publishers\/anthropic\/models\/([^/:]+):(?:rawPredict|streamRawPredict)$/;

function betasOf(headers: IncomingHttpHeaders): string[] {
  const raw = headers['anthropic-beta'];
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  return list.flatMap((v) => v.split(',').map((s) => s.trim())).filter(Boolean);
}

/** Anthropic Messages (`…/v1/messages`, Vertex `…/publishers/anthropic/models/M:rawPredict`). */
function checkAnthropic(path: string, body: unknown, headers: IncomingHttpHeaders): ProviderRejection | undefined {
  let model: string | undefined;
  if (!path.endsWith('/v1/messages')) {
    const vertex = VERTEX_CLAUDE.exec(path);
    if (!vertex || vertex[1] === 'count-tokens') return undefined;
    model = decodeURIComponent(vertex[1]!).replace(/@.*$/, '');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const message = checkAnthropicMessagesRequest(body as Record<string, unknown>, { model, betas: betasOf(headers) });
  return message === undefined ? undefined : { status: 400, body: anthropicInvalidRequest(message) };
}

/** The provider's rejection of a POST, or undefined when no rule applies or the request passes. */
export function checkProviderRequest(
  method: string,
  path: string,
  body: unknown,
  headers: IncomingHttpHeaders,
): ProviderRejection | undefined {
  if (method !== 'POST') return undefined;
  return checkAnthropic(path, body, headers) ?? checkResponsesOrGeminiRequest(method, path, body) ?? undefined;
}
