import { endsAtEventBoundary, forEachEventIn, lastEventEnd, type ChunkRewriter } from '@switchyard/plugin-sdk';

const EMPTY_CHOICES = Buffer.from('"choices":[]');
const USAGE_OBJECT = Buffer.from('"usage":{');
/** The usage chunk is small; an unfinished event larger than this is forwarded, not held. */
const MAX_HELD = 64 * 1024;

function isUsageOnlyEvent(event: Buffer): boolean {
  return event.indexOf(EMPTY_CHOICES) >= 0 && event.indexOf(USAGE_OBJECT) >= 0;
}

/**
 * Removes the OpenAI usage-only chunk (`"choices":[]` with a usage object) that the gateway
 * asked for itself with `stream_options.include_usage`, without re-serialising anything: whole
 * events are forwarded as they are, and only an incomplete trailing event is held until its end
 * arrives (upstreams write whole events, so in practice nothing waits).
 */
export function createOpenAIUsageChunkStripper(): ChunkRewriter {
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
    forEachEventIn(complete, (event) => {
      if (!removed && isUsageOnlyEvent(event)) removed = true;
      else kept.push(event);
    });
    return kept.length === 1 ? kept[0]! : Buffer.concat(kept);
  };
}
