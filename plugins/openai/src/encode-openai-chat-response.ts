import type { CodecContext, IrReasoningPart, IrResponse } from '@switchyard/kernel';
import { encodeOpenAIChatToolCall } from './encode-openai-chat-messages.js';
import { encodeOpenAIChatReasoning } from './encode-openai-chat-reasoning.js';
import { encodeOpenAIChatUsage } from './encode-openai-chat-usage.js';
import { encodeOpenAIFinishReason } from './map-openai-finish-reason.js';
import type { Json } from './read-openai-chat-json.js';

/** A complete IR response as a `chat.completion` body naming the model the client asked for. */
export function encodeOpenAIChatResponse(response: IrResponse, ctx: CodecContext): Record<string, unknown> {
  let text: string | null = null;
  const reasoning: IrReasoningPart[] = [];
  const toolCalls: Json[] = [];
  for (const part of response.parts) {
    if (part.type === 'text') text = (text ?? '') + part.text;
    else if (part.type === 'reasoning') reasoning.push(part);
    else if (part.type === 'tool_call') toolCalls.push(encodeOpenAIChatToolCall(part));
    else ctx.dropped(`response ${part.type}`);
  }
  const message: Json = { role: 'assistant', content: text, refusal: null, ...encodeOpenAIChatReasoning(reasoning) };
  if (toolCalls.length) message.tool_calls = toolCalls;
  const body: Json = {
    id: response.id,
    object: 'chat.completion',
    created: response.created ?? Math.floor(Date.now() / 1000),
    model: ctx.clientModel,
    choices: [{ index: 0, message, logprobs: null, finish_reason: encodeOpenAIFinishReason(response.finishReason) }],
  };
  if (response.usage) body.usage = encodeOpenAIChatUsage(response.usage);
  return body;
}
