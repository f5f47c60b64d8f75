import type { CodecContext, IrStreamEvent, IrUsage, StreamEncoder } from '@switchyard/plugin-sdk';
import { encodeOpenAIChatUsage } from './encode-openai-chat-usage.js';
import { completionId } from './encode-openai-completions-response.js';
import { encodeOpenAIFinishReason } from './map-openai-finish-reason.js';
import { encodeOpenAIStreamError } from './map-openai-stream-error.js';

/**
 * IR stream events as OpenAI's streamed legacy completion
 * (https://platform.openai.com/docs/api-reference/completions/create, `stream`): one
 * `text_completion` chunk per text delta (`choices[0].text`), a chunk with an empty text and the
 * `finish_reason`, the usage chunk (`choices: []`) only when the client asked for it
 * (`stream_options.include_usage`), then `[DONE]`. Reasoning and tool calls have no place in a
 * completion and are left out. An error ends the stream with no `[DONE]`.
 */
export class OpenAICompletionsStreamEncoder implements StreamEncoder {
  private head = '';
  private started = false;
  private done = false;
  private usage: IrUsage | null = null;

  constructor(private readonly ctx: CodecContext) {}

  push(event: IrStreamEvent): string {
    if (this.done) return '';
    switch (event.type) {
      case 'error':
        this.done = true;
        return encodeOpenAIStreamError(event);
      case 'start':
        this.start(event.id, event.created);
        return '';
      case 'text_delta':
        return event.text ? this.chunk(event.text, 'null') : '';
      case 'usage':
        this.usage = event.usage;
        return '';
      case 'finish':
        return this.chunk('', `"${encodeOpenAIFinishReason(event.reason)}"`);
      default:
        return '';
    }
  }

  end(): string {
    if (this.done) return '';
    this.done = true;
    let out = '';
    if (this.ctx.includeUsage && this.usage) {
      this.start(this.ctx.requestId);
      out += `data: ${this.head}[],"usage":${JSON.stringify(encodeOpenAIChatUsage(this.usage))}}\n\n`;
    }
    return out + 'data: [DONE]\n\n';
  }

  private start(id: string, created = Math.floor(Date.now() / 1000)): void {
    if (this.started) return;
    this.started = true;
    this.head = `{"id":${JSON.stringify(completionId(id))},"object":"text_completion","created":${created},"model":${JSON.stringify(this.ctx.clientModel)},"choices":`;
  }

  private chunk(text: string, finishReason: string): string {
    this.start(this.ctx.requestId);
    const usage = this.ctx.includeUsage ? ',"usage":null' : '';
    return `data: ${this.head}[{"text":${JSON.stringify(text)},"index":0,"logprobs":null,"finish_reason":${finishReason}}]${usage}}\n\n`;
  }
}

export const createOpenAICompletionsStreamEncoder = (ctx: CodecContext): StreamEncoder => new OpenAICompletionsStreamEncoder(ctx);
