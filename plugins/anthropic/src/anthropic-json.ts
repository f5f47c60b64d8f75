/** Small guards over parsed JSON, shared by the anthropic.messages decoders and encoders. */

export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** `JSON.parse` that returns undefined instead of throwing. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The `cache_control` of a block, as IR provider metadata (`{ anthropic: { cacheControl } }`). */
export function cacheControlMetadata(block: Json): { anthropic: Json } | undefined {
  const cc = block.cache_control;
  return isObject(cc) ? { anthropic: { cacheControl: cc } } : undefined;
}

/** The `cache_control` an IR part carries for Anthropic, if any. */
export function cacheControlOf(providerMetadata: Record<string, Record<string, unknown>> | undefined): Json | undefined {
  const cc = providerMetadata?.anthropic?.cacheControl;
  return isObject(cc) ? cc : undefined;
}
