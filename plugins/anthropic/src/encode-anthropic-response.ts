import type { CodecContext, IrResponse } from '@switchyard/plugin-sdk';
import type { Json } from './anthropic-json.js';
import { toolInput } from './encode-anthropic-blocks.js';
import { encodeAnthropicStopReason } from './map-anthropic-stop-reason.js';
import { encodeAnthropicUsage } from './map-anthropic-usage.js';

/** An id in Anthropic's shape (`msg_…`), keeping the backend's own id in it. */
export function anthropicMessageId(id: string): string {
  return id.startsWith('msg_') ? id : `msg_${id.replace(/[^A-Za-z0-9_-]/g, '') || Date.now().toString(36)}`;
}

/**
 * IR → a complete Anthropic Messages response (client side). Every block is kept as the
 * client would receive it from Anthropic: reasoning as thinking (with its signature, `""`
 * when the backend gave none) or redacted_thinking, text, tool_use with `input` an object.
 */
export function encodeAnthropicResponse(response: IrResponse, ctx: CodecContext): Json {
  const content: Json[] = [];
  for (const part of response.parts) {
    switch (part.type) {
      case 'reasoning':
        if (part.redactedData) content.push({ type: 'redacted_thinking', data: part.redactedData });
        else content.push({ type: 'thinking', thinking: part.text, signature: part.signature ?? '' });
        break;
      case 'text':
        if (part.text.length > 0) content.push({ type: 'text', text: part.text });
        break;
      case 'tool_call':
        content.push({ type: 'tool_use', id: part.id, name: part.name, input: toolInput(part, ctx) });
        break;
      default:
        ctx.dropped(`response ${part.type} part`);
    }
  }
  return {
    id: anthropicMessageId(response.id),
    type: 'message',
    role: 'assistant',
    model: ctx.clientModel,
    content,
    stop_reason: encodeAnthropicStopReason(response.finishReason, response.rawFinishReason),
    stop_sequence: null,
    usage: encodeAnthropicUsage(response.usage),
  };
}
