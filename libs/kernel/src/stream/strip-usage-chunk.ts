import type { ChunkRewriter } from './observed-stream.js';
import { endsAtEventBoundary } from './sse-events.js';

const LF_LF = Buffer.from('\n\n');
const CRLF_CRLF = Buffer.from('\r\n\r\n');
const EMPTY_CHOICES = Buffer.from('"choices":[]');
const USAGE_OBJECT = Buffer.from('"usage":{');
/** The usage chunk is small; an unfinished event larger than this is forwarded, not held. */
const MAX_HELD = 64 * 1024;

/** Index just past the last complete SSE event in `buf` (0 when none is complete). */
function lastEventEnd(buf: Buffer): number {
  const lf = buf.lastIndexOf(LF_LF);
  const crlf = buf.lastIndexOf(CRLF_CRLF);
  return Math.max(lf < 0 ? 0 : lf + 2, crlf < 0 ? 0 : crlf + 4);
}

function isUsageOnlyEvent(event: Buffer): boolean {
  return event.indexOf(EMPTY_CHOICES) >= 0 && event.indexOf(USAGE_OBJECT) >= 0;
}

/**
 * Removes the OpenAI usage-only chunk (`"choices":[]` with a usage object) that the gateway
 * asked for itself with `stream_options.include_usage`, without re-serialising anything: whole
 * events are forwarded as they are, and only an incomplete trailing event is held until its end
 * arrives (upstreams write whole events, so in practice nothing waits).
 */
export function createUsageChunkStripper(): ChunkRewriter {
  let carry: Buffer | null = null;
  let removed = false;
  return (chunk: Buffer): Buffer => {
    const buf = carry ? Buffer.concat([carry, chunk]) : chunk;
    carry = null;
    if (chunk.length === 0) return buf; // flush: send whatever was held
    if (removed) return buf;
    // The usual read: whole events. Nothing to hold, and one search tells whether to look closer.
    const end = endsAtEventBoundary(buf) ? buf.length : lastEventEnd(buf);
    if (end < buf.length && buf.length - end > MAX_HELD) {
      // Not an SSE stream of small events (or a giant one): forward as is, never buffer without bound.
      return buf;
    }
    if (end < buf.length) {
      carry = Buffer.from(buf.subarray(end));
      if (end === 0) return Buffer.alloc(0);
    }
    const complete = end < buf.length ? buf.subarray(0, end) : buf;
    if (complete.indexOf(EMPTY_CHOICES) < 0) return complete;
    // Split into events only in the rare chunk that may hold the usage event.
    const kept: Buffer[] = [];
    let from = 0;
    while (from < complete.length) {
      let next = complete.indexOf(LF_LF, from);
      let sep = 2;
      const crlf = complete.indexOf(CRLF_CRLF, from);
      if (crlf >= 0 && (next < 0 || crlf < next)) {
        next = crlf;
        sep = 4;
      }
      const stop = next < 0 ? complete.length : next + sep;
      const event = complete.subarray(from, stop);
      if (!removed && isUsageOnlyEvent(event)) removed = true;
      else kept.push(event);
      from = stop;
    }
    return kept.length === 1 ? kept[0]! : Buffer.concat(kept);
  };
}

/** Applies rewriters in order (undefined ones skipped); an empty chunk flushes each in turn. */
export function chainRewriters(...rewriters: Array<ChunkRewriter | undefined>): ChunkRewriter | undefined {
  const list = rewriters.filter((r): r is ChunkRewriter => r !== undefined);
  if (list.length <= 1) return list[0];
  const empty = Buffer.alloc(0);
  return (chunk: Buffer): Buffer => {
    if (chunk.length === 0) {
      let pending: Buffer = empty;
      for (const r of list) {
        const passed = pending.length > 0 ? r(pending) : empty;
        const flushed = r(empty);
        pending = flushed.length === 0 ? passed : passed.length === 0 ? flushed : Buffer.concat([passed, flushed]);
      }
      return pending;
    }
    let out = chunk;
    for (const r of list) {
      if (out.length === 0) break;
      out = r(out);
    }
    return out;
  };
}
