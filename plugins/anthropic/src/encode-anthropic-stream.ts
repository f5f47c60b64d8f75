import type { CodecContext, IrFinishReason, IrStreamEvent, IrUsage, StreamEncoder } from '@switchyard/plugin-sdk';
import type { Json } from './anthropic-json.js';
import { anthropicMessageId } from './encode-anthropic-response.js';
import { anthropicErrorType } from './map-anthropic-error.js';
import { encodeAnthropicStopReason } from './map-anthropic-stop-reason.js';
import { encodeAnthropicUsage } from './map-anthropic-usage.js';

/** One SSE event in Anthropic's framing: the event name is the payload's `type`. */
export function anthropicSseEvent(payload: Json & { type: string }): string {
  return `event: ${payload.type}\ndata: ${JSON.stringify(payload)}\n\n`;
}

type OpenBlock = { index: number; kind: 'text' } | { index: number; kind: 'thinking' } | { index: number; kind: 'tool'; toolIndex: number };

/**
 * IR events → Anthropic's SSE stream, event by event (client side), in the exact order
 * Anthropic sends: message_start; per content block content_block_start, its deltas,
 * content_block_stop (indexes from 0, one block open at a time); message_delta with the
 * stop_reason and the cumulative usage; message_stop. A failure is `event: error` with
 * Anthropic's envelope, and nothing after it.
 *
 * message_delta is written when the stream ends (usage may follow the finish in other
 * protocols' streams, e.g. OpenAI's usage chunk), so it always carries the final counts.
 */
export class AnthropicStreamEncoder implements StreamEncoder {
  private started = false;
  private done = false;
  private nextIndex = 0;
  private open: OpenBlock | null = null;
  private usage: IrUsage | null = null;
  private finish: { reason: IrFinishReason; raw?: string } | null = null;

  constructor(private readonly ctx: CodecContext) {}

  push(event: IrStreamEvent): string {
    if (this.done) return '';
    switch (event.type) {
      case 'start':
        return this.start(event.id);
      case 'text_delta':
        if (event.text.length === 0) return '';
        return this.start() + this.openBlock('text') + this.delta('text_delta', 'text', event.text);
      case 'reasoning_delta':
        return this.reasoning(event);
      case 'reasoning_end':
        return this.open?.kind === 'thinking' ? this.closeBlock() : '';
      case 'tool_call_start': {
        const out = this.start() + this.closeBlock();
        const index = this.nextIndex++;
        this.open = { index, kind: 'tool', toolIndex: event.index };
        return (
          out +
          anthropicSseEvent({
            type: 'content_block_start',
            index,
            content_block: { type: 'tool_use', id: event.id, name: event.name, input: {} },
          })
        );
      }
      case 'tool_call_delta':
        if (event.argumentsDelta.length === 0) return '';
        if (this.open?.kind !== 'tool' || this.open.toolIndex !== event.index) {
          // Anthropic streams one block at a time: arguments of a call whose block is closed cannot follow.
          this.ctx.dropped(`tool call ${event.index} arguments streamed after its block closed`);
          return '';
        }
        return this.delta('input_json_delta', 'partial_json', event.argumentsDelta);
      case 'tool_call_end':
        return this.open?.kind === 'tool' && this.open.toolIndex === event.index ? this.closeBlock() : '';
      case 'usage':
        this.usage = event.usage;
        return '';
      case 'finish': {
        const out = this.start() + this.closeBlock();
        this.finish = event.rawReason !== undefined ? { reason: event.reason, raw: event.rawReason } : { reason: event.reason };
        return out;
      }
      case 'error':
        this.done = true;
        return anthropicSseEvent({
          type: 'error',
          error: { type: anthropicErrorType(event.status, event.errorType), message: event.message },
        });
    }
  }

  end(): string {
    if (this.done) return '';
    this.done = true;
    const out = this.start() + this.closeBlock();
    const finish = this.finish ?? { reason: 'stop' as const };
    return (
      out +
      anthropicSseEvent({
        type: 'message_delta',
        delta: { stop_reason: encodeAnthropicStopReason(finish.reason, finish.raw), stop_sequence: null },
        usage: encodeAnthropicUsage(this.usage),
      }) +
      anthropicSseEvent({ type: 'message_stop' })
    );
  }

  /** message_start, once (also when the first event is not `start`). */
  private start(id?: string): string {
    if (this.started) return '';
    this.started = true;
    return anthropicSseEvent({
      type: 'message_start',
      message: {
        id: anthropicMessageId(id ?? ''),
        type: 'message',
        role: 'assistant',
        model: this.ctx.clientModel,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: 0, output_tokens: 0 },
      },
    });
  }

  private reasoning(event: Extract<IrStreamEvent, { type: 'reasoning_delta' }>): string {
    let out = this.start();
    if (event.redactedData !== undefined) {
      // A redacted block arrives whole: start and stop it at once.
      out += this.closeBlock();
      const index = this.nextIndex++;
      out += anthropicSseEvent({
        type: 'content_block_start',
        index,
        content_block: { type: 'redacted_thinking', data: event.redactedData },
      });
      out += anthropicSseEvent({ type: 'content_block_stop', index });
    }
    if (event.text) out += this.openBlock('thinking') + this.delta('thinking_delta', 'thinking', event.text);
    if (event.signature) out += this.openBlock('thinking') + this.delta('signature_delta', 'signature', event.signature);
    return out;
  }

  /** Opens a text or thinking block unless one of that kind is open (closing any other first). */
  private openBlock(kind: 'text' | 'thinking'): string {
    if (this.open?.kind === kind) return '';
    const out = this.closeBlock();
    const index = this.nextIndex++;
    this.open = { index, kind };
    const contentBlock = kind === 'text' ? { type: 'text', text: '' } : { type: 'thinking', thinking: '', signature: '' };
    return out + anthropicSseEvent({ type: 'content_block_start', index, content_block: contentBlock });
  }

  /**
   * A content_block_delta of the open block: the bytes anthropicSseEvent writes for
   * `{ type: 'content_block_delta', index, delta: { type, [field]: value } }`, built from a template
   * (the deltas are most of a stream's events: no object, no spread, one JSON.stringify of the value).
   */
  private delta(type: 'text_delta' | 'input_json_delta' | 'thinking_delta' | 'signature_delta', field: string, value: string): string {
    return `event: content_block_delta\ndata: {"type":"content_block_delta","index":${this.open!.index},"delta":{"type":"${type}","${field}":${JSON.stringify(value)}}}\n\n`;
  }

  private closeBlock(): string {
    if (!this.open) return '';
    const index = this.open.index;
    this.open = null;
    return anthropicSseEvent({ type: 'content_block_stop', index });
  }
}

export function createAnthropicStreamEncoder(ctx: CodecContext): StreamEncoder {
  return new AnthropicStreamEncoder(ctx);
}
