import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { Observable } from 'rxjs';
import type { SseEvent } from '../plugin/protocol-codec.js';

/**
 * Parses a byte stream into server-sent events with eventsource-parser (CRLF, `data:` with or
 * without the space, events split across reads, long lines), for observers and decoders.
 */
export function sseEvents(chunks$: Observable<Buffer>): Observable<SseEvent> {
  return new Observable<SseEvent>((subscriber) => {
    const decoder = new TextDecoder('utf-8');
    const parser = createParser({
      onEvent(message: EventSourceMessage) {
        subscriber.next({ event: message.event, data: message.data, id: message.id });
      },
    });
    const sub = chunks$.subscribe({
      next(chunk) {
        parser.feed(decoder.decode(chunk, { stream: true }));
      },
      error(err) {
        subscriber.error(err);
      },
      complete() {
        parser.feed(decoder.decode());
        parser.reset({ consume: true });
        subscriber.complete();
      },
    });
    return () => sub.unsubscribe();
  });
}

/** A push-style SSE parser for code that is not Observable-based (stream decoders). */
export function createSseParser(onEvent: (event: SseEvent) => void): { feed(chunk: Buffer | string): void; end(): void } {
  const decoder = new TextDecoder('utf-8');
  const parser = createParser({
    onEvent: (m) => onEvent({ event: m.event, data: m.data, id: m.id }),
  });
  return {
    feed(chunk) {
      parser.feed(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
    },
    end() {
      parser.feed(decoder.decode());
      parser.reset({ consume: true });
    },
  };
}
