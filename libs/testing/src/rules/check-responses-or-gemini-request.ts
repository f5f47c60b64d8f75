/**
 * The strict fakes' Responses and Gemini rules, chosen by the request path: `POST …/responses`
 * (OpenAI Responses) and `…/models/MODEL:generateContent` / `:streamGenerateContent` (Gemini on
 * Vertex AI or the Gemini API). Other paths pass.
 */
import { checkGeminiRequest } from './check-gemini-request.js';
import { checkOpenAiResponsesRequest } from './check-openai-responses-request.js';
import type { ProviderRejection } from './provider-rejection.js';

const GEMINI_METHOD = /\/models\/([^/:]+):(?:generateContent|streamGenerateContent)$/;

export function checkResponsesOrGeminiRequest(method: string, path: string, body: unknown): ProviderRejection | null {
  if (method !== 'POST') return null;
  if (/\/responses$/.test(path)) return checkOpenAiResponsesRequest(body);
  const gemini = GEMINI_METHOD.exec(path);
  if (gemini) return checkGeminiRequest(body, decodeURIComponent(gemini[1]!));
  return null;
}
