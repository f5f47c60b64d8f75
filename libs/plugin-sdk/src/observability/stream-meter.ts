import type { IrUsage } from '../ir/ir-response.js';
import type { SseEvent } from '../plugin/protocol-codec.js';

/**
 * Reads what metrics need off a stream's side copy, parsing as little as it can: events are
 * parsed until the first one carrying content (text, reasoning or a tool call); after that only
 * events that can carry usage are parsed. One per stream, made by the client protocol's
 * ProtocolUsage.meterStream.
 */
export interface StreamMeter {
  /** performance.now() of the first event carrying content, or null. */
  firstContentAt: number | null;
  usage: IrUsage | null;
  /** The stream carried an error event. */
  errored: boolean;
  event(e: SseEvent, now: number): void;
  /**
   * Once the first content was seen: whether this chunk of whole events may carry what the meter
   * still reads (usage, an error). Chunks that cannot are not parsed at all.
   */
  mayMatter(chunk: Buffer): boolean;
}

/** Whether `buf` has a `"<key>": {` member (an object value, not `null`); `key` includes its quotes. */
export function hasObjectMember(buf: Buffer, key: Buffer): boolean {
  for (let at = buf.indexOf(key); at >= 0; at = buf.indexOf(key, at + key.length)) {
    let i = at + key.length;
    while (buf[i] === 0x20) i++;
    if (buf[i] !== 0x3a) continue; // ':'
    i++;
    while (buf[i] === 0x20) i++;
    if (buf[i] === 0x7b) return true; // '{'
  }
  return false;
}

/**
 * A meter's `mayMatter` from the byte strings that mark what it still reads: whether a chunk holds
 * any of them. One regular-expression scan of the chunk read as latin1 (one character per byte, so
 * a byte string is found exactly where its bytes are) instead of a `Buffer.indexOf` per needle: a
 * native call each, about 4× the cost for a Responses event and its four needles.
 */
export function containsAny(needles: readonly Buffer[]): (chunk: Buffer) => boolean {
  if (needles.length === 0) return () => false;
  const anyOf = new RegExp(needles.map((n) => n.toString('latin1').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'));
  return (chunk) => anyOf.test(chunk.toString('latin1'));
}
