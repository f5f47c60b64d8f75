import { GatewayError } from '../errors/gateway-error.js';
import type { SseEvent, StreamFramer, StreamFraming } from '../plugin/protocol-codec.js';
import { MAX_SSE_EVENT_BYTES } from './sse-events.js';

const LF = 0x0a;
const CR = 0x0d;

/**
 * Newline-delimited JSON (one JSON value a line, https://github.com/ndjson/ndjson-spec) → one
 * event a line, its `data` the line's text (no `event` name; a trailing `\r` and blank lines are
 * dropped; the decoder parses the JSON). Lines are cut on bytes, so a character split across
 * reads is whole. A line longer than `limit` bytes throws (a 502: a translating stream cannot
 * translate half an object); a last line without its newline is an event at end().
 */
export function createNdjsonFramer(onEvent: (event: SseEvent) => void, limit = MAX_SSE_EVENT_BYTES): StreamFramer {
  let pending: Buffer = Buffer.alloc(0);
  const emit = (line: Buffer): void => {
    const end = line.length > 0 && line[line.length - 1] === CR ? line.length - 1 : line.length;
    const text = line.toString('utf8', 0, end);
    if (text.trim().length > 0) onEvent({ data: text });
  };
  const tooLong = (): GatewayError =>
    GatewayError.badGateway(`the backend sent a stream line larger than ${limit} bytes`, 'upstream_malformed');
  return {
    feed(chunk: Buffer) {
      let buf = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      let nl: number;
      while ((nl = buf.indexOf(LF)) >= 0) {
        if (nl > limit) throw tooLong();
        emit(buf.subarray(0, nl));
        buf = buf.subarray(nl + 1);
      }
      if (buf.length > limit) throw tooLong();
      pending = Buffer.from(buf);
    },
    end() {
      const last = pending;
      pending = Buffer.alloc(0);
      if (last.length > 0) emit(last);
    },
  };
}

/**
 * The NDJSON framing for a codec whose backend streams one JSON object a line
 * (ProtocolCodec.streamFraming), under the media type its replies carry, such as
 * `application/x-ndjson`.
 */
export function ndjsonFraming(contentType: string, limit = MAX_SSE_EVENT_BYTES): StreamFraming {
  return { contentType, createFramer: (onEvent) => createNdjsonFramer(onEvent, limit) };
}
