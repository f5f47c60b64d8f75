/**
 * Helpers for the anthropic.messages codec tests: a CodecContext that records dropped fields,
 * replaying Anthropic SSE (fixtures or encoder output) through the stream decoder, and running
 * IR events through the stream encoder.
 */
import type { CodecContext, IrStreamEvent } from '@switchyard/kernel';
import { createAnthropicStreamDecoder, createAnthropicStreamEncoder } from '@switchyard/plugin-anthropic';
import { fixtureEvents } from './fake-upstream.js';
import { parseSse } from './sse.js';

export interface RecordingContext extends CodecContext {
  readonly droppedFields: string[];
}

export function codecContext(clientModel = 'client-model'): RecordingContext {
  const droppedFields: string[] = [];
  return { clientModel, requestId: 'req-test', droppedFields, dropped: (field: string) => void droppedFields.push(field) };
}

/** Anthropic SSE text → IR events through the stream decoder (end() included). */
export function decodeAnthropicSse(text: string, ctx: CodecContext = codecContext()): IrStreamEvent[] {
  const decoder = createAnthropicStreamDecoder(ctx);
  const out: IrStreamEvent[] = [];
  for (const e of parseSse(text)) out.push(...decoder.push({ event: e.event, data: e.data }));
  out.push(...decoder.end());
  return out;
}

/** A recorded `anthropic/*.chunks.txt` fixture, framed as Anthropic sends it. */
export function anthropicFixtureSse(name: string): string {
  return fixtureEvents(`anthropic/${name}`).join('');
}

/** IR events → Anthropic SSE text through the stream encoder (end() included). */
export function encodeAnthropicSse(events: readonly IrStreamEvent[], ctx: CodecContext = codecContext()): string {
  const encoder = createAnthropicStreamEncoder(ctx);
  let out = '';
  for (const e of events) out += encoder.push(e);
  return out + encoder.end();
}

/** JSON round trip: drops keys whose value is undefined, so deepEqual compares what a wire would carry. */
export function plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** `event: name` + parsed data of each SSE event. */
export function sseEventsOf(text: string): Array<{ event: string | undefined; data: Record<string, unknown> }> {
  return parseSse(text).map((e) => ({ event: e.event, data: JSON.parse(e.data) as Record<string, unknown> }));
}
