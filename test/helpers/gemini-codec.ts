/**
 * Helpers for the google.generate-content codec tests: Gemini SSE (fixtures framed as Google
 * sends them, `data: <json>\r\n\r\n`) through the stream decoder, whole or in small slices
 * through the kernel's SSE parser.
 */
import { createSseParser, type CodecContext, type IrStreamEvent } from '@switchyard/kernel';
import { googleGenerateContentCodec } from '@switchyard/plugin-vertex';
import { fixtureEvents, frameSse } from './fake-upstream.js';
import { codecContext } from './anthropic-codec.js';

/** A recorded `gemini/*.chunks.txt` fixture as the bytes Google sends. */
export function geminiFixtureSse(name: string): string {
  return fixtureEvents(`gemini/${name}`).join('');
}

/** Gemini response chunks (objects) framed as `?alt=sse` sends them. */
export function geminiSse(chunks: object[]): string {
  return frameSse(chunks, 'gemini').join('');
}

/** SSE text → IR events through the Gemini stream decoder (end() included), fed in `slice`-byte pieces. */
export function decodeGeminiSse(text: string, ctx: CodecContext = codecContext(), slice = Infinity): IrStreamEvent[] {
  const decoder = googleGenerateContentCodec.createStreamDecoder!(ctx);
  const events: IrStreamEvent[] = [];
  const parser = createSseParser((e) => events.push(...decoder.push(e)));
  const bytes = Buffer.from(text);
  const step = Number.isFinite(slice) ? slice : bytes.length || 1;
  for (let at = 0; at < bytes.length; at += step) parser.feed(bytes.subarray(at, at + step));
  parser.end();
  events.push(...decoder.end());
  return events;
}
