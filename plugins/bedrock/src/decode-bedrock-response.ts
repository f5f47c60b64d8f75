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
import { decodeBedrockStopReason } from './map-bedrock-stop-reason.js';
import { decodeBedrockUsage } from './map-bedrock-usage.js';

/** One Converse output content block as IR parts (text, toolUse, reasoningContent); others are reported and left out. */
export function decodeBedrockBlock(block: unknown, ctx: CodecContext): IrPart[] {
  if (!isObject(block)) return [];
  if (typeof block.text === 'string') return [{ type: 'text', text: block.text }];
  const toolUse = asObject(block.toolUse);
  if (toolUse) {
    return [
      {
        type: 'tool_call',
        id: asString(toolUse.toolUseId) ?? '',
        name: asString(toolUse.name) ?? '',
        arguments: JSON.stringify(toolUse.input ?? {}),
      },
    ];
  }
  const reasoning = asObject(block.reasoningContent);
  if (reasoning) {
    const redacted = asString(reasoning.redactedContent);
    if (redacted !== undefined) return [{ type: 'reasoning', text: '', redactedData: redacted }];
    const text = asObject(reasoning.reasoningText);
    const part: IrPart = { type: 'reasoning', text: asString(text?.text) ?? '' };
    const signature = asString(text?.signature);
    if (signature) part.signature = signature;
    return [part];
  }
  ctx.dropped(`content block ${Object.keys(block).join(', ')}`);
  return [];
}

/** A Converse response → IR. Converse has no response id: the gateway's request id stands for it. */
export function decodeBedrockResponse(body: unknown, ctx: CodecContext): IrResponse {
  const output = asObject(asObject(body)?.output);
  const message = asObject(output?.message);
  const content = asArray(message?.content);
  if (!isObject(body) || !content)
    throw GatewayError.badGateway('the backend sent a Converse reply without output.message.content', 'upstream_malformed');
  const rawFinishReason = asString(body.stopReason);
  const response: IrResponse = {
    id: ctx.requestId,
    model: ctx.clientModel,
    created: Math.floor(Date.now() / 1000),
    parts: content.flatMap((b) => decodeBedrockBlock(b, ctx)),
    finishReason: decodeBedrockStopReason(rawFinishReason),
  };
  if (rawFinishReason !== undefined) response.rawFinishReason = rawFinishReason;
  const usage = decodeBedrockUsage(body.usage);
  if (usage) response.usage = usage;
  return response;
}
