import {
  asArray,
  asObject,
  asString,
  isObject,
  parseJson,
  type CodecContext,
  type IrStreamEvent,
  type SseEvent,
  type StreamDecoder,
} from '@switchyard/plugin-sdk';
import { decodeOllamaToolCall } from './decode-ollama-tool-call.js';
import { decodeOllamaDoneReason } from './map-ollama-done-reason.js';
import { decodeOllamaUsage } from './map-ollama-usage.js';

/**
 * `/api/chat`'s NDJSON stream → IR events, one object a line
 * (https://github.com/ollama/ollama/blob/main/docs/api.md#chat-request-streaming): the first
 * object starts the reply; `message.thinking` → reasoning deltas (closed by reasoning_end when
 * the answer begins), `message.content` → text deltas, `message.tool_calls` (whole calls, not
 * fragments) → start, arguments and end of each call; the `done: true` object → usage and finish.
 * An `{"error": "…"}` line (https://github.com/ollama/ollama/blob/main/docs/api/errors.mdx) →
 * an `error` event and nothing after it; a stream ending before `done` → an `error` event.
 */
export class OllamaStreamDecoder implements StreamDecoder {
  private started = false;
  private thinking = false;
  private toolCalls = 0;
  private over = false;

  constructor(private readonly ctx: CodecContext) {}

  push(event: SseEvent): IrStreamEvent[] {
    if (this.over) return [];
    const data = parseJson(event.data);
    if (!isObject(data)) {
      this.over = true;
      return [{ type: 'error', status: 502, errorType: 'upstream', message: 'the backend sent a stream line that is not a JSON object' }];
    }
    if (data.error !== undefined) {
      this.over = true;
      const message = asString(data.error) ?? JSON.stringify(data.error);
      return [{ type: 'error', status: 502, errorType: 'upstream', message }];
    }
    const out: IrStreamEvent[] = this.start();
    const message = asObject(data.message) ?? {};
    const thinking = asString(message.thinking);
    if (thinking) {
      this.thinking = true;
      out.push({ type: 'reasoning_delta', text: thinking });
    }
    const content = asString(message.content);
    const calls = asArray(message.tool_calls) ?? [];
    if ((content || calls.length > 0) && this.thinking) out.push(...this.endThinking());
    if (content) out.push({ type: 'text_delta', text: content });
    for (const call of calls) out.push(...this.toolCall(call));
    if (data.done === true) out.push(...this.finish(data));
    return out;
  }

  end(): IrStreamEvent[] {
    if (this.over) return [];
    this.over = true;
    return [{ type: 'error', status: 502, errorType: 'upstream', message: 'the backend ended its stream before the reply was done' }];
  }

  private start(): IrStreamEvent[] {
    if (this.started) return [];
    this.started = true;
    return [{ type: 'start', id: this.ctx.requestId, model: this.ctx.clientModel, created: Math.floor(Date.now() / 1000) }];
  }

  private endThinking(): IrStreamEvent[] {
    this.thinking = false;
    return [{ type: 'reasoning_end' }];
  }

  private toolCall(call: unknown): IrStreamEvent[] {
    const index = this.toolCalls++;
    const c = decodeOllamaToolCall(call, index, this.ctx);
    return [
      { type: 'tool_call_start', index, id: c.id, name: c.name },
      { type: 'tool_call_delta', index, argumentsDelta: c.arguments },
      { type: 'tool_call_end', index },
    ];
  }

  private finish(data: Record<string, unknown>): IrStreamEvent[] {
    this.over = true;
    const out: IrStreamEvent[] = this.thinking ? this.endThinking() : [];
    const usage = decodeOllamaUsage(data);
    if (usage) out.push({ type: 'usage', usage });
    const rawReason = asString(data.done_reason);
    const finish: IrStreamEvent = { type: 'finish', reason: decodeOllamaDoneReason(rawReason, this.toolCalls > 0) };
    if (rawReason !== undefined) finish.rawReason = rawReason;
    out.push(finish);
    return out;
  }
}

export function createOllamaStreamDecoder(ctx: CodecContext): StreamDecoder {
  return new OllamaStreamDecoder(ctx);
}
