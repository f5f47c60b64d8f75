/**
 * Drivers for a plugin's protocol codec, without a gateway: feed recorded SSE bytes through a
 * stream decoder, IR events through a stream encoder, and get a CodecContext that records what a
 * codec reported as dropped.
 *
 *   const events = decodeSse(myCodec, fixtureEvents('my-provider/text.chunks.txt'));
 *   assert.deepEqual(events.at(-1), { type: 'finish', reason: 'stop', rawReason: 'stop' });
 */
import type { IrStreamEvent } from '../ir/ir-stream-event.js';
import type { CodecContext, ProtocolCodec, SseEvent, StreamDecoder, StreamEncoder } from '../plugin/protocol-codec.js';
import { createSseParser } from '../stream/sse-events.js';

/** A CodecContext for tests: `droppedFields` lists every field the codec said it could not express. */
export interface TestCodecContext extends CodecContext {
  readonly droppedFields: string[];
}

export function testCodecContext(overrides: Partial<Omit<CodecContext, 'dropped'>> = {}): TestCodecContext {
  const droppedFields: string[] = [];
  return {
    clientModel: 'test-model',
    requestId: 'test-request',
    ...overrides,
    droppedFields,
    dropped(field: string) {
      droppedFields.push(field);
    },
  };
}

function decoderOf(source: ProtocolCodec | StreamDecoder, ctx: CodecContext): StreamDecoder {
  if ('push' in source) return source;
  if (!source.createStreamDecoder) throw new Error(`codec ${source.protocol} has no stream decoder (backend side)`);
  return source.createStreamDecoder(ctx);
}

function encoderOf(source: ProtocolCodec | StreamEncoder, ctx: CodecContext): StreamEncoder {
  if ('push' in source) return source;
  if (!source.createStreamEncoder) throw new Error(`codec ${source.protocol} has no stream encoder (client side)`);
  return source.createStreamEncoder(ctx);
}

/** Parses SSE text (one string, or the framed events of `fixtureEvents` / `frameSse`) into events. */
export function parseSseEvents(sse: string | readonly string[]): SseEvent[] {
  const events: SseEvent[] = [];
  const parser = createSseParser((e) => events.push(e));
  for (const piece of typeof sse === 'string' ? [sse] : sse) parser.feed(piece);
  parser.end();
  return events;
}

/**
 * The IR events a backend-side stream decoder makes of an upstream's SSE bytes, exactly as the
 * kernel drives it (one `push` per event, then `end`).
 */
export function decodeSse(
  codec: ProtocolCodec | StreamDecoder,
  sse: string | readonly string[],
  ctx: CodecContext = testCodecContext(),
): IrStreamEvent[] {
  const decoder = decoderOf(codec, ctx);
  const out: IrStreamEvent[] = [];
  for (const event of parseSseEvents(sse)) out.push(...decoder.push(event));
  out.push(...decoder.end());
  return out;
}

/** The SSE text a client-side stream encoder writes for IR events (one `push` each, then `end`). */
export function encodeSse(
  codec: ProtocolCodec | StreamEncoder,
  events: readonly IrStreamEvent[],
  ctx: CodecContext = testCodecContext(),
): string {
  const encoder = encoderOf(codec, ctx);
  let out = '';
  for (const event of events) out += encoder.push(event);
  return out + encoder.end();
}

/** The JSON payloads of SSE text, skipping the `[DONE]` sentinel that ends some protocols' streams. */
export function sseData<T = Record<string, unknown>>(sse: string | readonly string[]): T[] {
  return parseSseEvents(sse)
    .filter((e) => e.data !== '[DONE]')
    .map((e) => JSON.parse(e.data) as T);
}
