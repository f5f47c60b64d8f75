import { createParser, type EventSourceMessage, type EventSourceParser } from 'eventsource-parser';
import { Observable } from 'rxjs';
import type { SseEvent } from '../plugin/protocol-codec.js';

/** An event (or an unfinished line) larger than this is not buffered further. */
export const MAX_SSE_EVENT_BYTES = 8 * 1024 * 1024;

/** Whether `chunk` ends with a blank line (`\n\n` or `\r\n\r\n`): the end of a complete SSE event. */
export function endsAtEventBoundary(chunk: Buffer): boolean {
  const n = chunk.length;
  if (n < 2 || chunk[n - 1] !== 0x0a) return false;
  return chunk[n - 2] === 0x0a || (n >= 4 && chunk[n - 2] === 0x0d && chunk[n - 3] === 0x0a && chunk[n - 4] === 0x0d);
}

const LF_LF = Buffer.from('\n\n');
const CRLF_CRLF = Buffer.from('\r\n\r\n');

/** Index just past the last complete SSE event in `buf` (0 when none is complete). */
export function lastEventEnd(buf: Buffer): number {
  const lf = buf.lastIndexOf(LF_LF);
  const crlf = buf.lastIndexOf(CRLF_CRLF);
  return Math.max(lf < 0 ? 0 : lf + 2, crlf < 0 ? 0 : crlf + 4);
}

/** Calls `each` with every event of `buf` (complete events, each with its blank line; a last unfinished one as it is). */
export function forEachEventIn(buf: Buffer, each: (event: Buffer) => void): void {
  let from = 0;
  while (from < buf.length) {
    let next = buf.indexOf(LF_LF, from);
    let sep = 2;
    const crlf = buf.indexOf(CRLF_CRLF, from);
    if (crlf >= 0 && (next < 0 || crlf < next)) {
      next = crlf;
      sep = 4;
    }
    const stop = next < 0 ? buf.length : next + sep;
    each(buf.subarray(from, stop));
    from = stop;
  }
}

/**
 * Feeds a parser while bounding what it can hold: past `limit` bytes without a complete event,
 * the parser is reset (the oversized event is skipped) and `onOverflow` is told.
 */
function boundedFeeder(parser: EventSourceParser, limit: number, onOverflow?: () => void) {
  const decoder = new TextDecoder('utf-8');
  let sinceEvent = 0;
  return {
    eventSeen() {
      sinceEvent = 0;
    },
    feed(chunk: Buffer | string) {
      sinceEvent += chunk.length;
      if (sinceEvent > limit) {
        parser.reset();
        sinceEvent = 0;
        onOverflow?.();
        return;
      }
      parser.feed(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
    },
    end() {
      parser.feed(decoder.decode());
      parser.reset({ consume: true });
    },
  };
}

/**
 * Parses a byte stream into server-sent events with eventsource-parser (CRLF, `data:` with or
 * without the space, events split across reads, long lines), for observers and decoders.
 */
export function sseEvents(chunks$: Observable<Buffer>, limit = MAX_SSE_EVENT_BYTES): Observable<SseEvent> {
  return new Observable<SseEvent>((subscriber) => {
    let feeder: ReturnType<typeof boundedFeeder> | null = null;
    const parser = createParser({
      onEvent(message: EventSourceMessage) {
        feeder?.eventSeen();
        subscriber.next({ event: message.event, data: message.data, id: message.id });
      },
    });
    feeder = boundedFeeder(parser, limit);
    const f = feeder;
    const sub = chunks$.subscribe({
      next(chunk) {
        f.feed(chunk);
      },
      error(err) {
        subscriber.error(err);
      },
      complete() {
        f.end();
        subscriber.complete();
      },
    });
    return () => sub.unsubscribe();
  });
}

/**
 * A push-style SSE parser for code that is not Observable-based (stream decoders). An event over
 * `limit` bytes calls `onOverflow` (a translating stream fails: it cannot translate half an event).
 */
export function createSseParser(
  onEvent: (event: SseEvent) => void,
  onOverflow?: () => void,
  limit = MAX_SSE_EVENT_BYTES,
): { feed(chunk: Buffer | string): void; end(): void } {
  let feeder: ReturnType<typeof boundedFeeder> | null = null;
  const parser = createParser({
    onEvent: (m) => {
      feeder?.eventSeen();
      onEvent({ event: m.event, data: m.data, id: m.id });
    },
  });
  feeder = boundedFeeder(parser, limit, onOverflow);
  return feeder;
}
