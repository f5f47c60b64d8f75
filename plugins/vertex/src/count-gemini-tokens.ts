import { GatewayError } from '@switchyard/plugin-sdk';
import type { Json } from './gemini-json.js';

/**
 * A count_tokens request, translated to a generateContent body, as Vertex AI's `countTokens`
 * request: the prompt fields it takes (`contents`, `systemInstruction`, `tools`).
 * https://cloud.google.com/vertex-ai/generative-ai/docs/model-reference/count-tokens
 */
export function geminiCountTokensBody(body: Json): Json {
  const out: Json = { contents: body.contents ?? [] };
  if (body.systemInstruction !== undefined) out.systemInstruction = body.systemInstruction;
  if (body.tools !== undefined) out.tools = body.tools;
  return out;
}

/** Vertex's countTokens reply (`{totalTokens, totalBillableCharacters}`) as Anthropic's (`{input_tokens}`). */
export function countTokensFromGemini(backendId: string): (reply: unknown) => { input_tokens: number } {
  return (reply) => {
    const total = (reply as { totalTokens?: unknown } | null)?.totalTokens;
    if (typeof total !== 'number') throw GatewayError.badGateway(`backend ${backendId} answered countTokens without totalTokens`);
    return { input_tokens: total };
  };
}
