import type { IrUsage } from '../ir/ir-response.js';
import type { SseEvent } from '../plugin/protocol-codec.js';
import type { Protocol } from '../protocol.js';
import { hasErrorMarker } from '../stream/watch-stream-errors.js';
import { usageFromAnthropic, usageFromOpenAI, usageFromResponses } from './read-usage.js';

type Json = Record<string, unknown>;

/**
 * Reads what metrics need off a stream's side copy, parsing as little as it can: events are
 * parsed until the first one carrying content (text, reasoning or a tool call); after that only
 * events that can carry usage are parsed.
 */
export interface StreamMeter {
  /** performance.now() of the first event carrying content, or null. */
  firstContentAt: number | null;
  usage: IrUsage | null;
  /** The stream carried an error event. */
  errored: boolean;
  event(e: SseEvent, now: number): void;
  /**
   * Once the first content was seen: whether this chunk of whole events may carry what the meter
   * still reads (usage, an error). Chunks that cannot are not parsed at all.
   */
  mayMatter(chunk: Buffer): boolean;
}

const USAGE_KEY = Buffer.from('"usage"');

/** Whether `buf` has a `"<key>": {` member (an object value, not `null`). */
function hasObjectMember(buf: Buffer, key: Buffer): boolean {
  for (let at = buf.indexOf(key); at >= 0; at = buf.indexOf(key, at + key.length)) {
    let i = at + key.length;
    while (buf[i] === 0x20) i++;
    if (buf[i] !== 0x3a) continue; // ':'
    i++;
    while (buf[i] === 0x20) i++;
    if (buf[i] === 0x7b) return true; // '{'
  }
  return false;
}

/** A meter's `mayMatter` from the byte strings that mark what it still reads. */
function containsAny(needles: readonly Buffer[]): (chunk: Buffer) => boolean {
  return (chunk) => {
    for (const n of needles) if (chunk.indexOf(n) >= 0) return true;
    return false;
  };
}

function parse(data: string): Json | null {
  try {
    const v = JSON.parse(data) as unknown;
    return typeof v === 'object' && v !== null ? (v as Json) : null;
  } catch {
    return null;
  }
}

const nonEmpty = (v: unknown): boolean => (typeof v === 'string' ? v.length > 0 : Array.isArray(v) ? v.length > 0 : false);

function openAIChunkHasContent(chunk: Json): boolean {
  const choices = chunk.choices;
  if (!Array.isArray(choices)) return false;
  for (const c of choices as Json[]) {
    const d = (c?.delta ?? c) as Json | undefined;
    if (!d) continue;
    if (nonEmpty(d.content) || nonEmpty(d.reasoning_content) || nonEmpty(d.reasoning) || nonEmpty(d.tool_calls) || nonEmpty(d.text))
      return true;
  }
  return false;
}

class OpenAIStreamMeter implements StreamMeter {
  firstContentAt: number | null = null;
  usage: IrUsage | null = null;
  errored = false;

  event(e: SseEvent, now: number): void {
    const data = e.data;
    if (data === '[DONE]') return;
    // OpenAI and DeepSeek put `"usage":null` on every chunk: that one carries no usage either.
    if (this.firstContentAt !== null && !data.includes('"error"') && (!data.includes('"usage"') || data.includes('"usage":null'))) return;
    const chunk = parse(data);
    if (!chunk) return;
    if (chunk.error) this.errored = true;
    if (this.firstContentAt === null && openAIChunkHasContent(chunk)) this.firstContentAt = now;
    const u = chunk.usage;
    if (typeof u === 'object' && u !== null) this.usage = usageFromOpenAI(u as Json);
  }

  mayMatter(chunk: Buffer): boolean {
    return hasObjectMember(chunk, USAGE_KEY) || hasErrorMarker(chunk);
  }
}

const ANTHROPIC_CONTENT = new Set(['content_block_delta']);

class AnthropicStreamMeter implements StreamMeter {
  firstContentAt: number | null = null;
  usage: IrUsage | null = null;
  errored = false;

  event(e: SseEvent, now: number): void {
    const type = e.event;
    if (this.firstContentAt === null && type && ANTHROPIC_CONTENT.has(type)) this.firstContentAt = now;
    if (type === 'error') this.errored = true;
    if (type !== 'message_start' && type !== 'message_delta') {
      if (this.firstContentAt === null && type === 'content_block_start' && e.data.includes('"tool_use"')) this.firstContentAt = now;
      return;
    }
    const json = parse(e.data);
    const u = (type === 'message_start' ? (json?.message as Json | undefined)?.usage : json?.usage) as Json | undefined;
    if (u) this.usage = usageFromAnthropic(u, this.usage);
  }

  readonly mayMatter = containsAny([Buffer.from('message_delta'), Buffer.from('message_start'), Buffer.from('error')]);
}

const RESPONSES_CONTENT = /^response\.(output_text|reasoning_text|reasoning_summary_text|function_call_arguments|refusal)\.delta$/;

class ResponsesStreamMeter implements StreamMeter {
  firstContentAt: number | null = null;
  usage: IrUsage | null = null;
  errored = false;

  event(e: SseEvent, now: number): void {
    const type = e.event ?? '';
    if (this.firstContentAt === null && RESPONSES_CONTENT.test(type)) this.firstContentAt = now;
    if (type === 'error' || type === 'response.failed') this.errored = true;
    if (type !== 'response.completed' && type !== 'response.incomplete' && type !== 'response.failed') return;
    const u = (parse(e.data)?.response as Json | undefined)?.usage as Json | undefined;
    if (u) this.usage = usageFromResponses(u);
  }

  readonly mayMatter = containsAny([
    Buffer.from('response.completed'),
    Buffer.from('response.incomplete'),
    Buffer.from('response.failed'),
    Buffer.from('error'),
  ]);
}

export function createStreamMeter(protocol: Protocol): StreamMeter {
  switch (protocol) {
    case 'anthropic.messages':
      return new AnthropicStreamMeter();
    case 'openai.responses':
      return new ResponsesStreamMeter();
    default:
      return new OpenAIStreamMeter();
  }
}
