import { GatewayError, type CodecContext, type IrPart, type IrResponse } from '@switchyard/plugin-sdk';
import { usageFromOpenAI } from './read-openai-usage.js';
import { decodeOpenAIChatToolCall } from './decode-openai-chat-messages.js';
import { decodeOpenAIChatReasoning } from './decode-openai-chat-reasoning.js';
import { decodeOpenAIFinishReason } from './map-openai-finish-reason.js';
import { asArray, asNumber, asObject, asString } from './read-openai-chat-json.js';

/** The text of a response message's `content` (a string, or text parts from some servers). */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  return (asArray(content) ?? []).map((p) => asString(asObject(p)?.text) ?? '').join('');
}

/** A `chat.completion` body from an OpenAI-compatible backend in the IR: reasoning, text, tool calls. */
export function decodeOpenAIChatResponse(body: unknown, ctx: CodecContext): IrResponse {
  const json = asObject(body);
  const error = asObject(json?.error);
  if (error) throw GatewayError.badGateway(`the backend sent an error: ${asString(error.message) ?? 'unknown error'}`);
  const choices = asArray(json?.choices);
  if (!json || !choices) throw GatewayError.badGateway('the backend sent a reply that is not a chat.completion', 'upstream_malformed');
  if (choices.length > 1) ctx.dropped('choices[1..]');
  const choice = asObject(choices[0]) ?? {};
  const message = asObject(choice.message) ?? {};
  const parts: IrPart[] = [...decodeOpenAIChatReasoning(message)];
  const text = contentText(message.content) || asString(message.refusal) || '';
  if (text) parts.push({ type: 'text', text });
  for (const [i, raw] of (asArray(message.tool_calls) ?? []).entries()) {
    const call = decodeOpenAIChatToolCall(raw);
    if (call) parts.push({ ...call, id: call.id || `call_${i}` });
    else ctx.dropped(`choices[0].message.tool_calls[${i}] without a name`);
  }
  const raw = asString(choice.finish_reason);
  const response: IrResponse = {
    id: asString(json.id) ?? '',
    model: asString(json.model) ?? '',
    parts,
    finishReason: decodeOpenAIFinishReason(raw),
  };
  const created = asNumber(json.created);
  if (created !== undefined) response.created = created;
  if (raw) response.rawFinishReason = raw;
  const usage = asObject(json.usage);
  if (usage) response.usage = usageFromOpenAI(usage);
  return response;
}
