/** Small guards over parsed JSON, shared by the anthropic.messages decoders and encoders. */

export { isObject, parseJson, type Json } from '@switchyard/plugin-sdk';
export { asString as str, asNumber as num } from '@switchyard/plugin-sdk';
import { isObject, type Json } from '@switchyard/plugin-sdk';

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
