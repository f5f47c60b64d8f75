import {
  asArray,
  asObject,
  asString,
  GatewayError,
  isObject,
  type CodecContext,
  type IrPart,
  type IrResponse,
} from '@switchyard/plugin-sdk';
import { decodeOllamaToolCall } from './decode-ollama-tool-call.js';
import { decodeOllamaDoneReason } from './map-ollama-done-reason.js';
import { decodeOllamaUsage } from './map-ollama-usage.js';

/**
 * A complete `/api/chat` reply (`stream: false`) → IR: `message.thinking` as reasoning,
 * `message.content` as text, `message.tool_calls` as tool calls; `done_reason` and the eval
 * counts as finish reason and usage.
 */
export function decodeOllamaResponse(body: unknown, ctx: CodecContext): IrResponse {
  if (!isObject(body)) throw GatewayError.badGateway('the backend sent a chat reply that is not a JSON object', 'upstream_malformed');
  const message = asObject(body.message) ?? {};
  const parts: IrPart[] = [];
  const thinking = asString(message.thinking);
  if (thinking) parts.push({ type: 'reasoning', text: thinking });
  const content = asString(message.content);
  if (content) parts.push({ type: 'text', text: content });
  const calls = asArray(message.tool_calls) ?? [];
  calls.forEach((call, i) => parts.push({ type: 'tool_call', ...decodeOllamaToolCall(call, i, ctx) }));
  const rawReason = asString(body.done_reason);
  const response: IrResponse = {
    id: ctx.requestId,
    model: ctx.clientModel,
    created: Math.floor(Date.now() / 1000),
    parts,
    finishReason: decodeOllamaDoneReason(rawReason, calls.length > 0),
  };
  if (rawReason !== undefined) response.rawFinishReason = rawReason;
  const usage = decodeOllamaUsage(body);
  if (usage) response.usage = usage;
  return response;
}
