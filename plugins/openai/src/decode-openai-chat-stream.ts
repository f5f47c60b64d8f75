import type { CodecContext, IrStreamEvent, SseEvent, StreamDecoder } from '@switchyard/plugin-sdk';
import { usageFromOpenAI } from './read-openai-usage.js';
import { decodeOpenAIFinishReason } from './map-openai-finish-reason.js';
import { decodeOpenAIStreamError } from './map-openai-stream-error.js';
import { asArray, asNumber, asObject, asString, type Json } from './read-openai-chat-json.js';

interface ToolCallState {
  id?: string;
  name?: string;
  started: boolean;
  ended: boolean;
  /** Arguments that arrived before the call's name (started once the name is known). */
  pending: string;
  thoughtSignature?: string;
}

/**
 * OpenAI-compatible `chat.completion.chunk` events as IR events: `start` from the first chunk,
 * text and reasoning deltas (`reasoning_content` or `reasoning`; `thinking_blocks` entries give
 * signatures and redacted blocks), tool calls by index (a call ends when the next one starts or at
 * finish), `finish`, and `usage` from any chunk that carries it (after the finish when both share a chunk); an `{"error":...}` chunk becomes an
 * error event and ends decoding. `[DONE]` is ignored; a stream that ends without a finish is an error.
 */
export class OpenAIChatStreamDecoder implements StreamDecoder {
  private started = false;
  private finished = false;
  private failed = false;
  private sawDone = false;
  private reasoningOpen = false;
  private readonly calls = new Map<number, ToolCallState>();
  private lastIndex: number | null = null;

  push(event: SseEvent): IrStreamEvent[] {
    if (this.failed) return [];
    const data = event.data.trim();
    if (data === '[DONE]') {
      this.sawDone = true;
      return [];
    }
    if (data === '') return [];
    let chunk: Json | undefined;
    try {
      chunk = asObject(JSON.parse(data));
    } catch {
      chunk = undefined;
    }
    if (!chunk)
      return this.fail({ type: 'error', status: 502, errorType: 'upstream', message: 'the backend sent a stream event that is not JSON' });
    const error = asObject(chunk.error);
    if (error) return this.fail(decodeOpenAIStreamError(error));
    const out: IrStreamEvent[] = [];
    if (!this.started) {
      this.started = true;
      const start: IrStreamEvent = { type: 'start', id: asString(chunk.id) ?? '', model: asString(chunk.model) ?? '' };
      const created = asNumber(chunk.created);
      if (created !== undefined) start.created = created;
      out.push(start);
    }
    const choice = firstChoice(asArray(chunk.choices));
    const delta = asObject(choice?.delta);
    if (delta) this.decodeDelta(delta, out);
    const reason = choice?.finish_reason;
    if (typeof reason === 'string' && !this.finished) {
      this.closeOpen(out);
      this.finished = true;
      out.push({ type: 'finish', reason: decodeOpenAIFinishReason(reason), rawReason: reason });
    }
    // After the finish, as OpenAI itself orders them (its usage chunk follows the finish chunk).
    const usage = asObject(chunk.usage);
    if (usage) out.push({ type: 'usage', usage: usageFromOpenAI(usage) });
    return out;
  }

  end(): IrStreamEvent[] {
    if (this.failed || this.finished) return [];
    if (!this.sawDone) {
      return this.fail({ type: 'error', status: 502, errorType: 'upstream', message: 'the backend ended the stream before it finished' });
    }
    const out: IrStreamEvent[] = [];
    this.closeOpen(out);
    this.finished = true;
    out.push({ type: 'finish', reason: 'other' });
    return out;
  }

  private fail(event: IrStreamEvent): IrStreamEvent[] {
    this.failed = true;
    return [event];
  }

  private decodeDelta(delta: Json, out: IrStreamEvent[]): void {
    const reasoning = asString(delta.reasoning_content) || asString(delta.reasoning);
    if (reasoning) {
      this.reasoningOpen = true;
      out.push({ type: 'reasoning_delta', text: reasoning });
    }
    const blocks = asArray(delta.thinking_blocks);
    for (let i = 0; blocks && i < blocks.length; i++) {
      const block = asObject(blocks[i]);
      const signature = block?.type === 'thinking' ? asString(block.signature) : undefined;
      const redactedData = block?.type === 'redacted_thinking' ? asString(block.data) : undefined;
      if (signature) out.push({ type: 'reasoning_delta', signature });
      else if (redactedData) out.push({ type: 'reasoning_delta', redactedData });
      else continue;
      out.push({ type: 'reasoning_end' });
      this.reasoningOpen = false;
    }
    const text = asString(delta.content);
    if (text) {
      this.endReasoning(out);
      out.push({ type: 'text_delta', text });
    }
    const calls = asArray(delta.tool_calls);
    for (let position = 0; calls && position < calls.length; position++) {
      const tc = asObject(calls[position]);
      if (tc) this.decodeToolCall(tc, asNumber(tc.index) ?? position, out);
    }
  }

  private decodeToolCall(tc: Json, index: number, out: IrStreamEvent[]): void {
    this.endReasoning(out);
    let call = this.calls.get(index);
    if (!call) {
      // OpenAI streams calls one after another: a new index ends the previous call.
      if (this.lastIndex !== null) this.endCall(this.lastIndex, out);
      call = { started: false, ended: false, pending: '' };
      this.calls.set(index, call);
      this.lastIndex = index;
    }
    const fn = asObject(tc.function);
    call.id ??= asString(tc.id) || undefined;
    call.name ??= asString(fn?.name) || undefined;
    call.thoughtSignature ??= asString(asObject(asObject(tc.extra_content)?.google)?.thought_signature);
    call.pending += asString(fn?.arguments) ?? '';
    if (!call.started && call.name) {
      call.started = true;
      const start: IrStreamEvent = { type: 'tool_call_start', index, id: call.id ?? `call_${index}`, name: call.name };
      if (call.thoughtSignature) start.providerMetadata = { google: { thoughtSignature: call.thoughtSignature } };
      out.push(start);
    }
    if (call.started && call.pending) {
      out.push({ type: 'tool_call_delta', index, argumentsDelta: call.pending });
      call.pending = '';
    }
  }

  private endCall(index: number, out: IrStreamEvent[]): void {
    const call = this.calls.get(index);
    if (!call || call.ended || !call.started) return;
    call.ended = true;
    out.push({ type: 'tool_call_end', index });
  }

  private endReasoning(out: IrStreamEvent[]): void {
    if (!this.reasoningOpen) return;
    this.reasoningOpen = false;
    out.push({ type: 'reasoning_end' });
  }

  private closeOpen(out: IrStreamEvent[]): void {
    this.endReasoning(out);
    for (const index of this.calls.keys()) this.endCall(index, out);
  }
}

/** The choice with index 0 (an entry without an index counts as 0), as an object; loops rather than a closure per chunk. */
function firstChoice(choices: unknown[] | undefined): Json | undefined {
  if (!choices) return undefined;
  for (const c of choices) if ((asObject(c)?.index ?? 0) === 0) return asObject(c);
  return undefined;
}

export const createOpenAIChatStreamDecoder = (_ctx: CodecContext): StreamDecoder => new OpenAIChatStreamDecoder();
