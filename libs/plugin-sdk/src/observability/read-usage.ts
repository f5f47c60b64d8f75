import type { IrUsage } from '../ir/ir-response.js';
import type { ChunkRewriter } from '../stream/observed-stream.js';
import type { StreamMeter } from './stream-meter.js';

type Json = Record<string, unknown>;

/**
 * Token usage and stream metering in one wire protocol (ProtocolCodec.usage), read off the bytes
 * its clients receive (metrics, journal). Owned by the package of that protocol.
 */
export interface ProtocolUsage {
  /** The usage a complete (non-streamed) reply body reports, or null. Called off the request path. */
  readBody(body: Buffer): IrUsage | null;
  /** A new meter for one streamed reply: the kernel feeds it the stream's events as they pass. */
  meterStream(): StreamMeter;
  /**
   * For a backend whose plugin sets `streamUsageOption`: the body asking the upstream for usage on
   * a stream whose client did not say whether it wants it, or null for no change (the client
   * decided). On passthrough the kernel then removes that usage from what the client receives with
   * `stripStreamUsage`.
   */
  requestStreamUsage?(body: Record<string, unknown>): Record<string, unknown> | null;
  /** A rewriter removing the usage `requestStreamUsage` asked for from a passed-through stream. */
  stripStreamUsage?(): ChunkRewriter;
}

const USAGE_KEY = Buffer.from('"usage"');
const isSpace = (c: number | undefined): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
const obj = (v: unknown): Json | undefined => (typeof v === 'object' && v !== null ? (v as Json) : undefined);

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

/** A JSON text's value when it is an object, else null (never throws). */
export function parseJsonObject(text: string): Json | null {
  try {
    return obj(JSON.parse(text)) ?? null;
  } catch {
    return null;
  }
}

/**
 * The `usage` object of a complete JSON reply: the last `"usage": {…}` member, read by bytes (the
 * whole body is parsed only when that slice is not one), or null. For ProtocolUsage.readBody of
 * protocols that carry usage under that key.
 */
export function readUsageObject(body: Buffer): Json | null {
  const slice = lastUsageObject(body);
  if (slice !== null) return parseJsonObject(slice);
  return obj(parseJsonObject(body.toString('utf8'))?.usage) ?? null;
}

/** A finite number, else undefined (for usage readers). */
export const usageNumber = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** An object member, else undefined (for usage readers). */
export const usageObject = (v: unknown): Json | undefined => obj(v);
