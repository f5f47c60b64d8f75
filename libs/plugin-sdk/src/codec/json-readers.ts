import { GatewayError } from '../errors/gateway-error.js';

/**
 * Small readers for untyped wire JSON, shared by every protocol codec: type guards, and checked
 * reads of request fields that name the field in a 400.
 */
export type Json = Record<string, unknown>;

export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
export const asObject = (v: unknown): Json | undefined => (isObject(v) ? v : undefined);
export const asString = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
export const asArray = (v: unknown): unknown[] | undefined => (Array.isArray(v) ? v : undefined);
export const asNumber = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** A number field of a request body: absent or null → undefined; anything else but a number → 400 naming it. */
export function numberField(body: Json, key: string): number | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw GatewayError.invalidRequest(`${key}: expected a number`, key);
  return v;
}

export function booleanField(body: Json, key: string): boolean | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw GatewayError.invalidRequest(`${key}: expected true or false`, key);
  return v;
}

export function stringField(body: Json, key: string): string | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw GatewayError.invalidRequest(`${key}: expected a string`, key);
  return v;
}

/** `data:<media type>;base64,<data>` split apart, or null for any other URL. */
export function parseDataUrl(url: string): { mediaType: string; data: string } | null {
  const m = /^data:([^;,]*)(?:;[^,]*)?;base64,/i.exec(url);
  if (!m) return null;
  return { mediaType: m[1] || 'application/octet-stream', data: url.slice(m[0].length) };
}

export const toDataUrl = (mediaType: string, data: string): string => `data:${mediaType};base64,${data}`;

/** `JSON.parse` that returns undefined instead of throwing. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
