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

const USAGE_KEY = Buffer.from('"usage"');
const isSpace = (c: number | undefined): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/**
 * The text of the last `"usage": {…}` object in a JSON body, found by bytes (an unescaped
 * `"usage"` is always a key), or null. Replies put usage last, so this reads a few hundred bytes
 * instead of parsing the whole body.
 */
function lastUsageObject(body: Buffer): string | null {
  const at = body.lastIndexOf(USAGE_KEY);
  if (at < 0) return null;
  let i = at + USAGE_KEY.length;
  while (isSpace(body[i])) i++;
  if (body[i] !== 0x3a) return null; // ':'
  i++;
  while (isSpace(body[i])) i++;
  if (body[i] !== 0x7b) return null; // '{'
  let depth = 0;
  let inString = false;
  for (let j = i; j < body.length; j++) {
    const c = body[j];
    if (inString) {
      if (c === 0x5c) j++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b) depth++;
    else if (c === 0x7d && --depth === 0) return body.toString('utf8', i, j + 1);
  }
  return null;
}

function parseObject(text: string): Json | undefined {
  try {
    return obj(JSON.parse(text));
  } catch {
    return undefined;
  }
}

/** The usage a complete (non-streamed) response body reports, in the ingress protocol's shape. */
export function readResponseUsage(protocol: Protocol, body: Buffer): IrUsage | null {
  const slice = lastUsageObject(body);
  const u = slice !== null ? parseObject(slice) : obj(parseObject(body.toString('utf8'))?.usage);
  if (!u) return null;
  if (protocol === 'anthropic.messages') return usageFromAnthropic(u);
  if (protocol === 'openai.responses') return usageFromResponses(u);
  return usageFromOpenAI(u);
}
