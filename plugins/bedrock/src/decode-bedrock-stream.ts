import {
  asNumber,
  asObject,
  asString,
  isObject,
  parseJson,
  type CodecContext,
  type IrStreamEvent,
  type IrUsage,
  type Json,
  type SseEvent,
  type StreamDecoder,
} from '@switchyard/plugin-sdk';
import { BEDROCK_STREAM_EXCEPTION } from './frame-bedrock-event-stream.js';
import { bedrockExceptionStatus } from './map-bedrock-error.js';
import { decodeBedrockStopReason } from './map-bedrock-stop-reason.js';
import { decodeBedrockUsage } from './map-bedrock-usage.js';

type OpenBlock = { kind: 'text' } | { kind: 'tool'; toolIndex: number; sentArguments: boolean } | { kind: 'reasoning' };

/**
 * ConverseStream's events → IR events, event by event (backend side). messageStart → `start`;
 * content blocks by `contentBlockIndex`: text deltas; toolUse (contentBlockStart with its id and
 * name, `toolUse.input` string deltas) → tool_call_start/delta/end numbered in order of
 * appearance; reasoningContent deltas (text, signature, redactedContent) → reasoning_delta, the
 * block closed by reasoning_end. messageStop carries the stop reason and metadata the usage,
 * after it: the IR wants usage before finish, so `finish` waits for metadata (or the stream's
 * end). An exception event → `error` with the exception's status, and nothing after it.
 */
export class BedrockStreamDecoder implements StreamDecoder {
  private readonly blocks = new Map<number, OpenBlock>();
  private nextToolIndex = 0;
  private started = false;
  private stopReason: string | undefined;
  private finished = false;
  private failed = false;

  constructor(private readonly ctx: CodecContext) {}

  push(event: SseEvent): IrStreamEvent[] {
    if (this.failed || this.finished) return [];
    const data = parseJson(event.data);
    if (!isObject(data)) return [];
    switch (event.event) {
      case 'messageStart':
        return this.messageStart();
      case 'contentBlockStart':
        return this.blockStart(data);
      case 'contentBlockDelta':
        return this.blockDelta(data);
      case 'contentBlockStop':
        return this.blockStop(data);
      case 'messageStop':
        this.stopReason = asString(data.stopReason) ?? 'end_turn';
        return [];
      case 'metadata':
        return this.metadata(data);
      case BEDROCK_STREAM_EXCEPTION:
        return this.exception(data);
      default:
        return [];
    }
  }

  end(): IrStreamEvent[] {
    if (this.failed || this.finished) return [];
    if (this.stopReason !== undefined) return this.finish(undefined);
    this.failed = true;
    return [{ type: 'error', status: 502, errorType: 'upstream', message: 'the backend ended its stream before the message was complete' }];
  }

  private messageStart(): IrStreamEvent[] {
    if (this.started) return [];
    this.started = true;
    return [{ type: 'start', id: this.ctx.requestId, model: this.ctx.clientModel, created: Math.floor(Date.now() / 1000) }];
  }

  /** A block's state; text and reasoning blocks have no contentBlockStart, their first delta opens them. */
  private block(index: number, kind: 'text' | 'reasoning'): OpenBlock {
    const open = this.blocks.get(index);
    if (open) return open;
    const block: OpenBlock = { kind };
    this.blocks.set(index, block);
    return block;
  }

  private blockStart(data: Json): IrStreamEvent[] {
    const index = asNumber(data.contentBlockIndex) ?? this.blocks.size;
    const toolUse = asObject(asObject(data.start)?.toolUse);
    if (!toolUse) return [];
    const state = { kind: 'tool' as const, toolIndex: this.nextToolIndex++, sentArguments: false };
    this.blocks.set(index, state);
    return [{ type: 'tool_call_start', index: state.toolIndex, id: asString(toolUse.toolUseId) ?? '', name: asString(toolUse.name) ?? '' }];
  }

  private blockDelta(data: Json): IrStreamEvent[] {
    const index = asNumber(data.contentBlockIndex) ?? 0;
    const delta = asObject(data.delta) ?? {};
    if (typeof delta.text === 'string') {
      this.block(index, 'text');
      return delta.text ? [{ type: 'text_delta', text: delta.text }] : [];
    }
    const toolUse = asObject(delta.toolUse);
    if (toolUse) {
      const block = this.blocks.get(index);
      const input = asString(toolUse.input);
      if (block?.kind !== 'tool' || !input) return [];
      block.sentArguments = true;
      return [{ type: 'tool_call_delta', index: block.toolIndex, argumentsDelta: input }];
    }
    const reasoning = asObject(delta.reasoningContent);
    if (reasoning) {
      this.block(index, 'reasoning');
      const out: IrStreamEvent = { type: 'reasoning_delta' };
      const text = asString(reasoning.text);
      const signature = asString(reasoning.signature);
      const redacted = asString(reasoning.redactedContent);
      if (text) out.text = text;
      if (signature) out.signature = signature;
      if (redacted) out.redactedData = redacted;
      return text || signature || redacted ? [out] : [];
    }
    this.ctx.dropped(`content block delta ${Object.keys(delta).join(', ')}`);
    return [];
  }

  private blockStop(data: Json): IrStreamEvent[] {
    const index = asNumber(data.contentBlockIndex) ?? -1;
    const block = this.blocks.get(index);
    this.blocks.delete(index);
    if (block?.kind === 'tool') {
      const out: IrStreamEvent[] = [];
      // A tool called without arguments streams none: its arguments are the empty object.
      if (!block.sentArguments) out.push({ type: 'tool_call_delta', index: block.toolIndex, argumentsDelta: '{}' });
      out.push({ type: 'tool_call_end', index: block.toolIndex });
      return out;
    }
    return block?.kind === 'reasoning' ? [{ type: 'reasoning_end' }] : [];
  }

  private metadata(data: Json): IrStreamEvent[] {
    const usage = decodeBedrockUsage(data.usage);
    return this.stopReason !== undefined ? this.finish(usage) : usage ? [{ type: 'usage', usage }] : [];
  }

  private finish(usage: IrUsage | undefined): IrStreamEvent[] {
    this.finished = true;
    const out: IrStreamEvent[] = usage ? [{ type: 'usage', usage }] : [];
    out.push({ type: 'finish', reason: decodeBedrockStopReason(this.stopReason), rawReason: this.stopReason });
    return out;
  }

  private exception(data: Json): IrStreamEvent[] {
    this.failed = true;
    const type = asString(data.type) ?? 'exception';
    const mapped = bedrockExceptionStatus(type) ?? { status: 502, kind: 'upstream' as const };
    const message = asString(data.message) ?? 'the backend reported an error';
    return [{ type: 'error', status: mapped.status, errorType: mapped.kind, message: `${type}: ${message}` }];
  }
}

export function createBedrockStreamDecoder(ctx: CodecContext): StreamDecoder {
  return new BedrockStreamDecoder(ctx);
}
