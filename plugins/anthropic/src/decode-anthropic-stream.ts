import { type CodecContext, type IrStreamEvent, type IrUsage, type SseEvent, type StreamDecoder } from '@switchyard/plugin-sdk';
import { isObject, parseJson, str, type Json } from './anthropic-json.js';
import { usageFromAnthropic } from './read-anthropic-usage.js';
import { statusForAnthropicErrorType } from './map-anthropic-error.js';
import { decodeAnthropicStopReason } from './map-anthropic-stop-reason.js';

type OpenBlock = { kind: 'text' } | { kind: 'tool'; toolIndex: number; sentArguments: boolean } | { kind: 'thinking' } | { kind: 'other' };

/**
 * Anthropic's SSE stream → IR events, event by event (backend side). One state machine:
 * message_start → `start`; content blocks by index (text, tool_use with input_json_delta →
 * tool_call_start/delta/end numbered in order of appearance, thinking with thinking_delta and
 * signature_delta → reasoning_delta, redacted_thinking → reasoning_delta with redactedData, each
 * thinking block closed by reasoning_end); message_delta → `usage` (Anthropic's counts are
 * cumulative: the latest wins, merged with message_start's) and `finish`; a mid-stream `error`
 * event → `error`. ping and unknown event types are ignored.
 */
export class AnthropicStreamDecoder implements StreamDecoder {
  private readonly blocks = new Map<number, OpenBlock>();
  private nextToolIndex = 0;
  private usage: IrUsage | null = null;
  private started = false;
  private finished = false;
  private failed = false;

  constructor(private readonly ctx: CodecContext) {}

  push(event: SseEvent): IrStreamEvent[] {
    if (this.failed) return [];
    const data = parseJson(event.data);
    if (!isObject(data)) return [];
    // The event name and the payload's `type` agree on Anthropic's wire; the payload is authoritative.
    const type = str(data.type) ?? event.event;
    switch (type) {
      case 'message_start':
        return this.messageStart(data);
      case 'content_block_start':
        return this.blockStart(data);
      case 'content_block_delta':
        return this.blockDelta(data);
      case 'content_block_stop':
        return this.blockStop(data);
      case 'message_delta':
        return this.messageDelta(data);
      case 'message_stop':
        return this.messageStop();
      case 'error':
        return this.error(data);
      default:
        // ping, and event types this gateway does not know yet.
        return [];
    }
  }

  end(): IrStreamEvent[] {
    if (this.failed || this.finished) return [];
    this.failed = true;
    return [
      { type: 'error', status: 502, errorType: 'api_error', message: 'the backend ended its stream before the message was complete' },
    ];
  }

  private messageStart(data: Json): IrStreamEvent[] {
    if (this.started) return [];
    this.started = true;
    const message = isObject(data.message) ? data.message : {};
    if (isObject(message.usage)) this.usage = usageFromAnthropic(message.usage);
    return [{ type: 'start', id: str(message.id) ?? '', model: str(message.model) ?? '' }];
  }

  private blockStart(data: Json): IrStreamEvent[] {
    const index = typeof data.index === 'number' ? data.index : this.blocks.size;
    const block = isObject(data.content_block) ? data.content_block : {};
    switch (block.type) {
      case 'text': {
        this.blocks.set(index, { kind: 'text' });
        const text = str(block.text);
        return text ? [{ type: 'text_delta', text }] : [];
      }
      case 'tool_use': {
        const state = { kind: 'tool' as const, toolIndex: this.nextToolIndex++, sentArguments: false };
        this.blocks.set(index, state);
        const out: IrStreamEvent[] = [
          { type: 'tool_call_start', index: state.toolIndex, id: str(block.id) ?? '', name: str(block.name) ?? '' },
        ];
        // Streams carry `input: {}` here and the arguments in deltas; a non-empty input is the whole of them.
        if (isObject(block.input) && Object.keys(block.input).length > 0) {
          out.push({ type: 'tool_call_delta', index: state.toolIndex, argumentsDelta: JSON.stringify(block.input) });
          state.sentArguments = true;
        }
        return out;
      }
      case 'thinking': {
        this.blocks.set(index, { kind: 'thinking' });
        const text = str(block.thinking);
        const signature = str(block.signature);
        if (!text && !signature) return [];
        const delta: IrStreamEvent = { type: 'reasoning_delta' };
        if (text) delta.text = text;
        if (signature) delta.signature = signature;
        return [delta];
      }
      case 'redacted_thinking':
        this.blocks.set(index, { kind: 'thinking' });
        return [{ type: 'reasoning_delta', redactedData: str(block.data) ?? '' }];
      default:
        this.blocks.set(index, { kind: 'other' });
        this.ctx.dropped(`content block ${String(block.type)}`);
        return [];
    }
  }

