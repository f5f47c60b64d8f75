import type { Message, MessageHeaders } from '@smithy/core/event-streams';
import { asString, GatewayError, isObject, parseJson, type SseEvent, type StreamFramer, type StreamFraming } from '@switchyard/plugin-sdk';
import { awsModules } from './aws-modules.js';

/** The media type of ConverseStream's reply body (the AWS binary event stream). */
export const AWS_EVENT_STREAM = 'application/vnd.amazon.eventstream';

/** The event name a decoder sees for an exception or error message (its type is in the payload's `type`). */
export const BEDROCK_STREAM_EXCEPTION = 'exception';

function header(headers: MessageHeaders, name: string): string | undefined {
  const h = headers[name];
  return h?.type === 'string' ? h.value : undefined;
}

/** A message larger than this (the event stream's own limit is 16 MiB of payload) is refused. */
const MAX_MESSAGE_BYTES = 24 * 1024 * 1024;

/**
 * The AWS event stream (length-prefixed, CRC-checked binary messages) → named events. Each
 * message is decoded, its CRCs checked and its headers read by the Smithy codec the AWS SDK
 * decodes with (EventStreamCodec.decode); this function only cuts the bytes at each message's
 * 4-byte total length, as the SDK's getChunkedStream does (that one is async-iterator-only and
 * the kernel's framer is fed synchronously). An `event` message becomes `{event: <:event-type>,
 * data: <payload>}`; an `exception` message (`:exception-type`) or an `error` message
 * (`:error-code`, `:error-message`) becomes `{event: 'exception', data: {"type", "message"}}`.
 * A bad CRC or a truncated stream throws (the translating stream then fails with a 502).
 */
export function createBedrockEventStreamFramer(onEvent: (event: SseEvent) => void): StreamFramer {
  // Loaded by the request's signing, before any reply (and so any framer) exists.
  const { EventStreamCodec, toUtf8, fromUtf8 } = awsModules();
  const codec = new EventStreamCodec(toUtf8, fromUtf8);
  let pending: Buffer = Buffer.alloc(0);
  const emit = (bytes: Buffer): void => {
    let message: Message;
    try {
      message = codec.decode(bytes);
    } catch (err) {
      throw GatewayError.badGateway(`the backend sent a malformed event stream message: ${(err as Error).message}`, 'upstream_malformed');
    }
    onEvent(namedEvent(message, toUtf8));
  };
  return {
    feed(chunk: Buffer) {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      while (pending.length >= 4) {
        const total = pending.readUInt32BE(0);
        if (total < 16 || total > MAX_MESSAGE_BYTES)
          throw GatewayError.badGateway(`the backend sent an event stream message of ${total} bytes`, 'upstream_malformed');
        if (pending.length < total) break;
        const message = pending.subarray(0, total);
        pending = pending.subarray(total);
        emit(message);
      }
    },
    end() {
      if (pending.length > 0) throw GatewayError.badGateway('the backend ended its event stream inside a message', 'upstream_malformed');
    },
  };
}

/** One decoded message as the event the stream decoder reads. */
function namedEvent(message: Message, toUtf8: (bytes: Uint8Array) => string): SseEvent {
  const headers = message.headers;
  const payload = toUtf8(message.body);
  const messageType = header(headers, ':message-type') ?? 'event';
  if (messageType === 'event') return { event: header(headers, ':event-type') ?? '', data: payload };
  if (messageType === 'exception') {
    const parsed = parseJson(payload);
    const text = isObject(parsed) ? (asString(parsed.message) ?? asString(parsed.Message)) : payload;
    return {
      event: BEDROCK_STREAM_EXCEPTION,
      data: JSON.stringify({ type: header(headers, ':exception-type') ?? 'exception', message: text }),
    };
  }
  return {
    event: BEDROCK_STREAM_EXCEPTION,
    data: JSON.stringify({ type: header(headers, ':error-code') ?? 'error', message: header(headers, ':error-message') }),
  };
}

/** ConverseStream's framing for the kernel (ProtocolCodec.streamFraming). */
export const bedrockEventStreamFraming: StreamFraming = {
  contentType: AWS_EVENT_STREAM,
  createFramer: createBedrockEventStreamFramer,
};
