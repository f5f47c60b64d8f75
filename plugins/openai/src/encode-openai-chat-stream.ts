import type { CodecContext, IrStreamEvent, IrUsage, StreamEncoder } from '@switchyard/plugin-sdk';
import { encodeOpenAIChatThinkingBlock } from './encode-openai-chat-reasoning.js';
import { encodeOpenAIChatUsage } from './encode-openai-chat-usage.js';
import { encodeOpenAIFinishReason } from './map-openai-finish-reason.js';
import { encodeOpenAIStreamError } from './map-openai-stream-error.js';
import type { Json } from './read-openai-chat-json.js';

/**
 * IR stream events as OpenAI `chat.completion.chunk` events, chunk for chunk as OpenAI writes them:
 * a first chunk with the role, deltas (`content`, `reasoning_content`, `tool_calls` by index),
 * a chunk with `finish_reason`, the usage chunk (`choices: []`) only when the client asked for it
 * (`stream_options.include_usage`), then `[DONE]`. An error ends the stream with no `[DONE]`.
 * Reasoning signatures and redacted blocks go out as `delta.thinking_blocks` entries, each a
 * complete block (the block's text so far plus its signature) that a client can send back as is.
 */
export class OpenAIChatStreamEncoder implements StreamEncoder {
  private head = '';
  private tail = '';
  private started = false;
  private done = false;
  private usage: IrUsage | null = null;
  /** IR tool-call index → OpenAI's (0, 1, … in the order calls start). */
  private readonly toolIndex = new Map<number, number>();
  /** The text of the reasoning block in progress, for its thinking_blocks entry. */
  private blockText = '';

  constructor(private readonly ctx: CodecContext) {}

  push(event: IrStreamEvent): string {
    if (this.done) return '';
    if (event.type === 'error') {
      this.done = true;
      return encodeOpenAIStreamError(event);
    }
    if (event.type === 'start') return this.start(event.id, event.created);
    const out = this.started ? '' : this.start(`chatcmpl-${this.ctx.requestId}`);
    switch (event.type) {
      case 'text_delta':
        return event.text ? out + this.chunk(`{"content":${JSON.stringify(event.text)}}`) : out;
      case 'reasoning_delta':
        return out + this.reasoning(event);
      case 'reasoning_end':
        this.blockText = '';
        return out;
      case 'tool_call_start': {
        const index = this.toolIndex.size;
        this.toolIndex.set(event.index, index);
        const call: Json = { index, id: event.id, type: 'function', function: { name: event.name, arguments: '' } };
        const thoughtSignature = event.providerMetadata?.google?.thoughtSignature;
        if (typeof thoughtSignature === 'string') call.extra_content = { google: { thought_signature: thoughtSignature } };
        return out + this.chunk(JSON.stringify({ tool_calls: [call] }));
      }
      case 'tool_call_delta': {
        if (!event.argumentsDelta) return out;
        const index = this.toolIndex.get(event.index) ?? event.index;
        return out + this.chunk(`{"tool_calls":[{"index":${index},"function":{"arguments":${JSON.stringify(event.argumentsDelta)}}}]}`);
      }
      case 'tool_call_end':
        return out;
      case 'usage':
        this.usage = event.usage;
        return out;
      case 'finish':
        return out + this.chunk('{}', `"${encodeOpenAIFinishReason(event.reason)}"`);
    }
  }

  end(): string {
    if (this.done) return '';
    this.done = true;
    let out = '';
    if (this.ctx.includeUsage && this.usage) {
      if (!this.started) out += this.start(`chatcmpl-${this.ctx.requestId}`);
      out += `data: ${this.head}[],"usage":${JSON.stringify(encodeOpenAIChatUsage(this.usage))}}\n\n`;
    }
    return out + 'data: [DONE]\n\n';
  }

  private start(id: string, created = Math.floor(Date.now() / 1000)): string {
    if (this.started) return '';
    this.started = true;
    this.head = `{"id":${JSON.stringify(id)},"object":"chat.completion.chunk","created":${created},"model":${JSON.stringify(this.ctx.clientModel)},"choices":`;
    this.tail = this.ctx.includeUsage ? ',"usage":null}' : '}';
    return this.chunk('{"role":"assistant","content":""}');
  }

  private chunk(delta: string, finishReason = 'null'): string {
    return `data: ${this.head}[{"index":0,"delta":${delta},"logprobs":null,"finish_reason":${finishReason}}]${this.tail}\n\n`;
  }

  private reasoning(event: Extract<IrStreamEvent, { type: 'reasoning_delta' }>): string {
    const delta: Json = {};
    if (event.text) {
      delta.reasoning_content = event.text;
      this.blockText += event.text;
    }
    if (event.signature !== undefined || event.redactedData !== undefined) {
      const block = { text: this.blockText, signature: event.signature, redactedData: event.redactedData };
      delta.thinking_blocks = [encodeOpenAIChatThinkingBlock(block)];
      this.blockText = '';
    }
    return delta.reasoning_content === undefined && delta.thinking_blocks === undefined ? '' : this.chunk(JSON.stringify(delta));
  }
}

export const createOpenAIChatStreamEncoder = (ctx: CodecContext): StreamEncoder => new OpenAIChatStreamEncoder(ctx);