  private blockDelta(data: Json): IrStreamEvent[] {
    const block = typeof data.index === 'number' ? this.blocks.get(data.index) : undefined;
    const delta = isObject(data.delta) ? data.delta : {};
    switch (delta.type) {
      case 'text_delta': {
        const text = str(delta.text);
        return text ? [{ type: 'text_delta', text }] : [];
      }
      case 'input_json_delta': {
        const partial = str(delta.partial_json);
        if (!partial || block?.kind !== 'tool') return [];
        block.sentArguments = true;
        return [{ type: 'tool_call_delta', index: block.toolIndex, argumentsDelta: partial }];
      }
      case 'thinking_delta': {
        const text = str(delta.thinking);
        return text ? [{ type: 'reasoning_delta', text }] : [];
      }
      case 'signature_delta': {
        const signature = str(delta.signature);
        return signature ? [{ type: 'reasoning_delta', signature }] : [];
      }
      default:
        // citations_delta and delta types this gateway does not know yet.
        return [];
    }
  }

  private blockStop(data: Json): IrStreamEvent[] {
    const index = typeof data.index === 'number' ? data.index : -1;
    const block = this.blocks.get(index);
    this.blocks.delete(index);
    if (block?.kind === 'tool') {
      const out: IrStreamEvent[] = [];
      // A tool called without arguments streams none: its arguments are the empty object.
      if (!block.sentArguments) out.push({ type: 'tool_call_delta', index: block.toolIndex, argumentsDelta: '{}' });
      out.push({ type: 'tool_call_end', index: block.toolIndex });
      return out;
    }
    if (block?.kind === 'thinking') return [{ type: 'reasoning_end' }];
    return [];
  }

  private messageDelta(data: Json): IrStreamEvent[] {
    const out: IrStreamEvent[] = [];
    if (isObject(data.usage)) {
      this.usage = usageFromAnthropic(data.usage, this.usage);
      out.push({ type: 'usage', usage: this.usage });
    } else if (this.usage) {
      out.push({ type: 'usage', usage: this.usage });
    }
    const delta = isObject(data.delta) ? data.delta : {};
    const raw = str(delta.stop_reason);
    if (raw !== undefined && !this.finished) {
      this.finished = true;
      out.push({ type: 'finish', reason: decodeAnthropicStopReason(raw), rawReason: raw });
    }
    return out;
  }

  /** message_stop without a stop_reason before it (not Anthropic's own behaviour, but some proxies'). */
  private messageStop(): IrStreamEvent[] {
    if (this.finished || !this.started) return [];
    this.finished = true;
    const out: IrStreamEvent[] = this.usage ? [{ type: 'usage', usage: this.usage }] : [];
    out.push({ type: 'finish', reason: 'other' });
    return out;
  }

  private error(data: Json): IrStreamEvent[] {
    this.failed = true;
    const error = isObject(data.error) ? data.error : {};
    const errorType = str(error.type) ?? 'api_error';
    return [
      {
        type: 'error',
        status: statusForAnthropicErrorType(errorType),
        errorType,
        message: str(error.message) ?? 'the backend reported an error',
      },
    ];
  }
}

export function createAnthropicStreamDecoder(ctx: CodecContext): StreamDecoder {
  return new AnthropicStreamDecoder(ctx);
}
