import { createParser, type EventSourceMessage } from 'eventsource-parser';

/** One server-sent event: `event` is undefined when the server sent no `event:` line. */
export interface SseMessage {
  event: string | undefined;
  data: string;
  id?: string;
}

/** Anything a response body can be read from: a fetch Response, a web stream, a Node stream, an async iterable. */
export type ByteSource =
  | string
  | Uint8Array
  | Response
  | ReadableStream<Uint8Array>
  | AsyncIterable<Uint8Array | string>
  | NodeJS.ReadableStream
  | null
  | undefined;

function iterableOf(source: ByteSource): AsyncIterable<Uint8Array | string> {
  if (source === null || source === undefined) return (async function* () {})();
  if (typeof source === 'string' || source instanceof Uint8Array) {
    const whole = source;
    return (async function* () {
      yield whole;
    })();
  }
  if (typeof Response !== 'undefined' && source instanceof Response) return iterableOf(source.body);
  return source as AsyncIterable<Uint8Array | string>;
}

/** Reads a body to the end and returns all its bytes. */
export async function collectBytes(source: ByteSource): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of iterableOf(source)) {
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  }
  return Buffer.concat(chunks);
}

/** Reads a body to the end as UTF-8 text. */
export async function collectText(source: ByteSource): Promise<string> {
  return (await collectBytes(source)).toString('utf8');
}

function toMessage(m: EventSourceMessage): SseMessage {
  const out: SseMessage = { event: m.event, data: m.data };
  if (m.id !== undefined) out.id = m.id;
  return out;
}

/** Parses complete SSE text (CRLF or LF framing) into events; a trailing unterminated event is kept. */
export function parseSse(text: string): SseMessage[] {
  const events: SseMessage[] = [];
  const parser = createParser({ onEvent: (m) => events.push(toMessage(m)) });
  parser.feed(text);
  parser.reset({ consume: true });
  return events;
}

/** Reads an SSE body to the end into an array of `{event, data}`. */
export async function readSse(source: ByteSource): Promise<SseMessage[]> {
  const events: SseMessage[] = [];
  const parser = createParser({ onEvent: (m) => events.push(toMessage(m)) });
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of iterableOf(source)) {
    parser.feed(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
  }
  parser.feed(decoder.decode());
  parser.reset({ consume: true });
  return events;
}

/** Yields SSE events as they arrive (for tests that act mid-stream). */
export async function* iterateSse(source: ByteSource): AsyncGenerator<SseMessage> {
  const queue: SseMessage[] = [];
  const parser = createParser({ onEvent: (m) => queue.push(toMessage(m)) });
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of iterableOf(source)) {
    parser.feed(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
    while (queue.length) yield queue.shift()!;
  }
  parser.feed(decoder.decode());
  parser.reset({ consume: true });
  while (queue.length) yield queue.shift()!;
}

/** The JSON payloads of SSE events, skipping the `[DONE]` sentinel that ends some protocols' streams. */
export function sseJson<T = Record<string, unknown>>(events: readonly SseMessage[]): T[] {
  return events.filter((e) => e.data !== '[DONE]').map((e) => JSON.parse(e.data) as T);
}
