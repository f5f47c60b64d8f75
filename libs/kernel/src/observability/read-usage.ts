import type { IrUsage } from '../ir/ir-response.js';
import type { Protocol } from '../protocol.js';

type Json = Record<string, unknown>;

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const obj = (v: unknown): Json | undefined => (typeof v === 'object' && v !== null ? (v as Json) : undefined);

/** OpenAI chat / completions / embeddings `usage`. */
export function usageFromOpenAI(u: Json): IrUsage {
  return {
    inputTokens: num(u.prompt_tokens) ?? 0,
    outputTokens: num(u.completion_tokens) ?? 0,
    cachedInputTokens: num(obj(u.prompt_tokens_details)?.cached_tokens),
    reasoningTokens: num(obj(u.completion_tokens_details)?.reasoning_tokens),
  };
}

/** Anthropic `usage`: input counts cache reads and cache writes too; reasoning is `output_tokens_details.thinking_tokens`. */
export function usageFromAnthropic(u: Json, previous?: IrUsage | null): IrUsage {
  const cacheRead = num(u.cache_read_input_tokens);
  const cacheWrite = num(u.cache_creation_input_tokens);
  const input = num(u.input_tokens);
  return {
    inputTokens: input !== undefined ? input + (cacheRead ?? 0) + (cacheWrite ?? 0) : (previous?.inputTokens ?? 0),
    outputTokens: num(u.output_tokens) ?? previous?.outputTokens ?? 0,
    cachedInputTokens: cacheRead ?? previous?.cachedInputTokens,
    cacheCreationInputTokens: cacheWrite ?? previous?.cacheCreationInputTokens,
    reasoningTokens: num(obj(u.output_tokens_details)?.thinking_tokens) ?? previous?.reasoningTokens,
  };
}

/** Responses API `usage`. */
export function usageFromResponses(u: Json): IrUsage {
  return {
    inputTokens: num(u.input_tokens) ?? 0,
    outputTokens: num(u.output_tokens) ?? 0,
    cachedInputTokens: num(obj(u.input_tokens_details)?.cached_tokens),
    reasoningTokens: num(obj(u.output_tokens_details)?.reasoning_tokens),
  };
}

/** The usage a complete (non-streamed) response body reports, in the ingress protocol's shape. */
export function readResponseUsage(protocol: Protocol, body: Buffer): IrUsage | null {
  let json: Json;
  try {
    json = JSON.parse(body.toString('utf8')) as Json;
  } catch {
    return null;
  }
  const u = obj(json?.usage);
  if (!u) return null;
  if (protocol === 'anthropic.messages') return usageFromAnthropic(u);
  if (protocol === 'openai.responses') return usageFromResponses(u);
  return usageFromOpenAI(u);
}
